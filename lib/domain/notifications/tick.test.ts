// Which window a rotate-by date falls in on a given day: the smallest reminder day at or above the
// days left (a missed day still lands in the same window, once), today, or overdue by weeks.
import { describe, expect, it } from 'vitest';
import { rotationWindow } from './tick';

const NOW = new Date('2027-03-01T22:30:00Z');
const inDays = (days: number, time = 'T03:00:00Z') => new Date(new Date(`2027-03-01${time}`).getTime() + days * 86_400_000);

describe('rotationWindow', () => {
  it.each([
    [30, null],
    [15, null],
    [14, 'due_in:14'],
    [13, 'due_in:14'],
    [4, 'due_in:14'],
    [3, 'due_in:3'],
    [1, 'due_in:3'],
    [0, 'today'],
    [-1, 'overdue:w0'],
    [-7, 'overdue:w0'],
    [-8, 'overdue:w1'],
    [-15, 'overdue:w2'],
  ])('%i days from today → %s', (days, window) => {
    expect(rotationWindow(inDays(days), NOW, [14, 3])?.window ?? null).toBe(window);
  });

  it('counts calendar days in UTC, not hours', () => {
    // 23:59 on the same day is today; 00:01 the next day is one day left.
    expect(rotationWindow(new Date('2027-03-01T23:59:00Z'), NOW, [14, 3])).toMatchObject({ event: 'rotation_due_today' });
    expect(rotationWindow(new Date('2027-03-02T00:01:00Z'), NOW, [14, 3])).toMatchObject({ event: 'rotation_due_soon', daysLeft: 1 });
  });
});
