// A token's last use, as Platform.sh reports it (`last_used_at`). Only the machine user itself may
// list its tokens (CONTRACT.md), so Keywarden learns it while one of its live tokens is in hand
// (recording, rotating, revoking) — or, in sandbox mode, from a cron run in the simulator's Console.
// It is the evidence of the onboarding checklist's last step: the token used after its push.
import type { Database, Prisma } from '@/lib/db';
import { requestNotificationsNow } from '@/lib/notifications/urgent';

/**
 * Stores what Platform.sh said of recorded tokens' last use, matched by their Platform.sh id within
 * `scope`: one machine user (its token list) or a project (the sandbox cron's log).
 */
export async function recordLastUse(
  db: Pick<Database, 'apiToken'>,
  scope: { machineUserId: string } | { machineUser: Prisma.MachineUserWhereInput },
  tokens: readonly { id: string; lastUsedAt: string | null }[],
  seenAt = new Date(),
): Promise<number> {
  let updated = 0;
  for (const token of tokens) {
    if (!token.lastUsedAt) continue;
    const result = await db.apiToken.updateMany({
      where: { ...scope, platformshTokenId: token.id },
      data: { lastUsedAt: new Date(token.lastUsedAt), lastUsedSeenAt: seenAt },
    });
    updated += result.count;
  }
  // A token marked compromised and used since: someone still holds it, and admins hear of it at
  // once (the notification tick's compromised_token_used), not at the next scheduled tick.
  const reported = tokens.filter((token) => token.lastUsedAt !== null).map((token) => token.id);
  if (reported.length > 0) {
    const compromised = await db.apiToken.findMany({ where: { ...scope, platformshTokenId: { in: reported }, status: 'compromised' }, select: { lastUsedAt: true, statusChangedAt: true } });
    if (compromised.some((token) => token.lastUsedAt && token.statusChangedAt && token.lastUsedAt > token.statusChangedAt)) requestNotificationsNow();
  }
  return updated;
}
