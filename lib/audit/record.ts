// Writes audit events (SECURITY.md L3): actor, role, action, target, outcome, time, client address
// — never a secret value. Details are redacted by value before they are stored.
import type { Action, Actor } from '@/lib/auth/authorize';
import type { Database, Prisma } from '@/lib/db';
import { knownSecrets, redactValue } from '@/lib/security/redact';

export type AuditOutcome = 'succeeded' | 'refused' | 'invalid' | 'failed';

export interface AuditTarget {
  type: string;
  id?: string | null;
}

export interface AuditEntry {
  actor: Pick<Actor, 'id' | 'email' | 'role'> | null;
  /** Someone not signed in (a sign-in attempt, a set-up link) identifies by what they typed. */
  actorEmail?: string | null;
  /** A role-matrix action, or an event no person asked for (sign-in, set-up, what a sync observed). */
  action: Action | `auth.${string}` | `setup.${string}` | `invitation.${string}` | `machine_user.${string}` | `onboarding.${string}`;
  target?: AuditTarget;
  outcome: AuditOutcome;
  reason?: string;
  clientAddress?: string | null;
  details?: Prisma.InputJsonValue;
  tokenFingerprint?: string;
  /** Values to remove from reason and details wherever they appear (besides the registered ones). */
  secrets?: readonly string[];
}

type AuditWriter = Pick<Database, 'auditEvent'>;

export async function recordAudit(db: AuditWriter, entry: AuditEntry): Promise<void> {
  const secrets = [...(entry.secrets ?? []), ...knownSecrets()];
  await db.auditEvent.create({
    data: {
      actorId: entry.actor?.id ?? null,
      actorEmail: entry.actor?.email ?? entry.actorEmail ?? null,
      actorRole: entry.actor?.role ?? null,
      action: entry.action,
      targetType: entry.target?.type ?? null,
      targetId: entry.target?.id ?? null,
      outcome: entry.outcome,
      reason: entry.reason ? redactValue(entry.reason, secrets).slice(0, 1000) : null,
      clientAddress: entry.clientAddress ?? null,
      details: entry.details === undefined ? undefined : redactValue(entry.details, secrets),
      tokenFingerprint: entry.tokenFingerprint ?? null,
    },
  });
}
