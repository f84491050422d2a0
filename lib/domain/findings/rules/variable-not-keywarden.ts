// An `env:PLATFORMSH_CLI_TOKEN` (or `env:UPSUN_CLI_TOKEN`) that Keywarden did not set (by hand, or another tool): nobody knows
// whose token it is, when it was made, or when it is rotated. On a project Keywarden manages this is
// also drift (issue 15 §3, "extra token variables"), so the evidence has both sides.
import { Prisma } from '@/lib/db';
import { CLI_TOKEN_VARIABLE } from '@/lib/platformsh';
import type { FindingRule } from '../types';
import { difference, variableFlagWords } from './both-sides';
import { tokenVariablesWhere, variableHit } from './sql';

export const variableNotKeywarden: FindingRule = {
  id: 'variable.not_keywarden',
  severity: 'high',
  title: `${CLI_TOKEN_VARIABLE} with no Keywarden record`,
  reason: 'The token in this variable has no record: whose it is, what it may do and when it is rotated are unknown (it may be a person’s own token).',
  fix: 'Onboard a machine user for the job and push its token here with Keywarden (it asks before replacing the variable); then revoke the old token.',
  policyKeys: [],
  async find(db, { vendor }) {
    return (await tokenVariablesWhere(db, Prisma.sql`h.token_id IS NULL`)).map((row) =>
      variableHit(row, {
        createdAt: row.remote_created_at?.toISOString() ?? null,
        inheritable: row.is_inheritable,
        sensitive: row.is_sensitive,
        differences: [
          difference(vendor, {
            where: row.environment_id ?? '(project level)',
            keywarden: 'pushed no token here',
            keywardenAt: null,
            platformsh: `${row.name} (${variableFlagWords({ isSensitive: row.is_sensitive, isInheritable: row.is_inheritable, isEnabled: row.is_enabled })}), set by hand or another tool`,
            platformshAt: row.synced_at,
          }),
        ],
      }),
    );
  },
};
