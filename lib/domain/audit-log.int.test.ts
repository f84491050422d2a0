import { beforeAll, describe, expect, it } from 'vitest';
import { recordAudit, type AuditAction } from '@/lib/audit/record';
import type { Database } from '@/lib/db';
import { TEST_DATABASE_KINDS } from '@/lib/testing/database';
import { contextFor, createUser } from '@/lib/testing/fixtures';
import { setUpTestDatabase } from '@/lib/testing/suite-database';
import { AUDIT_PAGE_SIZE, auditLogViewed, listAuditActions, listAuditEvents, VIEW_AUDIT_WINDOW_MINUTES } from './audit-log';

describe.each(TEST_DATABASE_KINDS)('reading the audit log on %s', (kind) => {
  const database = setUpTestDatabase(kind);
  let db: Database;
  let reviewer: Awaited<ReturnType<typeof createUser>>;

  beforeAll(async () => {
    db = database.db;
    reviewer = await createUser(db, { role: 'reviewer', email: 'rita_review@example.com' });
    // 60 events by one actor, then a refused one and one by an address with a LIKE wildcard.
    for (let index = 0; index < 60; index += 1) {
      await recordAudit(db, { actor: null, actorEmail: 'bulk@example.com', action: 'user.invite', outcome: 'succeeded' });
    }
    await recordAudit(db, { actor: null, actorEmail: 'mallory@example.com', action: 'user.disable', outcome: 'refused', reason: 'role reviewer may not user.disable' });
    // The control for the wildcard test: "a_b@" unescaped would match it too.
    await recordAudit(db, { actor: null, actorEmail: 'axb@example.com', action: 'user.enable', outcome: 'failed' });
    await recordAudit(db, { actor: null, actorEmail: 'a_b@example.com', action: 'auth.sign_in', outcome: 'succeeded' });
  });

  /** Adds rows about named targets after the 63 above (the list tests below count only those). */
  async function namedTargets() {
    const existing = await db.auditEvent.count({ where: { action: { in: ['user.change_role', 'token.rotate'] } } });
    if (existing > 0) return;
    const target = await createUser(db, { role: 'reviewer', email: 'zed_target@example.com' });
    await recordAudit(db, { actor: null, actorEmail: 'carol@example.com', action: 'user.change_role', outcome: 'succeeded', target: { type: 'user', id: target.id }, details: { from: 'reviewer', to: 'admin' } });
    await recordAudit(db, { actor: null, actorEmail: 'carol@example.com', action: 'token.rotate', outcome: 'refused', reason: 'This token belongs to someone else.', target: { type: 'machine_user', id: '0b7c8d9e-1f2a-4b3c-8d4e-5f6a7b8c9d0e', name: 'bots+backup@example.com' } });
  }

  it('lists newest first, a page at a time, with the total', async () => {
    const first = await listAuditEvents(contextFor(reviewer), {});
    expect(first.ok).toBe(true);
    if (!first.ok) return;
    expect(first.data.total).toBe(63);
    expect(first.data.events).toHaveLength(AUDIT_PAGE_SIZE);
    expect(first.data.events[0]?.actorEmail).toBe('a_b@example.com');
    const seqs = first.data.events.map((event) => BigInt(event.seq));
    expect([...seqs].sort((a, b) => (a > b ? -1 : a < b ? 1 : 0))).toEqual(seqs);
    const second = await listAuditEvents(contextFor(reviewer), { page: '2' });
    expect(second.ok && second.data.events).toHaveLength(13);
  });

  it('filters by outcome, exact action and actor substring, taking "_" literally', async () => {
    const refused = await listAuditEvents(contextFor(reviewer), { outcome: 'refused', action: '', actor: '' });
    expect(refused.ok && refused.data.events.map((event) => event.actorEmail)).toEqual(['mallory@example.com']);
    const byAction = await listAuditEvents(contextFor(reviewer), { action: 'auth.sign_in' });
    expect(byAction.ok && byAction.data.total).toBe(1);
    // "_" would match any character in LIKE: "a_b@" must not match "axb@".
    const literal = await listAuditEvents(contextFor(reviewer), { actor: 'A_B@' });
    expect(literal.ok && literal.data.events.map((event) => event.actorEmail)).toEqual(['a_b@example.com']);
    const wildcard = await listAuditEvents(contextFor(reviewer), { actor: '%' });
    expect(wildcard.ok && wildcard.data.total).toBe(0);
  });

  it('shows the target by name, the change as before → after, and the reason', async () => {
    await namedTargets();
    const changed = await listAuditEvents(contextFor(reviewer), { action: 'user.change_role' });
    expect(changed.ok && changed.data.events[0]).toMatchObject({ targetType: 'user', targetName: 'zed_target@example.com', targetHref: '/users', change: { before: 'reviewer', after: 'admin' } });
    const refused = await listAuditEvents(contextFor(reviewer), { action: 'token.rotate' });
    expect(refused.ok && refused.data.events[0]).toMatchObject({
      targetName: 'bots+backup@example.com',
      targetHref: '/machine-users/0b7c8d9e-1f2a-4b3c-8d4e-5f6a7b8c9d0e',
      reason: 'This token belongs to someone else.',
      change: null,
    });
  });

  it('finds a target by a part of its name or id, of a kind, taking "%" literally', async () => {
    await namedTargets();
    const byName = await listAuditEvents(contextFor(reviewer), { target: 'ZED_TARGET' });
    expect(byName.ok && byName.data.events.map((event) => event.action)).toEqual(['user.change_role']);
    const byId = await listAuditEvents(contextFor(reviewer), { target: '0b7c8d9e-1f2a' });
    expect(byId.ok && byId.data.events.map((event) => event.action)).toEqual(['token.rotate']);
    const byKind = await listAuditEvents(contextFor(reviewer), { targetType: 'machine_user' });
    expect(byKind.ok && byKind.data.events.map((event) => event.action)).toEqual(['token.rotate']);
    expect((await listAuditEvents(contextFor(reviewer), { target: '%' })).ok && (await listAuditEvents(contextFor(reviewer), { target: '%' }))).toMatchObject({ data: { total: 0 } });
  });

  it('filters by date range (whole UTC days, "to" included) and sorts by any column in SQL', async () => {
    await namedTargets();
    const today = new Date().toISOString().slice(0, 10);
    const yesterday = new Date(Date.now() - 86_400_000).toISOString().slice(0, 10);
    const all = await listAuditEvents(contextFor(reviewer), {});
    const total = all.ok ? all.data.total : -1;
    expect(await listAuditEvents(contextFor(reviewer), { from: today, to: today })).toMatchObject({ ok: true, data: { total } });
    expect(await listAuditEvents(contextFor(reviewer), { to: yesterday })).toMatchObject({ ok: true, data: { total: 0 } });
    expect(await listAuditEvents(contextFor(reviewer), { from: today, to: yesterday })).toMatchObject({ ok: false, error: { code: 'invalid_input', fieldErrors: { to: [expect.any(String)] } } });

    const byActor = await listAuditEvents(contextFor(reviewer), { sort: 'actor', dir: 'asc' });
    const actors = byActor.ok ? byActor.data.events.map((event) => event.actorEmail ?? '') : [];
    expect(actors[0]).toBe('a_b@example.com');
    expect([...actors].sort()).toEqual(actors);
    const byAction = await listAuditEvents(contextFor(reviewer), { sort: 'action', dir: 'desc' });
    const names = byAction.ok ? byAction.data.events.map((event) => event.action) : [];
    expect(names[0]).toBe('user.invite');
    expect([...names].sort().reverse()).toEqual(names);
    // The oldest first, and a hand-edited sort falls back to the newest first.
    const oldest = await listAuditEvents(contextFor(reviewer), { sort: 'time', dir: 'asc' });
    expect(oldest.ok && oldest.data.events[0]?.actorEmail).toBe('bulk@example.com');
    expect(await listAuditEvents(contextFor(reviewer), { sort: 'DROP', dir: 'sideways' })).toMatchObject({ ok: true, data: { query: { sort: 'time', dir: 'desc' } } });
  });

  it('lists every known action and any other the log holds', async () => {
    // A row of an action this version does not know (written by another version): the writer's type refuses it.
    await recordAudit(db, { actor: null, action: 'machine_user.something_new' as AuditAction, outcome: 'succeeded' });
    const actions = await listAuditActions();
    const values = actions.map((action) => action.value);
    for (const known of ['token.push', 'token.rotate', 'token.compromise', 'machine_user.cancel_invitation', 'audit.export', 'machine_user.something_new']) expect(values).toContain(known);
    expect(new Set(values).size).toBe(values.length);
    expect(actions.find((action) => action.value === 'token.push')).toMatchObject({ group: 'token', label: expect.stringContaining('Push') });
    // Every option in words, the one this version does not know too.
    expect(actions.find((action) => action.value === 'machine_user.something_new')).toMatchObject({ group: 'machine_user', label: 'Machine user: something new' });
  });

  it('audits a view once per person and filter per window; paging and sorting are the same view', async () => {
    const viewer = contextFor(await createUser(db, { role: 'admin' }));
    const views = () => db.auditEvent.count({ where: { action: 'audit.read', actorId: viewer.actor.id } });
    const now = new Date();
    expect(await auditLogViewed(viewer, { outcome: 'refused' }, now)).toBe(true);
    expect(await auditLogViewed(viewer, { outcome: 'refused' }, now)).toBe(false);
    expect(await auditLogViewed(viewer, { outcome: 'failed' }, now)).toBe(true);
    expect(await views()).toBe(2);
    const later = new Date(now.getTime() + (VIEW_AUDIT_WINDOW_MINUTES + 1) * 60_000);
    expect(await auditLogViewed(viewer, { outcome: 'refused' }, later)).toBe(true);
    expect(await views()).toBe(3);
    const row = await db.auditEvent.findFirstOrThrow({ where: { action: 'audit.read', actorId: viewer.actor.id }, orderBy: { seq: 'asc' } });
    expect(row).toMatchObject({ outcome: 'succeeded', targetType: 'audit_log', details: { filter: '{"outcome":"refused"}' } });
  });

  it('answers invalid filters with field errors and refuses onboarders', async () => {
    const invalid = await listAuditEvents(contextFor(reviewer), { action: 'DROP TABLE', outcome: 'maybe' });
    expect(invalid).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
    expect(invalid.ok ? [] : Object.keys(invalid.error.fieldErrors ?? {}).sort()).toEqual(['action', 'outcome']);
    expect(await listAuditEvents(contextFor(reviewer), { from: '2026-13-40' })).toMatchObject({ ok: false, error: { fieldErrors: { from: [expect.any(String)] } } });
    const onboarder = await createUser(db, { role: 'onboarder' });
    expect(await listAuditEvents(contextFor(onboarder), {})).toMatchObject({ ok: false, error: { code: 'forbidden' } });
  });
});
