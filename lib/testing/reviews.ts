// Test data for access reviews and evidence packs: machine users written straight to the database
// (no Platform.sh involved), with a token's metadata and an open finding when asked.
import { randomBytes } from 'node:crypto';
import type { Database } from '@/lib/db';

export async function createMachineUserRecord(
  db: Database,
  options: {
    projectId: string;
    ownerId: string;
    backupOwnerId?: string | null;
    state?: 'invited' | 'active' | 'expired' | 'cancelled' | 'error' | 'removed';
    permissions?: string[];
    withToken?: boolean;
    withFinding?: boolean;
  },
) {
  const label = randomBytes(4).toString('hex');
  const machineUser = await db.machineUser.create({
    data: {
      projectId: options.projectId,
      purpose: 'backups',
      email: `bots+review-${label}@example.com`,
      permissions: options.permissions ?? ['viewer', 'production:admin'],
      state: options.state ?? 'active',
      ownerId: options.ownerId,
      backupOwnerId: options.backupOwnerId ?? null,
    },
  });
  const token = options.withToken
    ? await db.apiToken.create({
        data: {
          machineUserId: machineUser.id,
          name: `cron ${label}`,
          fingerprint: randomBytes(32).toString('hex'),
          lastFour: label.slice(0, 4),
          rotateBy: new Date(Date.now() + 90 * 86_400_000),
          lastUsedAt: new Date(Date.now() - 86_400_000),
        },
      })
    : null;
  const finding = options.withFinding
    ? await db.finding.create({
        data: {
          ruleId: 'token.past_rotate_by',
          subjectKey: `machine_user:${machineUser.id}`,
          severity: 'high',
          projectId: options.projectId,
          machineUserId: machineUser.id,
          tokenId: token?.id ?? null,
          evidence: { seen: 'in a test' },
          firstSeenAt: new Date(Date.now() - 3_600_000),
          lastSeenAt: new Date(),
        },
      })
    : null;
  return { machineUser, token, finding };
}
