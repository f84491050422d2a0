// A machine user's role on an environment type above what its purpose's preset grants (read access
// aside: viewer changes nothing, so it is never counted as above). The limit per purpose is the
// onboarder's ceiling (lib/machine-users/grant-limit.ts): the preset, at least viewer; for Custom,
// viewer everywhere and contributor on development.
import { Prisma } from '@/lib/db';
import { onboarderCeiling } from '@/lib/machine-users/grant-limit';
import { ENVIRONMENT_TYPES, PURPOSES } from '@/lib/machine-users/roles';
import type { FindingRule } from '../types';
import { isLiveMachineUser } from './sql';

const RANK = { none: 0, viewer: 1, contributor: 2, admin: 3 } as const;

/** (purpose, environment type, highest rank) for every purpose, as SQL VALUES. */
const ceilingRows = Prisma.join(
  PURPOSES.flatMap((purpose) => ENVIRONMENT_TYPES.map((type) => Prisma.sql`(${purpose}, ${type}, ${RANK[onboarderCeiling(purpose).environments[type]]}::int)`)),
);

export const machineUserRoleAbovePreset: FindingRule = {
  id: 'machine_user.role_above_preset',
  severity: 'medium',
  title: 'Environment role above the purpose’s preset',
  reason: 'The machine user can do more on these environments than its job needs: a leaked token can do that much too.',
  fix: 'Lower the roles to the preset (Change roles on the machine user’s page), or change its purpose if the job really needs more.',
  policyKeys: [],
  async find(db) {
    const rows = await db.$queryRaw<{ id: string; project_id: string; email: string; purpose: string; grants: string[]; on_production: boolean }[]>(Prisma.sql`
      SELECT m.id, m.project_id, m.email, m.purpose::text AS purpose,
        array_agg(g.permission ORDER BY g.permission) AS grants,
        bool_or(split_part(g.permission, ':', 1) = 'production' AND split_part(g.permission, ':', 2) = 'admin') AS on_production
      FROM machine_users m
      CROSS JOIN LATERAL unnest(m.permissions) AS g(permission)
      JOIN (VALUES ${ceilingRows}) AS c(purpose, environment_type, max_rank)
        ON c.purpose = m.purpose::text AND c.environment_type = split_part(g.permission, ':', 1)
      JOIN (VALUES ('viewer', 1), ('contributor', 2), ('admin', 3)) AS r(role, rank) ON r.role = split_part(g.permission, ':', 2)
      WHERE ${isLiveMachineUser('m')} AND NOT ('admin' = ANY (m.permissions)) AND r.rank > c.max_rank
      GROUP BY m.id, m.project_id, m.email, m.purpose`);
    return rows.map((row) => {
      const ceiling = onboarderCeiling(row.purpose as (typeof PURPOSES)[number]);
      return {
        subjectKey: `machine_user:${row.id}`,
        projectId: row.project_id,
        machineUserId: row.id,
        // Admin on production is the grant that can delete production's backups.
        severity: row.on_production ? 'high' : undefined,
        evidence: { email: row.email, purpose: row.purpose, above: row.grants, presetAllows: ENVIRONMENT_TYPES.map((type) => `${type}:${ceiling.environments[type]}`) },
      };
    });
  },
};
