// The shape of a findings rule (issue 15 §2): an id, a severity, words for people (title, reason,
// fix) and one set-based query that returns every subject the rule fails on. A rule never loops
// over rows calling the database: it asks once, and the engine compares the answer with the open
// findings (engine.ts).
import type { Prisma } from '@/lib/db';
import type { Policy, PolicyKey } from '@/lib/validations/policy';
import type { VendorCopy, VendorProfile } from '@/lib/vendor';

export const SEVERITIES = ['critical', 'high', 'medium', 'low'] as const;
export type Severity = (typeof SEVERITIES)[number];

/** The app's client or an open transaction: the engine runs the rules inside its transaction. */
export type Queryable = Pick<Prisma.TransactionClient, '$queryRaw'>;

/** A JSON value, as evidence holds it (never a token value or fingerprint). */
export type EvidenceValue = string | number | boolean | null | EvidenceValue[] | { [key: string]: EvidenceValue };

/** One subject a rule fails on, with what was seen. */
export interface RuleHit {
  /** Stable across recomputations, e.g. `token:<uuid>`: the same subject keeps its open finding. */
  subjectKey: string;
  projectId?: string | null;
  environmentId?: string | null;
  machineUserId?: string | null;
  tokenId?: string | null;
  platformshUserId?: string | null;
  evidence: Record<string, EvidenceValue>;
  /** Overrides the rule's severity for this subject (e.g. an admin grant on production). */
  severity?: Severity;
}

export interface RuleContext {
  now: Date;
  policy: Policy;
  /** The connection's vendor: evidence names it ("Upsun has: …"). */
  vendor: VendorProfile;
}


export interface FindingRule {
  /** e.g. `token.past_rotate_by`; stored on every finding. */
  id: string;
  severity: Severity;
  /** A short name for lists and filters. */
  title: string;
  /** Why it matters (a function of the vendor where it names the product). */
  reason: VendorCopy;
  /** What to do about it. */
  fix: VendorCopy;
  /** The policy values the rule reads: the Policy page's preview re-runs only the rules whose values changed. */
  policyKeys: readonly PolicyKey[];
  find: (db: Queryable, context: RuleContext) => Promise<RuleHit[]>;
}

export const DAY_MS = 24 * 60 * 60 * 1000;

export const daysBefore = (now: Date, days: number) => new Date(now.getTime() - days * DAY_MS);

export const iso = (value: Date | null | undefined): string | null => (value ? value.toISOString() : null);

/** Whole days between two instants (for evidence such as "unused for 41 days"). */
export const daysBetween = (from: Date, to: Date) => Math.floor((to.getTime() - from.getTime()) / DAY_MS);
