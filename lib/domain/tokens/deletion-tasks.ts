// What is left to do about a token still alive on the vendor, in words: the open tasks a revocation
// (Mark compromised, Revoke, Remove) and an incident leave behind, and the rotation's sentence about
// the old token. Pure: the caller passes the connection's vendor, so an Upsun organisation reads
// "on Upsun" and "the Upsun Console" where a Platform.sh one reads Platform.sh.
import type { VendorProfile } from '@/lib/vendor';

interface NamedToken {
  name: string;
  lastFour: string;
}

/** A revocation without a live token: only one of the machine user's live tokens can delete it. */
export function deleteWithLiveTokenTask(vendor: VendorProfile, token: NamedToken, email: string, compromised: boolean): string {
  return `Delete the token “${token.name}” (…${token.lastFour}) on ${vendor.productName}: paste a live token of ${email} (${compromised ? 'the compromised one' : 'this one'} works until deleted), or delete it in its Console.`;
}

/** A revocation of a token whose id on the vendor Keywarden never learnt. */
export function deleteInConsoleTask(vendor: VendorProfile, token: NamedToken, email: string): string {
  return `Keywarden does not know the token’s id on ${vendor.productName}: delete “${token.name}” (…${token.lastFour}) in the Console of ${email}.`;
}

/** A revocation whose deletion the vendor refused or did not answer. */
export function deletionFailedTask(vendor: VendorProfile, failure: string): string {
  return `The token could not be deleted on ${vendor.productName} (${failure}); try again.`;
}

/** An incident's token still to delete (null once it is): the incident itself never holds a live token. */
export function incidentDeletionTask(vendor: VendorProfile, token: NamedToken & { platformshTokenId: string | null; deletedOnPlatformAt: Date | null }, email: string): string | null {
  if (token.deletedOnPlatformAt) return null;
  if (!token.platformshTokenId) return `Keywarden does not know the id of “${token.name}” (…${token.lastFour}) on ${vendor.productName}: delete it in the Console of ${email}.`;
  return `Delete the token “${token.name}” (…${token.lastFour}) on ${vendor.productName}: only a live token of ${email} can (the compromised one works until deleted). Paste one with “Mark compromised” on its machine user’s page, or delete it in that account’s Console.`;
}

/** What became of a rotation's old token, once every environment holds the new one. */
export function oldTokenDeletion(vendor: VendorProfile, old: NamedToken, outcome: { kind: 'unknown_id' } | { kind: 'deleted' } | { kind: 'failed'; failure: string }): string {
  if (outcome.kind === 'unknown_id') return `Keywarden does not know the old token’s id on ${vendor.productName}: delete “${old.name}” (…${old.lastFour}) in the machine user’s Console.`;
  if (outcome.kind === 'deleted') return `The old token (…${old.lastFour}) is deleted on ${vendor.productName}.`;
  return `The old token (…${old.lastFour}) could not be deleted on ${vendor.productName} (${outcome.failure}); it is marked superseded — delete it in the Console.`;
}
