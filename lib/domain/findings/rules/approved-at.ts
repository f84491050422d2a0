// When Keywarden last set a machine user's roles or access (an invitation, a role change, a
// re-apply, an account linked or an acceptance seen), from the audit log: Keywarden's side of role
// and membership drift is dated by it. Column `approved_at` of a LATERAL join on machine user `alias`.
import { Prisma } from '@/lib/db';

const ROLE_SETTING_ACTIONS = [
  'machine_user.invite',
  'machine_user.change_roles',
  'machine_user.reapply_roles',
  'machine_user.access_linked',
  'machine_user.invitation_accepted',
] as const;

export const approvedAtSql = (alias: string) => Prisma.sql`
  LEFT JOIN LATERAL (
    SELECT max(e.occurred_at) AS approved_at FROM audit_events e
    WHERE e.target_type = 'machine_user' AND e.target_id = ${Prisma.raw(alias)}.id::text AND e.outcome = 'succeeded'
      AND e.action IN (${Prisma.join([...ROLE_SETTING_ACTIONS])})
  ) approval ON TRUE`;
