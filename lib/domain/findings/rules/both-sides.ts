// Drift evidence with both sides (issue 15 §3, SECURITY.md R7): what Keywarden approved or set, and
// when; what Platform.sh has, as a sync saw it, and when. Every drift rule writes its differences in
// this one shape, so the Findings view shows them side by side and an evidence pack or an export
// reads them as a sentence ("Keywarden approved: viewer; production: admin — Platform.sh has: admin").
import { iso, type EvidenceValue } from '../types';
import { comparePermissions } from '@/lib/machine-users/roles';
import type { VendorProfile } from '@/lib/vendor';

export interface DriftDifference {
  /** Where it differs: an environment's id, or null for the project (roles, membership). */
  where: string | null;
  /** Keywarden's side, in words: "Keywarden approved: viewer; production: admin". */
  keywarden: string;
  /** When Keywarden's side was recorded (its role change or invitation, the push step). */
  keywardenAt: string | null;
  /** Platform.sh's side, in words: "Platform.sh has: admin". */
  platformsh: string;
  /** When a sync (or Keywarden's own read) saw Platform.sh's side. */
  platformshAt: string | null;
  /** Both sides as one sentence, for exports and screen readers. */
  text: string;
}

export function difference(
  vendor: VendorProfile,
  input: {
    where?: string | null;
    keywarden: string;
    keywardenAt: Date | null;
    platformsh: string;
    platformshAt: Date | null;
  },
): DriftDifference & Record<string, EvidenceValue> {
  const where = input.where ?? null;
  const keywarden = `Keywarden ${input.keywarden}`;
  // Stored as evidence and refreshed by every recomputation: the words follow the configured vendor.
  const platformsh = `${vendor.productName} has: ${input.platformsh}`;
  return {
    where,
    keywarden,
    keywardenAt: iso(input.keywardenAt),
    platformsh,
    platformshAt: iso(input.platformshAt),
    text: `${keywarden}${where ? ` on ${where}` : ''} — ${platformsh}`,
  };
}

/**
 * Permissions in words, project role first, then production, staging, development:
 * ["staging:viewer", "production:admin", "viewer"] → "viewer; production: admin; staging: viewer".
 * Nothing at all: "no access".
 */
export function permissionWords(permissions: readonly string[]): string {
  if (permissions.length === 0) return 'no access';
  return [...permissions]
    .sort(comparePermissions)
    .map((permission) => permission.replace(':', ': '))
    .join('; ');
}

/** A CLI token variable's flags in words, as Keywarden sets them or as Platform.sh has them. */
export function variableFlagWords(flags: { isSensitive: boolean; isInheritable: boolean; isEnabled: boolean }): string {
  return [flags.isSensitive ? 'sensitive' : 'not sensitive', flags.isInheritable ? 'inheritable' : 'not inheritable', flags.isEnabled ? 'enabled' : 'disabled'].join(', ');
}
