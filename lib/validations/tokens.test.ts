import { afterEach, describe, expect, it, vi } from 'vitest';
import { earliestRotateBy, recordTokenSchema, rotateTokenSchema } from './tokens';

const TOKEN = 'kw_live_0123456789abcdefghijklmnop';
const record = (extra: Record<string, unknown>) => ({ machineUserId: crypto.randomUUID(), runId: crypto.randomUUID(), token: TOKEN, name: 'Cron', environmentIds: ['main'], ...extra });
const rotate = (extra: Record<string, unknown>) => ({ oldTokenId: crypto.randomUUID(), runId: crypto.randomUUID(), token: TOKEN, name: 'Cron', ...extra });
const errorsOf = (result: { success: boolean; error?: { issues: { path: PropertyKey[]; message: string }[] } }, field: string) =>
  (result.error?.issues ?? []).filter((issue) => issue.path[0] === field).map((issue) => issue.message);

describe('the rotate-by date (issue 14.8)', () => {
  afterEach(() => vi.useRealTimers());

  it('must be after today, on the record and the rotate forms alike', () => {
    vi.useFakeTimers({ now: new Date('2026-12-02T23:30:00Z'), toFake: ['Date'] });
    expect(earliestRotateBy()).toBe('2026-12-03');
    for (const schema of [recordTokenSchema, rotateTokenSchema]) {
      const input = schema === recordTokenSchema ? record : rotate;
      for (const past of ['2026-12-01', '2026-12-02', '2020-01-01']) {
        expect(errorsOf(schema.safeParse(input({ rotateBy: past })), 'rotateBy'), past).toEqual(['Choose a date after today: a token is never recorded overdue.']);
      }
      expect(schema.safeParse(input({ rotateBy: '2026-12-03' })).success).toBe(true);
      expect(schema.safeParse(input({})).success).toBe(true);
      expect(errorsOf(schema.safeParse(input({ rotateBy: 'tomorrow' })), 'rotateBy')).toEqual(['Choose a date.']);
    }
  });

  it('bounds the token name at 100 characters', () => {
    expect(errorsOf(recordTokenSchema.safeParse(record({ name: 'x'.repeat(300) })), 'name')).toEqual(['Use at most 100 characters.']);
    expect(errorsOf(rotateTokenSchema.safeParse(rotate({ name: 'x'.repeat(101) })), 'name')).toEqual(['Use at most 100 characters.']);
  });
});
