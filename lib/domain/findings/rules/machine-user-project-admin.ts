// A machine user with the project admin role although its purpose does not need it: project admins
// manage users and settings and hold admin on every environment.
import { Prisma } from '@/lib/db';
import { PRESETS, PURPOSES } from '@/lib/machine-users/roles';
import type { FindingRule } from '../types';
import { isLiveMachineUser } from './sql';

/** Purposes whose preset needs project admin (none today: the rule then applies to every purpose). */
const ADMIN_PURPOSES = PURPOSES.filter((purpose) => PRESETS[purpose].roles.projectRole === 'admin');

export const machineUserProjectAdmin: FindingRule = {
  id: 'machine_user.project_admin',
  severity: 'high',
  title: 'Machine user is a project admin',
  reason: 'A project admin can add users, change settings and act on every environment: its token is as powerful as the project’s owner.',
  fix: 'Change its roles to project viewer with the per-environment roles its purpose needs (Change roles on the machine user’s page).',
  policyKeys: [],
  async find(db) {
    const exempt = ADMIN_PURPOSES.length ? Prisma.sql`AND m.purpose::text NOT IN (${Prisma.join(ADMIN_PURPOSES)})` : Prisma.empty;
    const rows = await db.$queryRaw<{ id: string; project_id: string; email: string; purpose: string; permissions: string[] }[]>(Prisma.sql`
      SELECT m.id, m.project_id, m.email, m.purpose::text AS purpose, m.permissions
      FROM machine_users m
      WHERE ${isLiveMachineUser('m')} AND 'admin' = ANY (m.permissions) ${exempt}`);
    return rows.map((row) => ({
      subjectKey: `machine_user:${row.id}`,
      projectId: row.project_id,
      machineUserId: row.id,
      evidence: { email: row.email, purpose: row.purpose, permissions: row.permissions },
    }));
  },
};
