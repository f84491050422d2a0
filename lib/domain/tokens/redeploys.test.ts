// The words and numbers of a followed redeploy: several activities read as one, the status a page
// shows, and the wait between reads.
import { describe, expect, it } from 'vitest';
import type { Activity } from '@/lib/platformsh';
import { aggregateActivities, redeployPollDelaySeconds, redeployStatusOf } from './redeploys';

const activity = (state: Activity['state'], completionPercent: number, result: Activity['result'] = null): Activity => ({
  id: `a-${state}-${completionPercent}`,
  projectId: 'p',
  type: 'environment.variable.update',
  state,
  result,
  completionPercent,
  environments: ['main'],
  description: null,
  createdAt: null,
  startedAt: null,
  completedAt: null,
});

describe('a followed redeploy', () => {
  it('reads several activities as the least advanced one, failed if any failed', () => {
    expect(aggregateActivities([activity('complete', 100, 'success'), activity('in_progress', 40)])).toEqual({ state: 'in_progress', result: null, percent: 40, ended: false });
    expect(aggregateActivities([activity('complete', 100, 'success'), activity('complete', 100, 'success')])).toEqual({ state: 'complete', result: 'success', percent: 100, ended: true });
    expect(aggregateActivities([activity('complete', 100, 'failure'), activity('complete', 100, 'success')])).toMatchObject({ state: 'complete', result: 'failure', ended: true });
    expect(aggregateActivities([activity('pending', 0), activity('in_progress', 70)])).toMatchObject({ state: 'pending', percent: 0 });
    expect(aggregateActivities([activity('cancelled', 12)])).toMatchObject({ state: 'cancelled', result: null, ended: true });
  });

  it('says one word for a step', () => {
    const base = { activityIds: ['a1'], redeployState: null, redeployResult: null, redeployPercent: null, redeployFollowEndedAt: null };
    expect(redeployStatusOf({ ...base, activityIds: [] })).toBe('none');
    expect(redeployStatusOf(base)).toBe('waiting');
    expect(redeployStatusOf({ ...base, redeployState: 'in_progress', redeployPercent: 40 })).toBe('running');
    expect(redeployStatusOf({ ...base, redeployState: 'complete', redeployResult: 'success' })).toBe('succeeded');
    expect(redeployStatusOf({ ...base, redeployState: 'complete', redeployResult: 'failure' })).toBe('failed');
    expect(redeployStatusOf({ ...base, redeployState: 'cancelled' })).toBe('failed');
    expect(redeployStatusOf({ ...base, redeployState: 'in_progress', redeployFollowEndedAt: new Date() })).toBe('unconfirmed');
  });

  it('waits longer between reads, up to a minute', () => {
    expect([0, 1, 2, 3, 4, 5, 6, 20].map(redeployPollDelaySeconds)).toEqual([2, 4, 8, 16, 32, 60, 60, 60]);
  });
});
