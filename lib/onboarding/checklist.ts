// The onboarding checklist of a project: six steps from "machine user invited" to "token first
// used", each judged from facts Keywarden recorded, with the evidence and the date a person can
// check. Pure: lib/domain/onboarding reads the facts; the Overview's SQL judges the same steps in
// the same order (it builds its CASE from CHECKLIST_STEPS), and an integration test holds both to
// the same answer.
import { formatDateTime } from '@/lib/utils';

/** In order: a step is the project's next one when every step before it is done. */
export const CHECKLIST_STEPS = ['invited', 'accepted', 'token_recorded', 'token_on_production', 'config_confirmed', 'token_first_used'] as const;

export type ChecklistStepKey = (typeof CHECKLIST_STEPS)[number];

export const STEP_LABELS: Record<ChecklistStepKey, string> = {
  invited: 'Machine user invited',
  accepted: 'Invitation accepted',
  token_recorded: 'Token recorded',
  token_on_production: 'Token on production',
  config_confirmed: 'Cron and build hook deployed',
  token_first_used: 'Token first used',
};

/** What to do next, in the imperative, for the Overview and the kit page. */
export const NEXT_ACTIONS: Record<ChecklistStepKey, string> = {
  invited: 'Invite a machine user',
  accepted: 'Wait for the machine user to accept its invitation',
  token_recorded: 'Record the machine user’s API token',
  token_on_production: 'Push the token to production',
  config_confirmed: 'Deploy the cron and build hook, then confirm',
  token_first_used: 'Wait for the cron to run with the token',
};

/** What Keywarden knows of one machine user of the project (removed and cancelled ones aside). */
export interface MachineUserFacts {
  machineUserId: string;
  email: string;
  /** When the invitation was sent; null for an account linked without an invitation. */
  invitedAt: Date | null;
  /** The invitation is accepted and the account has access (state `active`). */
  isActive: boolean;
  /** When Keywarden saw it accepted; null when accepted before Keywarden kept that date. */
  acceptedAt: Date | null;
  /**
   * Every active token recorded for it, newest first. A step is judged over all of them: recording a
   * second token (before a rotation, or for another cron) takes nothing away (issue 14.3).
   */
  tokens: TokenFacts[];
}

/** What Keywarden knows of one active token. */
export interface TokenFacts {
  lastFour: string;
  recordedAt: Date;
  /** Platform.sh's `last_used_at`, as last read. */
  lastUsedAt: Date | null;
  /** When Keywarden read it. */
  lastUsedSeenAt: Date | null;
  /** Its first push to a production environment that succeeded. */
  production: { environmentId: string; pushedAt: Date } | null;
}

/** The latest confirmation that the cron and build hook are in the deployed app configuration. */
export interface ConfigConfirmation {
  confirmedAt: Date;
  /** The dashboard user's e-mail; null once that account is deleted. */
  confirmedBy: string | null;
  note: string | null;
}

export interface ChecklistStep {
  key: ChecklistStepKey;
  label: string;
  isDone: boolean;
  /** When it was done (ISO), if known. */
  at: string | null;
  /** What shows it, or what it waits for, in words. */
  evidence: string;
}

export interface Checklist {
  /** The machine user the checklist follows; null when the project has none. */
  machineUser: { id: string; email: string } | null;
  steps: ChecklistStep[];
  /** Steps done in a row from the first: the Overview's measure. */
  progress: number;
  /** Every step done, whatever the order. */
  doneCount: number;
  isComplete: boolean;
  /** The first step not done yet. */
  nextStep: ChecklistStepKey | null;
}

const iso = (date: Date | null | undefined) => date?.toISOString() ?? null;
const when = (date: Date) => formatDateTime(date.toISOString());

type OnProduction = TokenFacts & { production: NonNullable<TokenFacts['production']> };

/** The token pushed to production first, of all the active ones. */
function firstOnProduction(tokens: readonly TokenFacts[]): OnProduction | null {
  const pushed = tokens.filter((token): token is OnProduction => token.production !== null);
  return pushed.sort((a, b) => a.production.pushedAt.getTime() - b.production.pushedAt.getTime())[0] ?? null;
}

/**
 * The token used after its own push to production (the verification when it was recorded used it
 * too: only a use after the push counts), the most recent use first; null when none was.
 */
function usedAfterPush(tokens: readonly TokenFacts[]): OnProduction | null {
  const used = tokens.filter((token): token is OnProduction => token.production !== null && token.lastUsedAt !== null && token.lastUsedAt.getTime() > token.production.pushedAt.getTime());
  return used.sort((a, b) => b.lastUsedAt!.getTime() - a.lastUsedAt!.getTime())[0] ?? null;
}

/** Whether each step is done: the same rules as the Overview's SQL (lib/domain/onboarding). */
export function stepsDone(facts: MachineUserFacts | null, confirmation: ConfigConfirmation | null): Record<ChecklistStepKey, boolean> {
  const tokens = facts?.tokens ?? [];
  return {
    // An account Keywarden linked (it already had access) was never invited, but counts as such.
    invited: facts !== null && (facts.invitedAt !== null || facts.isActive),
    accepted: facts?.isActive === true,
    token_recorded: tokens.length > 0,
    token_on_production: firstOnProduction(tokens) !== null,
    config_confirmed: confirmation !== null,
    token_first_used: usedAfterPush(tokens) !== null,
  };
}

/** Steps done in a row from the first. */
export function progressOf(done: Record<ChecklistStepKey, boolean>): number {
  const index = CHECKLIST_STEPS.findIndex((key) => !done[key]);
  return index === -1 ? CHECKLIST_STEPS.length : index;
}

function evidenceOf(key: ChecklistStepKey, isDone: boolean, facts: MachineUserFacts | null, confirmation: ConfigConfirmation | null): { at: Date | null; evidence: string } {
  const email = facts?.email ?? 'the machine user';
  const tokens = [...(facts?.tokens ?? [])].sort((a, b) => b.recordedAt.getTime() - a.recordedAt.getTime());
  const newest = tokens[0] ?? null;
  // With one token, its name goes without saying; with several, each piece of evidence names its token.
  const which = (token: TokenFacts, capital: string) => (tokens.length > 1 ? `${capital} …${token.lastFour} ` : '');
  switch (key) {
    case 'invited':
      if (!facts) return { at: null, evidence: 'No machine user on this project yet.' };
      if (facts.invitedAt) return { at: facts.invitedAt, evidence: `Invited ${email} on ${when(facts.invitedAt)}.` };
      return { at: null, evidence: isDone ? `${email} already had access; Keywarden linked it without an invitation.` : `The invitation to ${email} has not been sent.` };
    case 'accepted':
      if (isDone) return { at: facts?.acceptedAt ?? null, evidence: facts?.acceptedAt ? `${email} accepted on ${when(facts.acceptedAt)}.` : `${email} has access (accepted before Keywarden kept the date).` };
      return { at: null, evidence: facts ? `Waiting for ${email} to accept the invitation.` : 'Nothing to accept yet.' };
    case 'token_recorded': {
      if (!newest) return { at: null, evidence: facts ? `No active token of ${email} is recorded.` : 'No token recorded.' };
      const first = tokens[tokens.length - 1]!;
      if (tokens.length === 1) return { at: newest.recordedAt, evidence: `Token …${newest.lastFour} of ${email} recorded on ${when(newest.recordedAt)}.` };
      return { at: first.recordedAt, evidence: `${tokens.length} active tokens of ${email}; the newest, …${newest.lastFour}, recorded on ${when(newest.recordedAt)}.` };
    }
    case 'token_on_production': {
      const pushed = firstOnProduction(tokens);
      if (pushed) return { at: pushed.production.pushedAt, evidence: `${which(pushed, 'Token')}${tokens.length > 1 ? 'pushed' : 'Pushed'} to ${pushed.production.environmentId} on ${when(pushed.production.pushedAt)}.` };
      if (!newest) return { at: null, evidence: 'No token to push yet.' };
      return { at: null, evidence: tokens.length === 1 ? `Token …${newest.lastFour} is on no production environment.` : `None of the ${tokens.length} active tokens is on a production environment.` };
    }
    case 'config_confirmed':
      if (confirmation) {
        const note = confirmation.note ? `: “${confirmation.note}”.` : '.';
        return { at: confirmation.confirmedAt, evidence: `Confirmed by ${confirmation.confirmedBy ?? 'a deleted account'} on ${when(confirmation.confirmedAt)}${note}` };
      }
      return { at: null, evidence: 'Nobody has confirmed yet that the deployed app configuration has the cron and the build hook.' };
    case 'token_first_used': {
      const used = usedAfterPush(tokens);
      if (used) {
        const seen = used.lastUsedSeenAt ? ` (seen ${when(used.lastUsedSeenAt)})` : '';
        return { at: used.lastUsedAt, evidence: `${which(used, 'Token')}${tokens.length > 1 ? 'used' : 'Used'} on ${when(used.lastUsedAt!)}, after the push on ${when(used.production.pushedAt)}${seen}.` };
      }
      const pushed = firstOnProduction(tokens);
      if (!pushed) return { at: null, evidence: 'Waits for the token to be on production.' };
      return {
        at: null,
        evidence: pushed.lastUsedSeenAt
          ? `Not used since the push when last seen (${when(pushed.lastUsedSeenAt)}).`
          : 'Not seen in use since the push. Keywarden sees it the next time it reads the token list with a live token of the machine user.',
      };
    }
  }
}

/** The checklist of one machine user (or of a project with none: `facts` null). */
export function evaluateChecklist(facts: MachineUserFacts | null, confirmation: ConfigConfirmation | null): Checklist {
  const done = stepsDone(facts, confirmation);
  const steps = CHECKLIST_STEPS.map((key): ChecklistStep => {
    const { at, evidence } = evidenceOf(key, done[key], facts, confirmation);
    return { key, label: STEP_LABELS[key], isDone: done[key], at: iso(at), evidence };
  });
  const progress = progressOf(done);
  return {
    machineUser: facts ? { id: facts.machineUserId, email: facts.email } : null,
    steps,
    progress,
    doneCount: steps.filter((step) => step.isDone).length,
    isComplete: progress === CHECKLIST_STEPS.length,
    nextStep: CHECKLIST_STEPS[progress] ?? null,
  };
}

/**
 * The checklist a project shows: its most advanced machine user's (most steps done in a row, then
 * most steps done, then the most recently invited). A project may have several machine users, one
 * per purpose; it is onboarded as soon as one of them went the whole way.
 */
export function projectChecklist(machineUsers: readonly MachineUserFacts[], confirmation: ConfigConfirmation | null): Checklist {
  const candidates = machineUsers.map((facts) => ({ facts, checklist: evaluateChecklist(facts, confirmation) }));
  candidates.sort(
    (a, b) =>
      b.checklist.progress - a.checklist.progress ||
      b.checklist.doneCount - a.checklist.doneCount ||
      (b.facts.invitedAt?.getTime() ?? 0) - (a.facts.invitedAt?.getTime() ?? 0),
  );
  return candidates[0]?.checklist ?? evaluateChecklist(null, confirmation);
}
