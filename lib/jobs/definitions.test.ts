import { describe, expect, it } from 'vitest';
import { syncCronFor } from './definitions';

describe('syncCronFor', () => {
  it.each([
    [0, null],
    [1, '* * * * *'],
    [15, '*/15 * * * *'],
    [60, '0 * * * *'],
    [120, '0 */2 * * *'],
    [360, '0 */6 * * *'],
    [1440, '0 0 * * *'],
    [10_080, '0 0 * * 0'],
  ])('%i minutes → %s', (minutes, cron) => {
    expect(syncCronFor(minutes)).toBe(cron);
  });

  it('ticks every minute for an interval no cron expresses (the due check keeps the interval)', () => {
    for (const minutes of [7, 45, 90, 300, 2000]) expect(syncCronFor(minutes)).toBe('* * * * *');
  });
});
