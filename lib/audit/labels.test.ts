// Every event a person reads is in words: each audited action and each step a writer records has a
// label here, so a new action or step without words fails this test instead of reaching a reviewer
// as `token.finish_revocation — revocation executed`.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import matrix from '@/lib/auth/role-matrix.json';
import { VENDORS, vendorProfile } from '@/lib/vendor';
import { AUDIT_ACTIONS } from './actions';
import { AUDIT_STEP_LABELS, auditActionLabel, auditStepLabel, describeAuditEvent } from './labels';

const platformsh = vendorProfile('platformsh');
const upsun = vendorProfile('upsun');

/** A code name left in the text: snake_case, or a dotted name such as `token.push` (the vendor's own name aside). */
function codeNameIn(text: string): string | null {
  return /[a-z]+_[a-z_]+|[a-z]+\.[a-z_]+/.exec(text.replaceAll('Platform.sh', ''))?.[0] ?? null;
}

const LIB = path.resolve(__dirname, '..');

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'generated' ? [] : sourceFiles(full);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts') ? [full] : [];
  });
}

/** Every step name the writers of audit rows put in `details.step` (each literal of a `step: …` expression but a compared one). */
function writtenSteps(): Map<string, string> {
  const steps = new Map<string, string>();
  for (const dir of ['domain', 'actions', 'api']) {
    for (const file of sourceFiles(path.join(LIB, dir))) {
      for (const match of fs.readFileSync(file, 'utf8').matchAll(/\bstep: ([^,;}\n]+)/g)) {
        for (const literal of match[1]!.matchAll(/(?<![=!]== )'([a-z_]+)'/g)) steps.set(literal[1]!, path.relative(LIB, file));
      }
    }
  }
  return steps;
}

describe('audit event labels', () => {
  it('give every known action and every role-matrix action words, not its code name', () => {
    const actions = new Set([...Object.keys(AUDIT_ACTIONS), ...Object.keys(matrix.actions)]);
    for (const vendor of VENDORS.map(vendorProfile)) {
      for (const action of actions) {
        const label = auditActionLabel(action, vendor);
        expect(codeNameIn(label), `${action}: ${label}`).toBeNull();
        expect(label.toLowerCase(), action).not.toBe(action.replace('.', ': ').replaceAll('_', ' '));
      }
    }
  });

  it('give every step a writer records words (or say that the action’s label says it all)', () => {
    const steps = writtenSteps();
    // The scan finds the steps of the whole lifecycle (a sanity check that it reads the writers at all).
    for (const step of ['recorded', 'invitation_sent', 'revocation_executed', 'mint_requested']) expect(steps.has(step), step).toBe(true);
    // rotate.ts writes the token's new status as the step of token.revoke and token.compromise.
    for (const step of [...steps.keys(), 'revoked', 'compromised']) {
      expect(Object.hasOwn(AUDIT_STEP_LABELS, step), `step '${step}' (${steps.get(step) ?? 'rotate.ts'}) has no label in lib/audit/labels.ts`).toBe(true);
    }
    for (const vendor of VENDORS.map(vendorProfile)) {
      for (const step of Object.keys(AUDIT_STEP_LABELS)) {
        const label = auditStepLabel(step, vendor);
        if (label !== null) expect(codeNameIn(label), `${step}: ${label}`).toBeNull();
      }
    }
  });

  it('describe an event as its action in words, with the step when it adds something', () => {
    expect(describeAuditEvent('token.finish_revocation', { step: 'revocation_executed', tokenId: 'x' }, platformsh)).toBe('Revocation carried out');
    expect(describeAuditEvent('machine_user.invite', { step: 'invitation_sent' }, platformsh)).toBe('Invite a machine user — the invitation sent');
    expect(describeAuditEvent('machine_user.remove', null, platformsh)).toBe('Remove a machine user (offboarding)');
    expect(describeAuditEvent('jobs.read', {}, platformsh)).toBe('View background jobs');
  });

  it('name the connection’s vendor where an event names one', () => {
    expect(describeAuditEvent('machine_user.invite', { step: 'refused' }, upsun)).toBe('Invite a machine user — Upsun refused it');
    expect(describeAuditEvent('machine_user.invite', { step: 'refused' }, platformsh)).toBe('Invite a machine user — Platform.sh refused it');
    for (const step of Object.keys(AUDIT_STEP_LABELS)) expect(auditStepLabel(step, upsun) ?? '').not.toContain('Platform.sh');
  });

  it('read a row of an action or step this version does not know aloud, without its punctuation', () => {
    expect(describeAuditEvent('machine_user.something_new', { step: 'half_done' }, platformsh)).toBe('Machine user: something new — half done');
    expect(auditStepLabel(undefined, platformsh)).toBeNull();
    expect(describeAuditEvent('token.push', { step: 42 }, platformsh)).toBe('Push finished (token set on environments)');
  });
});
