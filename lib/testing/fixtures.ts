// Test data builders: dashboard users and the request contexts their sessions would produce.
import { randomBytes } from 'node:crypto';
import { hashPassword } from '@/lib/auth/password';
import type { Role } from '@/lib/config';
import type { Database } from '@/lib/db';
import type { RequestContext } from '@/lib/domain/context';

export const TEST_PASSWORD = 'correct horse battery staple';

let cachedHash: Promise<string> | undefined;

export async function createUser(
  db: Database,
  options: { role: Role; email?: string; projectIds?: string[]; disabled?: boolean; activated?: boolean },
) {
  cachedHash ??= hashPassword(TEST_PASSWORD);
  const email = options.email ?? `${options.role}-${randomBytes(4).toString('hex')}@example.com`;
  return db.user.create({
    data: {
      email,
      role: options.role,
      passwordHash: options.activated === false ? null : await cachedHash,
      disabledAt: options.disabled ? new Date() : null,
      projectAssignments: options.projectIds ? { create: options.projectIds.map((projectId) => ({ projectId })) } : undefined,
    },
  });
}

export function contextFor(
  user: { id: string; email: string; role: Role },
  projectIds: string[] = [],
  clientAddress = '127.0.0.1',
): RequestContext {
  return { actor: { id: user.id, email: user.email, role: user.role, projectIds }, clientAddress };
}

export async function createProjects(db: Database, ids: string[]): Promise<void> {
  await db.project.createMany({ data: ids.map((id) => ({ id, title: `Project ${id}` })), skipDuplicates: true });
}
