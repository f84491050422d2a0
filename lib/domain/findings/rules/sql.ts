// SQL fragments the rules share, so that "a live machine user" or "what Keywarden set there" means
// the same thing in every rule.
import { Prisma } from '@/lib/db';
import { CLI_TOKEN_VARIABLE, CLI_TOKEN_VARIABLE_NAMES } from '@/lib/platformsh';
import { latestStepsSql as latestSteps } from '../../tokens/holdings-sql';
import type { EvidenceValue, Queryable, RuleHit } from '../types';

/** Machine users that exist on Platform.sh or are on their way there (not cancelled, not removed). */
export const LIVE_MACHINE_USER_STATES = ['invited', 'active', 'expired', 'error'] as const;

export const isLiveMachineUser = (alias: string) =>
  Prisma.sql`${Prisma.raw(alias)}.state::text IN (${Prisma.join([...LIVE_MACHINE_USER_STATES])})`;

/** What each environment holds by Keywarden's journal, over every project (holdings-sql.ts). */
export const latestStepsSql = latestSteps();

/**
 * The CLI token variables set on an environment or the project itself (inherited copies aside),
 * under either vendor's name (an organisation that moved to Upsun may hold both).
 */
export const ownTokenVariablesSql = Prisma.sql`
  SELECT v.* FROM token_variables v
  WHERE v.name IN (${Prisma.join([...CLI_TOKEN_VARIABLE_NAMES])}) AND NOT v.inherited`;

/**
 * The subject key of a variable: one per project, environment (`-` for the project level) and name.
 * Platform.sh's name keeps the key it had before Upsun's was tracked, so open findings carry over.
 */
export const variableSubject = (projectId: string, environmentId: string | null, name: string = CLI_TOKEN_VARIABLE) =>
  `variable:${projectId}:${environmentId ?? '-'}${name === CLI_TOKEN_VARIABLE ? '' : `:${name}`}`;

export interface TokenVariableRow {
  project_id: string;
  /** `env:PLATFORMSH_CLI_TOKEN` or `env:UPSUN_CLI_TOKEN`. */
  name: string;
  environment_id: string | null;
  environment_type: string | null;
  is_sensitive: boolean;
  is_inheritable: boolean;
  is_enabled: boolean;
  visible_build: boolean;
  remote_created_at: Date | null;
  remote_updated_at: Date | null;
  /** When the project was last synced (when Platform.sh's side was seen). */
  synced_at: Date | null;
  /** The token Keywarden set there, by its journal; null: not Keywarden's. */
  held_token_id: string | null;
  held_machine_user_id: string | null;
  /** The push that set it chose build visibility (the person said the job needs it). */
  pushed_visible_build: boolean | null;
  /** Environments that inherit it now (direct children with an inherited copy). */
  inherited_by: string[];
}

/** The CLI token variables (own rows) matching `condition` (on alias `v`), each with who set it. */
export function tokenVariablesWhere(db: Queryable, condition: Prisma.Sql) {
  return db.$queryRaw<TokenVariableRow[]>(Prisma.sql`
    SELECT v.project_id, v.name, v.environment_id, e.type::text AS environment_type, v.is_sensitive, v.is_inheritable, v.is_enabled, v.visible_build,
      v.remote_created_at, v.remote_updated_at, p.last_synced_at AS synced_at,
      h.token_id AS held_token_id, t.machine_user_id AS held_machine_user_id, h.visible_build AS pushed_visible_build,
      COALESCE((
        SELECT array_agg(c.id ORDER BY c.id) FROM environments c
        JOIN token_variables cv ON cv.project_id = c.project_id AND cv.environment_id = c.id AND cv.name = v.name AND cv.inherited
        WHERE c.project_id = v.project_id AND (c.parent = v.environment_id OR (v.environment_id IS NULL AND c.parent IS NULL))
      ), ARRAY[]::text[]) AS inherited_by
    FROM (${ownTokenVariablesSql}) v
    JOIN projects p ON p.id = v.project_id
    LEFT JOIN environments e ON e.project_id = v.project_id AND e.id = v.environment_id
    LEFT JOIN (${latestStepsSql}) h ON h.project_id = v.project_id AND h.environment_id = v.environment_id AND h.operation IS DISTINCT FROM 'delete' AND h.variable_name = v.name
    LEFT JOIN api_tokens t ON t.id = h.token_id
    WHERE ${condition}
    ORDER BY v.project_id, v.environment_id NULLS FIRST`);
}

/** A variable's common fields as a finding's links and evidence. */
export function variableHit(row: TokenVariableRow, evidence: Record<string, EvidenceValue>): RuleHit {
  return {
    subjectKey: variableSubject(row.project_id, row.environment_id, row.name),
    projectId: row.project_id,
    environmentId: row.environment_id,
    machineUserId: row.held_machine_user_id,
    tokenId: row.held_token_id,
    evidence: {
      environment: row.environment_id ?? '(project level)',
      variable: row.name,
      environmentType: row.environment_type,
      setBy: row.held_token_id ? 'Keywarden' : 'not Keywarden (set by hand or another tool)',
      updatedAt: row.remote_updated_at?.toISOString() ?? null,
      ...evidence,
    },
  };
}
