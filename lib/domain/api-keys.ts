// Dashboard API keys (REST API v1, README "REST API"): created by a signed-in user for themselves,
// with a role no higher than their own and a required expiry; shown once; stored as a keyed digest
// (HMAC-SHA256 with the api-key secret) and a display prefix, never the key. Revocable by their
// owner, and by an admin (anyone's). Authentication of a presented key lives here too, so that the
// API's route handlers get the same RequestContext as the server actions.
import 'server-only';
import { randomUUID } from 'node:crypto';
import { authorize, type Actor } from '@/lib/auth/authorize';
import { ADDRESS_POLICY, claimAttempt, settleSuccess, type ThrottlePolicy } from '@/lib/auth/throttle';
import { recordStrangerRefusal } from '@/lib/audit/record';
import { displayPrefixOf, generateApiKey, isWellFormedApiKey } from '@/lib/api/key-format';
import { getDb } from '@/lib/db';
import { AppError, fail, ok, type ActionResult } from '@/lib/errors';
import type { Role } from '@/lib/roles';
import { fingerprintOf } from '@/lib/security/fingerprint';
import { createApiKeySchema, revokeApiKeySchema } from '@/lib/validations/api-keys';
import type { RequestContext } from './context';
import { runMutation } from './mutation';

/**
 * The roles a user may give a key. An onboarder's key is an onboarder's (their projects), a
 * reviewer's a reviewer's (read-only); an admin may make a read-only reviewer key too. An
 * onboarder may not make a reviewer key: a reviewer reads every project, an onboarder only theirs.
 */
export function keyRolesFor(role: Role): Role[] {
  return role === 'admin' ? ['admin', 'reviewer'] : [role];
}

export type ApiKeyState = 'active' | 'expired' | 'revoked';

export interface ApiKeyView {
  id: string;
  name: string;
  prefix: string;
  role: Role;
  owner: { id: string; email: string };
  state: ApiKeyState;
  createdAt: string;
  expiresAt: string;
  lastUsedAt: string | null;
  lastUsedFrom: string | null;
  revokedAt: string | null;
  /** Whether the viewer may revoke it (their own, or an admin's view of anyone's). */
  canRevoke: boolean;
}

export interface CreatedApiKey {
  /** The key itself: shown once, never stored. */
  key: string;
  apiKey: ApiKeyView;
}

const DAY_MS = 24 * 60 * 60 * 1000;
/** Last use is written at most this often per key: a busy script does not write on every call. */
export const LAST_USED_RESOLUTION_MS = 60_000;

interface KeyRow {
  id: string;
  name: string;
  prefix: string;
  role: Role;
  userId: string;
  createdAt: Date;
  expiresAt: Date;
  lastUsedAt: Date | null;
  lastUsedFrom: string | null;
  revokedAt: Date | null;
  user: { id: string; email: string };
}

function stateOf(row: Pick<KeyRow, 'revokedAt' | 'expiresAt'>, now: Date): ApiKeyState {
  if (row.revokedAt) return 'revoked';
  return row.expiresAt <= now ? 'expired' : 'active';
}

function toView(row: KeyRow, viewer: Actor, now: Date): ApiKeyView {
  const state = stateOf(row, now);
  return {
    id: row.id,
    name: row.name,
    prefix: row.prefix,
    role: row.role,
    owner: { id: row.user.id, email: row.user.email },
    state,
    createdAt: row.createdAt.toISOString(),
    expiresAt: row.expiresAt.toISOString(),
    lastUsedAt: row.lastUsedAt?.toISOString() ?? null,
    lastUsedFrom: row.lastUsedFrom,
    revokedAt: row.revokedAt?.toISOString() ?? null,
    canRevoke: state !== 'revoked' && (row.userId === viewer.id || authorize(viewer, 'api_key.revoke_any').allowed),
  };
}

const withOwner = { user: { select: { id: true, email: true } } } as const;

export function digestOfApiKey(key: string, digestKey: string): string {
  return fingerprintOf(key, digestKey);
}

/** A new key for the caller. The key is in the answer only; the database and the audit row get its prefix. */
export function createApiKey(context: RequestContext, rawInput: unknown, digestKey: string, now = new Date()): Promise<ActionResult<CreatedApiKey>> {
  // Chosen here so that the audit row names the key it created.
  const id = randomUUID();
  return runMutation(
    context,
    {
      action: 'api_key.manage',
      auditAction: () => 'api_key.create',
      schema: createApiKeySchema,
      target: (input) => ({ type: 'api_key', id, name: input.name }),
      run: async (tx, input) => {
        const role = input.role ?? context.actor.role;
        if (!keyRolesFor(context.actor.role).includes(role)) {
          throw new AppError('invalid_input', 'A key cannot have a role above yours.', { role: ['A key cannot have a role above yours.'] });
        }
        const key = generateApiKey();
        const row = await tx.apiKey.create({
          data: {
            id,
            name: input.name,
            digest: digestOfApiKey(key, digestKey),
            prefix: displayPrefixOf(key),
            role,
            userId: context.actor.id,
            expiresAt: new Date(now.getTime() + input.expires_in_days * DAY_MS),
          },
          include: withOwner,
        });
        return {
          data: { key, apiKey: toView(row, context.actor, now) },
          details: { apiKeyId: row.id, prefix: row.prefix, role, expiresAt: row.expiresAt.toISOString() },
        };
      },
    },
    rawInput,
  );
}

/**
 * Revokes a key: the caller's own under api_key.manage, anyone's under api_key.revoke_any (admins).
 * An unknown key is not found; another user's key, for someone who may not revoke it, is refused.
 */
export async function revokeApiKey(context: RequestContext, rawInput: unknown, now = new Date()): Promise<ActionResult<ApiKeyView>> {
  const parsed = revokeApiKeySchema.safeParse(rawInput);
  const existing = parsed.success ? await getDb().apiKey.findUnique({ where: { id: parsed.data.keyId }, select: { userId: true, name: true } }) : null;
  if (parsed.success && !existing) return fail('not_found', 'There is no such API key.');
  const own = existing?.userId === context.actor.id;
  return runMutation(
    context,
    {
      action: own || !existing ? 'api_key.manage' : 'api_key.revoke_any',
      auditAction: () => (own || !existing ? 'api_key.revoke' : 'api_key.revoke_any'),
      schema: revokeApiKeySchema,
      target: (input) => ({ type: 'api_key', id: input.keyId, name: existing?.name ?? null }),
      run: async (tx, input) => {
        // Only a key not yet revoked: a second revocation changes nothing (and keeps the first time).
        const { count } = await tx.apiKey.updateMany({ where: { id: input.keyId, revokedAt: null }, data: { revokedAt: now, revokedById: context.actor.id } });
        if (count === 0) throw new AppError('conflict', 'This key is already revoked.');
        const row = await tx.apiKey.findUniqueOrThrow({ where: { id: input.keyId }, include: withOwner });
        return { data: toView(row, context.actor, now), details: { prefix: row.prefix, owner: row.user.email } };
      },
    },
    rawInput,
  );
}

export interface ApiKeyPage {
  apiKeys: ApiKeyView[];
  total: number;
  page: number;
  pageSize: number;
  /** Whether the list holds every user's keys (an admin's view) or only the viewer's. */
  everyone: boolean;
  /** The roles the viewer may give a new key. */
  creatableRoles: Role[];
}

export const API_KEYS_PAGE_SIZE = 50;

/** The viewer's keys (an admin: everyone's), newest first. */
export async function listApiKeys(context: RequestContext, options: { page?: number; pageSize?: number } = {}, now = new Date()): Promise<ActionResult<ApiKeyPage>> {
  if (!authorize(context.actor, 'api_key.read').allowed) return fail('forbidden', 'You do not have permission to see API keys.');
  const everyone = authorize(context.actor, 'api_key.revoke_any').allowed;
  const where = everyone ? {} : { userId: context.actor.id };
  const page = Math.max(1, options.page ?? 1);
  const pageSize = options.pageSize ?? API_KEYS_PAGE_SIZE;
  const db = getDb();
  const [rows, total] = await Promise.all([
    db.apiKey.findMany({ where, include: withOwner, orderBy: [{ createdAt: 'desc' }, { id: 'desc' }], skip: (page - 1) * pageSize, take: pageSize }),
    db.apiKey.count({ where }),
  ]);
  return ok({ apiKeys: rows.map((row) => toView(row, context.actor, now)), total, page, pageSize, everyone, creatableRoles: keyRolesFor(context.actor.role) });
}

/** One key, if the viewer may see it (their own; an admin: anyone's). */
export async function getApiKey(context: RequestContext, keyId: string, now = new Date()): Promise<ActionResult<ApiKeyView>> {
  const row = revokeApiKeySchema.shape.keyId.safeParse(keyId).success ? await getDb().apiKey.findUnique({ where: { id: keyId }, include: withOwner }) : null;
  if (!row || !authorize(context.actor, 'api_key.read').allowed || (row.userId !== context.actor.id && !authorize(context.actor, 'api_key.revoke_any').allowed)) {
    return fail('not_found', 'There is no such API key.');
  }
  return ok(toView(row, context.actor, now));
}

/** Failed API key attempts per client address: the sign-in address policy, counted apart. */
export const API_KEY_ADDRESS_POLICY: ThrottlePolicy = ADDRESS_POLICY;
export const apiKeyAddressKey = (address: string) => `api-key:${address}`;

const REFUSED = 'The API key is not valid: it may be mistyped, expired or revoked.';

/** Why a presented key opens nothing, or the key and its owner when it does. */
async function resolveApiKey(presented: string, digestKey: string, now: Date) {
  if (!isWellFormedApiKey(presented)) return { valid: false, refused: 'not a Keywarden API key (format or checksum)' } as const;
  const row = await getDb().apiKey.findUnique({
    where: { digest: digestOfApiKey(presented, digestKey) },
    include: { user: { include: { projectAssignments: { select: { projectId: true } } } } },
  });
  if (!row) return { valid: false, refused: 'unknown API key' } as const;
  const target = { id: row.id, name: row.name };
  if (row.revokedAt) return { valid: false, refused: `revoked API key ${row.prefix}`, target } as const;
  if (row.expiresAt <= now) return { valid: false, refused: `expired API key ${row.prefix}`, target } as const;
  if (row.user.disabledAt) return { valid: false, refused: `API key ${row.prefix} of a disabled user`, target } as const;
  if (!keyRolesFor(row.user.role).includes(row.role)) return { valid: false, refused: `API key ${row.prefix}: its owner is no longer ${row.role === 'admin' ? 'an admin' : `a ${row.role}`}`, target } as const;
  return { valid: true, row } as const;
}

/**
 * The RequestContext of a presented key, or a refusal. Every attempt is claimed against the
 * address's throttle before anything else (so a burst of guesses is bounded); a key whose checksum
 * does not match is refused before any lookup; an unknown, revoked or expired key, a disabled
 * owner, or an owner whose role no longer allows the key's role is refused at once. Refusals are
 * audited as a stranger's (aggregated per address), never with the key: only its prefix or id.
 *
 * An address blocked for failed attempts still lets a valid key through: the block is there for
 * guesses, and one address is often shared (a CI provider's runners, an office behind NAT), so a
 * stale key in someone else's job must not lock every other script out for the block's length. A
 * key is 256 random bits, so the block gains nothing against guessing by holding it back; what a
 * blocked stranger still costs is a checksum and, for a well-formed key, one indexed read.
 */
export async function authenticateApiKey(presented: string, options: { digestKey: string; clientAddress: string | null; now?: Date }): Promise<ActionResult<RequestContext>> {
  const db = getDb();
  const now = options.now ?? new Date();
  const { clientAddress } = options;

  const claim = await claimAttempt(db, apiKeyAddressKey(clientAddress ?? 'unknown'), API_KEY_ADDRESS_POLICY, now);
  const resolved = await resolveApiKey(presented, options.digestKey, now);
  if (!claim && !resolved.valid) {
    await recordStrangerRefusal(db, { actor: null, action: 'auth.api_key', outcome: 'refused', reason: 'too many failed API key attempts from this address', clientAddress }, now);
    return fail('rate_limited', 'Too many failed API key attempts from this address. Wait a while and try again.');
  }
  if (!resolved.valid) {
    const target = 'target' in resolved ? { type: 'api_key', ...resolved.target } : undefined;
    await recordStrangerRefusal(db, { actor: null, action: 'auth.api_key', outcome: 'refused', reason: resolved.refused, clientAddress, target }, now);
    return fail('unauthenticated', REFUSED);
  }
  const { row } = resolved;
  if (claim) await settleSuccess(db, claim, 'own');
  await db.apiKey.updateMany({
    where: { id: row.id, OR: [{ lastUsedAt: null }, { lastUsedAt: { lt: new Date(now.getTime() - LAST_USED_RESOLUTION_MS) } }] },
    data: { lastUsedAt: now, lastUsedFrom: clientAddress },
  });
  return ok({
    actor: {
      id: row.user.id,
      email: row.user.email,
      role: row.role,
      projectIds: row.role === 'onboarder' ? row.user.projectAssignments.map((assignment) => assignment.projectId) : [],
    },
    clientAddress,
  });
}
