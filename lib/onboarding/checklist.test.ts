import { describe, expect, it } from 'vitest';
import { CHECKLIST_STEPS, evaluateChecklist, progressOf, projectChecklist, stepsDone, type ConfigConfirmation, type MachineUserFacts, type TokenFacts } from './checklist';

const at = (time: string) => new Date(`2026-11-23T${time}:00Z`);

function facts(overrides: Partial<MachineUserFacts> = {}): MachineUserFacts {
  return { machineUserId: 'mu-1', email: 'bots+shop-certs@example.com', invitedAt: at('09:00'), isActive: false, acceptedAt: null, tokens: [], ...overrides };
}

/** The first (only) token of `entry`, with `changes`. */
const withToken = (entry: MachineUserFacts, changes: Partial<TokenFacts>): MachineUserFacts => ({ ...entry, tokens: [{ ...entry.tokens[0]!, ...changes }] });

/** Every fact there, the token used after its push. */
const complete = facts({
  isActive: true,
  acceptedAt: at('09:05'),
  tokens: [{ lastFour: 'ab12', recordedAt: at('10:00'), lastUsedAt: at('12:00'), lastUsedSeenAt: at('12:01'), production: { environmentId: 'main', pushedAt: at('10:01') } }],
});
const confirmation: ConfigConfirmation = { confirmedAt: at('11:00'), confirmedBy: 'admin@example.com', note: 'cron renewcert deployed' };

const doneKeys = (checklist: ReturnType<typeof evaluateChecklist>) => checklist.steps.filter((step) => step.isDone).map((step) => step.key);

describe('evaluateChecklist', () => {
  it('for a project with no machine user: nothing done, inviting is next', () => {
    const checklist = evaluateChecklist(null, null);
    expect(checklist).toMatchObject({ machineUser: null, progress: 0, doneCount: 0, isComplete: false, nextStep: 'invited' });
    expect(checklist.steps.map((step) => step.key)).toEqual([...CHECKLIST_STEPS]);
    expect(checklist.steps[0]?.evidence).toBe('No machine user on this project yet.');
  });

  it('shows the invitation with its date and waits for the acceptance', () => {
    const checklist = evaluateChecklist(facts(), null);
    expect(doneKeys(checklist)).toEqual(['invited']);
    expect(checklist.nextStep).toBe('accepted');
    expect(checklist.steps[0]).toMatchObject({ at: '2026-11-23T09:00:00.000Z', evidence: 'Invited bots+shop-certs@example.com on 2026-11-23 09:00 UTC.' });
    expect(checklist.steps[1]?.evidence).toBe('Waiting for bots+shop-certs@example.com to accept the invitation.');
  });

  it('counts an account linked without an invitation as invited, and an acceptance without a date', () => {
    const checklist = evaluateChecklist(facts({ invitedAt: null, isActive: true }), null);
    expect(doneKeys(checklist)).toEqual(['invited', 'accepted']);
    expect(checklist.steps[0]?.at).toBeNull();
    expect(checklist.steps[1]?.evidence).toContain('accepted before Keywarden kept the date');
  });

  it('is complete with every fact, each step with its evidence', () => {
    const checklist = evaluateChecklist(complete, confirmation);
    expect(checklist).toMatchObject({ progress: 6, doneCount: 6, isComplete: true, nextStep: null });
    const evidence = Object.fromEntries(checklist.steps.map((step) => [step.key, step.evidence]));
    expect(evidence).toEqual({
      invited: 'Invited bots+shop-certs@example.com on 2026-11-23 09:00 UTC.',
      accepted: 'bots+shop-certs@example.com accepted on 2026-11-23 09:05 UTC.',
      token_recorded: 'Token …ab12 of bots+shop-certs@example.com recorded on 2026-11-23 10:00 UTC.',
      token_on_production: 'Pushed to main on 2026-11-23 10:01 UTC.',
      config_confirmed: 'Confirmed by admin@example.com on 2026-11-23 11:00 UTC: “cron renewcert deployed”.',
      token_first_used: 'Used on 2026-11-23 12:00 UTC, after the push on 2026-11-23 10:01 UTC (seen 2026-11-23 12:01 UTC).',
    });
    expect(checklist.steps.find((step) => step.key === 'token_first_used')?.at).toBe('2026-11-23T12:00:00.000Z');
  });

  it('does not count the use that verified the token before its push', () => {
    const verifiedOnly = withToken(complete, { lastUsedAt: at('10:00'), lastUsedSeenAt: at('10:00') });
    const checklist = evaluateChecklist(verifiedOnly, confirmation);
    expect(checklist.nextStep).toBe('token_first_used');
    expect(checklist.steps.at(-1)?.evidence).toBe('Not used since the push when last seen (2026-11-23 10:00 UTC).');
    // A use at the very instant of the push is not after it either.
    expect(stepsDone(withToken(complete, { lastUsedAt: at('10:01') }), confirmation).token_first_used).toBe(false);
    // Never seen at all.
    expect(evaluateChecklist(withToken(complete, { lastUsedAt: null, lastUsedSeenAt: null }), null).steps.at(-1)?.evidence).toContain('live token');
  });

  it('judges each step over every active token: a second token recorded later takes nothing away (issue 14.3)', () => {
    // The first token is on main and was used there; a second one, just recorded, is on no production environment.
    const second: TokenFacts = { lastFour: 'HtvE', recordedAt: at('13:00'), lastUsedAt: at('13:00'), lastUsedSeenAt: at('13:00'), production: null };
    const checklist = evaluateChecklist({ ...complete, tokens: [second, ...complete.tokens] }, confirmation);
    expect(checklist).toMatchObject({ progress: 6, doneCount: 6, isComplete: true });
    const evidence = Object.fromEntries(checklist.steps.map((step) => [step.key, step.evidence]));
    expect(evidence.token_recorded).toBe('2 active tokens of bots+shop-certs@example.com; the newest, …HtvE, recorded on 2026-11-23 13:00 UTC.');
    expect(evidence.token_on_production).toBe('Token …ab12 pushed to main on 2026-11-23 10:01 UTC.');
    expect(evidence.token_first_used).toBe('Token …ab12 used on 2026-11-23 12:00 UTC, after the push on 2026-11-23 10:01 UTC (seen 2026-11-23 12:01 UTC).');
    // Used after its push counts per token: the second token's use (before any push of its own) does not.
    const firstUnused = withToken(complete, { lastUsedAt: at('10:00') });
    expect(stepsDone({ ...firstUnused, tokens: [second, ...firstUnused.tokens] }, confirmation).token_first_used).toBe(false);
    // The step is done from the earliest push to production of any active token.
    const pushedToo: TokenFacts = { ...second, production: { environmentId: 'main', pushedAt: at('13:01') } };
    expect(evaluateChecklist({ ...complete, tokens: [pushedToo, ...complete.tokens] }, confirmation).steps[3]).toMatchObject({ at: '2026-11-23T10:01:00.000Z' });
  });

  it('counts steps done out of order, but progress stops at the first gap', () => {
    const checklist = evaluateChecklist(facts({ isActive: true }), confirmation);
    expect(doneKeys(checklist)).toEqual(['invited', 'accepted', 'config_confirmed']);
    expect(checklist).toMatchObject({ progress: 2, doneCount: 3, nextStep: 'token_recorded' });
  });

  it('says "a deleted account" when the confirming user is gone, and no note when none was given', () => {
    const checklist = evaluateChecklist(null, { confirmedAt: at('11:00'), confirmedBy: null, note: null });
    expect(checklist.steps.find((step) => step.key === 'config_confirmed')?.evidence).toBe('Confirmed by a deleted account on 2026-11-23 11:00 UTC.');
  });
});

describe('progressOf', () => {
  it('counts the steps done in a row', () => {
    const none = Object.fromEntries(CHECKLIST_STEPS.map((key) => [key, false])) as Record<(typeof CHECKLIST_STEPS)[number], boolean>;
    expect(progressOf(none)).toBe(0);
    expect(progressOf({ ...none, invited: true, accepted: true, config_confirmed: true })).toBe(2);
    expect(progressOf(Object.fromEntries(CHECKLIST_STEPS.map((key) => [key, true])) as typeof none)).toBe(6);
  });
});

describe('projectChecklist', () => {
  it('follows the most advanced machine user', () => {
    const invitedOnly = facts({ machineUserId: 'mu-2', email: 'bots+other@example.com', invitedAt: at('15:00') });
    const checklist = projectChecklist([invitedOnly, complete], confirmation);
    expect(checklist.machineUser).toEqual({ id: 'mu-1', email: 'bots+shop-certs@example.com' });
    expect(checklist.isComplete).toBe(true);
  });

  it('breaks a tie in progress by the steps done, then by the latest invitation', () => {
    const confirmedAhead = facts({ machineUserId: 'mu-a', invitedAt: at('08:00') });
    const later = facts({ machineUserId: 'mu-b', invitedAt: at('10:00') });
    expect(projectChecklist([confirmedAhead, later], null).machineUser?.id).toBe('mu-b');
    const recorded = facts({ machineUserId: 'mu-c', invitedAt: at('07:00'), tokens: [{ lastFour: 'zz99', recordedAt: at('07:30'), lastUsedAt: null, lastUsedSeenAt: null, production: null }] });
    // Token recorded but not accepted: progress 1 like the others, but one more step done.
    expect(projectChecklist([later, recorded], null).machineUser?.id).toBe('mu-c');
  });

  it('is the empty checklist without machine users, keeping the confirmation', () => {
    const checklist = projectChecklist([], confirmation);
    expect(checklist.machineUser).toBeNull();
    expect(doneKeys(checklist)).toEqual(['config_confirmed']);
  });
});
