// A machine user's invitation still pending after the policy's number of days.
import { Prisma } from '@/lib/db';
import { daysBefore, daysBetween, iso, type FindingRule } from '../types';

export const machineUserInvitationPending: FindingRule = {
  id: 'machine_user.invitation_pending',
  severity: 'low',
  title: 'Invitation pending too long',
  reason: 'An invitation nobody accepts is an open door: anyone who controls that mailbox can still accept it.',
  fix: 'Accept it as the machine user, re-send it, or cancel it (on the machine user’s page).',
  policyKeys: ['pendingInvitationDays'],
  async find(db, { now, policy }) {
    const rows = await db.$queryRaw<{ id: string; project_id: string; email: string; state: string; invitation_sent_at: Date }[]>(Prisma.sql`
      SELECT m.id, m.project_id, m.email, m.state::text AS state, m.invitation_sent_at
      FROM machine_users m
      WHERE m.state IN ('invited', 'expired') AND m.invitation_sent_at < ${daysBefore(now, policy.pendingInvitationDays)}`);
    return rows.map((row) => ({
      subjectKey: `machine_user:${row.id}`,
      projectId: row.project_id,
      machineUserId: row.id,
      evidence: { email: row.email, sentAt: iso(row.invitation_sent_at), pendingDays: daysBetween(row.invitation_sent_at, now), policyDays: policy.pendingInvitationDays },
    }));
  },
};
