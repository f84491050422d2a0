// Findings by severity over time on PGlite and PostgreSQL, over hand-made findings with known dates:
// the exact count per day and severity (unresolved at the end of each UTC day), the 90-day window
// (or from the first finding's day), today's row equal to the list's open counts plus accepted
// risks, and an onboarder's scope (assigned projects only; none assigned, nothing).
import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '@/lib/db';
import type { RequestContext } from '@/lib/domain/context';
import { TEST_DATABASE_KINDS } from '@/lib/testing/database';
import { contextFor, createUser } from '@/lib/testing/fixtures';
import { setUpTestDatabase } from '@/lib/testing/suite-database';
import { getFindingsHistory, HISTORY_DAYS, type FindingsDay } from './history';
import { listFindings } from './queries';
import { SEVERITIES, type Severity } from './types';

const NOW = new Date('2027-03-01T12:00:00Z');
const at = (iso: string) => new Date(iso);

interface Made {
  severity: Severity;
  projectId: string | null;
  firstSeenAt: Date;
  resolvedAt?: Date;
  acceptedUntil?: Date;
}

const FINDINGS: Record<string, Made> = {
  // Open since two days ago.
  f1: { severity: 'critical', projectId: 'hist-a', firstSeenAt: at('2027-02-27T10:00:00Z') },
  // Resolved the next morning: counted at the end of the 27th only.
  f2: { severity: 'high', projectId: 'hist-a', firstSeenAt: at('2027-02-27T08:00:00Z'), resolvedAt: at('2027-02-28T09:00:00Z') },
  // Seen in the last second of the 28th.
  f3: { severity: 'medium', projectId: 'hist-b', firstSeenAt: at('2027-02-28T23:59:59Z') },
  // Seen and resolved today: never unresolved at a day's end.
  f4: { severity: 'low', projectId: 'hist-a', firstSeenAt: at('2027-03-01T01:00:00Z'), resolvedAt: at('2027-03-01T02:00:00Z') },
  // Seen before the window, accepted as a risk until after today: counted on every day.
  f5: { severity: 'high', projectId: 'hist-b', firstSeenAt: at('2026-10-01T12:00:00Z'), acceptedUntil: at('2027-04-01T00:00:00Z') },
  // Seen before the window, resolved on 15 January.
  f6: { severity: 'medium', projectId: 'hist-a', firstSeenAt: at('2026-11-01T12:00:00Z'), resolvedAt: at('2027-01-15T12:00:00Z') },
  // About no project (e.g. an organisation-wide account): onboarders never see it.
  f7: { severity: 'critical', projectId: null, firstSeenAt: at('2027-02-01T06:00:00Z') },
  // The only finding of hist-c, seen on 20 February.
  f8: { severity: 'low', projectId: 'hist-c', firstSeenAt: at('2027-02-20T15:00:00Z') },
};

const counts = (critical: number, high: number, medium: number, low: number) => ({ critical, high, medium, low, total: critical + high + medium + low });
const dayOf = (days: FindingsDay[], day: string) => {
  const found = days.find((row) => row.day === day);
  if (!found) throw new Error(`no row for ${day}`);
  const { critical, high, medium, low, total } = found;
  return { critical, high, medium, low, total };
};

describe.each(TEST_DATABASE_KINDS)('findings by severity over time on %s', (kind) => {
  const database = setUpTestDatabase(kind);
  let db: Database;
  let reviewer: RequestContext;

  beforeAll(async () => {
    db = database.db;
    reviewer = contextFor(await createUser(db, { role: 'reviewer' }));
    await db.project.createMany({ data: ['hist-a', 'hist-b', 'hist-c'].map((id) => ({ id, title: `Project ${id}` })) });
    await db.finding.createMany({
      data: Object.entries(FINDINGS).map(([key, made]) => ({
        id: randomUUID(),
        ruleId: 'test.rule',
        subjectKey: `test:${key}`,
        severity: made.severity,
        projectId: made.projectId,
        evidence: {},
        firstSeenAt: made.firstSeenAt,
        lastSeenAt: made.resolvedAt ?? NOW,
        resolvedAt: made.resolvedAt ?? null,
        acceptedUntil: made.acceptedUntil ?? null,
        acceptedReason: made.acceptedUntil ? 'A test of the accepted ones.' : null,
      })),
    });
  });

  it('counts, for each of the last 90 days, the findings unresolved at the end of the day, per severity', async () => {
    const result = await getFindingsHistory(reviewer, NOW);
    if (!result.ok) throw new Error(result.error.message);
    const { days } = result.data;
    expect(days).toHaveLength(HISTORY_DAYS);
    expect(days[0]!.day).toBe('2026-12-02');
    expect(days.at(-1)!.day).toBe('2027-03-01');
    // One row per day, in order, no gap.
    for (let index = 1; index < days.length; index += 1) {
      expect(new Date(`${days[index]!.day}T00:00:00Z`).getTime() - new Date(`${days[index - 1]!.day}T00:00:00Z`).getTime()).toBe(86_400_000);
    }

    // f5 and f6 were seen before the window: both count from its first day.
    expect(dayOf(days, '2026-12-02')).toEqual(counts(0, 1, 1, 0));
    expect(dayOf(days, '2027-01-14')).toEqual(counts(0, 1, 1, 0));
    // f6 resolved at noon on the 15th: not counted at that day's end.
    expect(dayOf(days, '2027-01-15')).toEqual(counts(0, 1, 0, 0));
    expect(dayOf(days, '2027-01-31')).toEqual(counts(0, 1, 0, 0));
    expect(dayOf(days, '2027-02-01')).toEqual(counts(1, 1, 0, 0));
    expect(dayOf(days, '2027-02-20')).toEqual(counts(1, 1, 0, 1));
    expect(dayOf(days, '2027-02-26')).toEqual(counts(1, 1, 0, 1));
    expect(dayOf(days, '2027-02-27')).toEqual(counts(2, 2, 0, 1));
    expect(dayOf(days, '2027-02-28')).toEqual(counts(2, 1, 1, 1));
    // f4 came and went today.
    expect(dayOf(days, '2027-03-01')).toEqual(counts(2, 1, 1, 1));
  });

  it('ends on today with the list’s open counts plus the accepted risks', async () => {
    const [history, list] = await Promise.all([getFindingsHistory(reviewer, NOW), listFindings(reviewer, {}, NOW)]);
    if (!history.ok || !list.ok) throw new Error('refused');
    const today = history.data.days.at(-1)!;
    const open = list.data.summary.open;
    expect(SEVERITIES.map((severity) => today[severity])).toEqual(SEVERITIES.map((severity) => open[severity] + (FINDINGS.f5!.severity === severity ? 1 : 0)));
    expect(today.total).toBe(SEVERITIES.reduce((sum, severity) => sum + open[severity], 0) + list.data.summary.accepted);
  });

  it('starts on the first finding’s day when that is within the window', async () => {
    const onboarder = contextFor(await createUser(db, { role: 'onboarder', projectIds: ['hist-c'] }), ['hist-c']);
    const result = await getFindingsHistory(onboarder, NOW);
    if (!result.ok) throw new Error(result.error.message);
    expect(result.data.days.map((row) => row.day)).toEqual([...Array.from({ length: 9 }, (_, index) => `2027-02-${20 + index}`), '2027-03-01']);
    expect(result.data.days.every((row) => row.low === 1 && row.total === 1)).toBe(true);
  });

  it('shows an onboarder the findings of their assigned projects only', async () => {
    const onboarder = contextFor(await createUser(db, { role: 'onboarder', projectIds: ['hist-a'] }), ['hist-a']);
    const result = await getFindingsHistory(onboarder, NOW);
    if (!result.ok) throw new Error(result.error.message);
    const { days } = result.data;
    // f6 (hist-a) was seen before the window.
    expect(days).toHaveLength(HISTORY_DAYS);
    expect(dayOf(days, '2026-12-02')).toEqual(counts(0, 0, 1, 0));
    expect(dayOf(days, '2027-02-01')).toEqual(counts(0, 0, 0, 0));
    expect(dayOf(days, '2027-02-27')).toEqual(counts(1, 1, 0, 0));
    expect(dayOf(days, '2027-03-01')).toEqual(counts(1, 0, 0, 0));

    const unassigned = contextFor(await createUser(db, { role: 'onboarder' }), []);
    const none = await getFindingsHistory(unassigned, NOW);
    expect(none.ok && none.data.days).toEqual([]);
  });
});
