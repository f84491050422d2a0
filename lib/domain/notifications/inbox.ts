// The signed-in user's notifications (issue 17): the bell's unread count, the Notifications page
// (paginated in SQL, newest first, `?filter=unread`), marking one or all read — always the caller's
// own rows (the user id comes from the session, never from input).
import 'server-only';
import { authorize } from '@/lib/auth/authorize';
import { getDb } from '@/lib/db';
import { AppError, fail, ok, type ActionResult } from '@/lib/errors';
import type { NotificationEvent } from '@/lib/notifications/events';
import { markReadSchema } from '@/lib/validations/notifications';
import type { RequestContext } from '../context';
import { runMutation } from '../mutation';

export const NOTIFICATIONS_PAGE_SIZE = 25;

export interface NotificationView {
  id: string;
  event: NotificationEvent;
  title: string;
  body: string;
  linkPath: string;
  createdAt: string;
  readAt: string | null;
  /** The e-mail's state, when one was due: sent, waiting for the digest, failed (with why), … */
  email: { status: string; lastError: string | null } | null;
}

export interface NotificationPage {
  notifications: NotificationView[];
  total: number;
  unread: number;
  page: number;
  pageSize: number;
  filter: 'all' | 'unread';
}

export async function countUnread(context: RequestContext): Promise<number> {
  if (!authorize(context.actor, 'dashboard.read').allowed) return 0;
  return getDb().notification.count({ where: { userId: context.actor.id, readAt: null } });
}

export async function listNotifications(context: RequestContext, options: { page?: number; filter?: 'all' | 'unread'; pageSize?: number } = {}): Promise<ActionResult<NotificationPage>> {
  if (!authorize(context.actor, 'dashboard.read').allowed) return fail('forbidden', 'You do not have permission to see this page.');
  const db = getDb();
  const filter = options.filter ?? 'all';
  const page = Math.max(1, options.page ?? 1);
  const pageSize = options.pageSize ?? NOTIFICATIONS_PAGE_SIZE;
  const where = { userId: context.actor.id, ...(filter === 'unread' ? { readAt: null } : {}) };
  const [rows, total, unread] = await Promise.all([
    db.notification.findMany({
      where,
      orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
      skip: (page - 1) * pageSize,
      take: pageSize,
      include: { deliveries: { select: { status: true, lastError: true }, take: 1 } },
    }),
    db.notification.count({ where }),
    db.notification.count({ where: { userId: context.actor.id, readAt: null } }),
  ]);
  return ok({
    notifications: rows.map((row) => ({
      id: row.id,
      event: row.event,
      title: row.title,
      body: row.body,
      linkPath: row.linkPath,
      createdAt: row.createdAt.toISOString(),
      readAt: row.readAt?.toISOString() ?? null,
      email: row.deliveries[0] ? { status: row.deliveries[0].status, lastError: row.deliveries[0].lastError } : null,
    })),
    total,
    unread,
    page,
    pageSize,
    filter,
  });
}

/** Marks one of the caller's notifications read (`{ notificationId }`), or all of them (`{ all: true }`). */
export function markNotificationsRead(context: RequestContext, rawInput: unknown) {
  return runMutation<typeof markReadSchema, { marked: number }>(
    context,
    {
      action: 'notification.manage',
      auditAction: () => 'notification.mark_read',
      schema: markReadSchema,
      target: (input) => ('notificationId' in input ? { type: 'notification', id: input.notificationId } : { type: 'user', id: context.actor.id }),
      run: async (tx, input) => {
        const where = { userId: context.actor.id, readAt: null, ...('notificationId' in input ? { id: input.notificationId } : {}) };
        if ('notificationId' in input && !(await tx.notification.findFirst({ where: { id: input.notificationId, userId: context.actor.id }, select: { id: true } }))) {
          // Someone else's, or none: the same answer either way.
          throw new AppError('not_found', 'That notification does not exist.');
        }
        const { count } = await tx.notification.updateMany({ where, data: { readAt: new Date() } });
        return { data: { marked: count }, details: { marked: count } };
      },
    },
    rawInput,
  );
}
