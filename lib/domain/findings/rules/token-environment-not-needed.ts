// A token Keywarden set on environment types its machine user's purpose does not need (e.g. a CI
// machine user's token on an environment at all, a backups token on development). Custom has no
// declared need and is left out.
import { Prisma } from '@/lib/db';
import { PRESETS, PURPOSES } from '@/lib/machine-users/roles';
import type { FindingRule } from '../types';
import { latestStepsSql } from './sql';

/** (purpose, environment type it needs) pairs; a purpose with none still gets a row that matches nothing. */
const neededRows = Prisma.join(
  PURPOSES.filter((purpose) => purpose !== 'custom').flatMap((purpose) =>
    PRESETS[purpose].tokenEnvironmentTypes.length
      ? PRESETS[purpose].tokenEnvironmentTypes.map((type) => Prisma.sql`(${purpose}, ${type})`)
      : [Prisma.sql`(${purpose}, ${'(none)'})`],
  ),
);

export const tokenEnvironmentNotNeeded: FindingRule = {
  id: 'token.environment_not_needed',
  severity: 'medium',
  title: 'Token on environments its purpose does not need',
  reason: 'Every environment that holds the token is one more place it can leak from (its build, its code, the people who can SSH there).',
  fix: 'Delete the variable from those environments (the project page lists them); keep the token only where its job runs.',
  policyKeys: [],
  async find(db) {
    const rows = await db.$queryRaw<{ token_id: string; machine_user_id: string; project_id: string; purpose: string; environments: string[] }[]>(Prisma.sql`
      SELECT h.token_id, m.id AS machine_user_id, m.project_id, m.purpose::text AS purpose,
        array_agg(h.environment_id || ' (' || h.environment_type || ')' ORDER BY h.environment_id) AS environments
      FROM (${latestStepsSql}) h
      JOIN api_tokens t ON t.id = h.token_id
      JOIN machine_users m ON m.id = t.machine_user_id
      WHERE h.operation IS DISTINCT FROM 'delete' AND m.purpose <> 'custom'
        AND NOT EXISTS (
          SELECT 1 FROM (VALUES ${neededRows}) AS n(purpose, environment_type)
          WHERE n.purpose = m.purpose::text AND n.environment_type = h.environment_type
        )
      GROUP BY h.token_id, m.id, m.project_id, m.purpose`);
    return rows.map((row) => ({
      subjectKey: `token:${row.token_id}`,
      projectId: row.project_id,
      machineUserId: row.machine_user_id,
      tokenId: row.token_id,
      evidence: {
        purpose: row.purpose,
        environments: row.environments,
        purposeNeeds: PRESETS[row.purpose as (typeof PURPOSES)[number]].tokenEnvironmentTypes,
      },
    }));
  },
};
