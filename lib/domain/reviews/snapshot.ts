// The items of a new campaign: every machine user in scope, as it is at this moment, copied in one
// INSERT … SELECT (set-based: 5,000 machine users are one statement, not 5,000 round trips). The
// copy is what the campaign reviews and what its evidence pack shows, however the machine user
// changes afterwards. Tokens are metadata only (never a value, not even the keyed fingerprint).
import 'server-only';
import type { Transaction } from '../mutation';

/** A token as an item records it. Dates are ISO strings (UTC). */
export interface SnapshotToken {
  id: string;
  name: string;
  lastFour: string;
  status: 'active' | 'superseded' | 'revoked' | 'compromised';
  rotateBy: string;
  lastUsedAt: string | null;
  recordedAt: string;
}

/** An open finding as an item records it. */
export interface SnapshotFinding {
  id: string;
  ruleId: string;
  severity: 'low' | 'medium' | 'high' | 'critical';
  firstSeenAt: string;
  /** Accepted as a risk until then (an admin's decision), or null. */
  acceptedUntil: string | null;
}

/**
 * The machine users a review covers: those that have, or may still get, access (an invitation out,
 * accepted, expired but re-sendable, or in error). Removed ones and cancelled invitations have none.
 */
export const REVIEWED_STATES = ['invited', 'active', 'expired', 'error'] as const;

const iso = (column: string) => `to_char(${column}, 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;

// Tokens that still exist on Platform.sh as far as Keywarden knows (not deleted there yet).
const TOKENS = `COALESCE((
  SELECT jsonb_agg(jsonb_build_object(
    'id', t.id, 'name', t.name, 'lastFour', t.last_four, 'status', t.status,
    'rotateBy', ${iso('t.rotate_by')}, 'lastUsedAt', ${iso('t.last_used_at')}, 'recordedAt', ${iso('t.recorded_at')}
  ) ORDER BY t.recorded_at, t.id)
  FROM api_tokens t WHERE t.machine_user_id = m.id AND t.deleted_on_platform_at IS NULL), '[]'::jsonb)`;

// Open findings (resolved_at null), worst first; accepted risks included, marked as such.
const FINDINGS = `COALESCE((
  SELECT jsonb_agg(jsonb_build_object(
    'id', f.id, 'ruleId', f.rule_id, 'severity', f.severity,
    'firstSeenAt', ${iso('f.first_seen_at')}, 'acceptedUntil', ${iso('f.accepted_until')}
  ) ORDER BY f.severity DESC, f.rule_id, f.id)
  FROM findings f WHERE f.machine_user_id = m.id AND f.resolved_at IS NULL), '[]'::jsonb)`;

const STATES = REVIEWED_STATES.map((state) => `'${state}'`).join(', ');

// Fixed text (no input in it): the values travel as parameters $1…$4.
const INSERT_ITEMS = `
  INSERT INTO review_items (
    id, campaign_id, machine_user_id, project_id, project_title, email, purpose, machine_user_state, permissions,
    owner_id, owner_email, backup_owner_id, backup_owner_email, tokens, findings, finding_count, snapshot_at
  )
  SELECT gen_random_uuid(), $1::uuid, m.id, m.project_id, p.title, m.email, m.purpose, m.state, m.permissions,
         m.owner_id, o.email, m.backup_owner_id, b.email, ${TOKENS}, ${FINDINGS},
         (SELECT count(*)::int FROM findings f WHERE f.machine_user_id = m.id AND f.resolved_at IS NULL),
         $4::timestamp
    FROM machine_users m
    JOIN projects p ON p.id = m.project_id
    JOIN users o ON o.id = m.owner_id
    LEFT JOIN users b ON b.id = m.backup_owner_id
   WHERE m.state IN (${STATES})
     AND ($2::boolean OR m.project_id = ANY($3::text[]))`;

/** Copies the machine users in scope into the campaign; returns how many. */
export async function snapshotCampaignItems(
  tx: Transaction,
  scope: { campaignId: string; allProjects: boolean; projectIds: readonly string[]; at: Date },
): Promise<number> {
  // `timestamp` columns hold UTC: the moment is passed as UTC text, not as a zoned value.
  const at = scope.at.toISOString().replace('T', ' ').replace('Z', '');
  return tx.$executeRawUnsafe(INSERT_ITEMS, scope.campaignId, scope.allProjects, [...scope.projectIds], at);
}
