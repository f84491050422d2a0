// What a person reads for an audit event: the one place an event's code name (`token.finish_revocation`,
// step `revocation_executed`) becomes words. The timeline, the Audit page and the human columns of
// the exports all use describeAuditEvent; the code name stays where a machine reads it (the export's
// `action` and `step` columns, the API) and as a secondary detail on the Audit page.
//
// labels.test.ts fails when an audited action or a step written anywhere in lib/ has no words here.
import type { Action } from '@/lib/auth/authorize';
import { vendorCopy, type VendorCopy, type VendorProfile } from '@/lib/vendor';
import { AUDIT_ACTIONS, isKnownAuditAction, type KnownAuditAction } from './actions';

/**
 * The role matrix's reads that AUDIT_ACTIONS does not list (no one is refused them today, so the
 * Audit page's action list leaves them out), in words all the same: a row may name any permission.
 * Typed over the matrix, so a new matrix action needs words here or in AUDIT_ACTIONS to compile.
 */
const OTHER_PERMISSION_LABELS = {
  'dashboard.read': 'View the dashboard',
  'project.read': 'View projects',
  'machine_user.read': 'View machine users',
  'token.read': 'View tokens',
  'finding.read': 'View findings',
  'policy.read': 'View the policy',
  'api_key.read': 'View own API keys',
  'jobs.read': 'View background jobs',
  'account.read': 'View own account',
} as const satisfies Record<Exclude<Action, KnownAuditAction>, string>;

function isOtherPermission(action: string): action is keyof typeof OTHER_PERMISSION_LABELS {
  return Object.hasOwn(OTHER_PERMISSION_LABELS, action);
}

/**
 * Words for each `details.step` the writers record, said as what that step did. `null`: the action's
 * label already says it all (a step that only names the action's single outcome).
 */
export const AUDIT_STEP_LABELS = {
  applied: (vendor) => `applied on ${vendor.productName}`,
  bootstrap_deleted: 'the pasted bootstrap token deleted',
  bootstrap_not_deleted: 'the pasted bootstrap token not deleted',
  cancel_failed: (vendor) => `${vendor.productName} did not cancel it`,
  cancelled: (vendor) => `cancelled on ${vendor.productName}`,
  compromised: 'its variables to delete',
  confirmed: (vendor) => `the answer was lost; ${vendor.productName} shows it done`,
  finish_offboarding: 'run again to revoke what was left',
  granted: 'its access granted again',
  interrupted: null,
  invitation_failed: 'the invitation was not sent',
  invitation_linked: 'an existing access linked',
  invitation_sent: 'the invitation sent',
  invitation_unknown: 'the invitation may or may not have been sent (the answer was lost)',
  live_token_refused: 'the token given to revoke with was refused',
  mint_failed: 'minting failed',
  mint_never_applied: (vendor) => `the mint never reached ${vendor.productName}`,
  mint_refused: (vendor) => `${vendor.productName} refused to mint`,
  mint_requested: 'minting requested',
  minted_resume: 'resumed with a newly minted token',
  minted_token_deleted: 'the minted token deleted',
  minting_chosen: null,
  move_recorded: null,
  pushed: null,
  recorded: 'recorded, before anything is sent',
  refused: (vendor) => `${vendor.productName} refused it`,
  removed: (vendor) => `removed from ${vendor.productName}`,
  requested: 'requested',
  resumed: null,
  revocation_executed: null,
  revoked: 'its variables to delete',
  rotation_recorded: 'recorded, before anything is sent',
  superseded: null,
  unfinished_minted_token_retired: 'the unfinished minted token retired',
  unknown: 'the answer was lost: it may or may not have happened',
} as const satisfies Record<string, VendorCopy | null>;

export type AuditStep = keyof typeof AUDIT_STEP_LABELS;

/** A code name read aloud, for a row this version has no words for (written by another version). */
function spokenCodeName(code: string): string {
  const words = code.replaceAll('_', ' ').replace('.', ': ');
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/** The action in words ("Revocation carried out"), naming the connection's vendor where it names one. */
export function auditActionLabel(action: string, vendor: VendorProfile): string {
  if (isKnownAuditAction(action)) return vendorCopy(AUDIT_ACTIONS[action].label, vendor);
  return isOtherPermission(action) ? OTHER_PERMISSION_LABELS[action] : spokenCodeName(action);
}

/** The step in words, or null when there is no step or it adds nothing to the action's label. */
export function auditStepLabel(step: string | null | undefined, vendor: VendorProfile): string | null {
  if (!step) return null;
  if (!Object.hasOwn(AUDIT_STEP_LABELS, step)) return step.replaceAll('_', ' ');
  const label: VendorCopy | null = AUDIT_STEP_LABELS[step as AuditStep];
  return label === null ? null : vendorCopy(label, vendor);
}

function stepOf(details: unknown): string | null {
  if (typeof details !== 'object' || details === null || !('step' in details)) return null;
  return typeof details.step === 'string' ? details.step : null;
}

/** The whole event in words: the action, and the step when it adds something ("Invite a machine user — the invitation sent"). */
export function describeAuditEvent(action: string, details: unknown, vendor: VendorProfile): string {
  const step = auditStepLabel(stepOf(details), vendor);
  const label = auditActionLabel(action, vendor);
  return step ? `${label} — ${step}` : label;
}
