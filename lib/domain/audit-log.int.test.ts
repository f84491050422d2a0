import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordAudit } from '@/lib/audit/record';
import { useDatabaseForTests, type Database } from '@/lib/db';
import { createTestDatabase, TEST_DATABASE_KINDS, type TestDatabase } from '@/lib/testing/database';
import { contextFor, createUser } from '@/lib/testing/fixtures';
import { AUDIT_PAGE_SIZE, listAuditEvents } from './audit-log';

describe.each(TEST_DATABASE_KINDS)('reading the audit log on %s', (kind) => {
  let database: TestDatabase;
  let db: Database;
  let reviewer: Awaited<ReturnType<typeof createUser>>;

  beforeAll(async () => {
    database = await createTestDatabase(kind);
    db = database.db;
    useDatabaseForTests(database);
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

  afterAll(async () => {
    await database?.destroy();
  });

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

  it('answers invalid filters with field errors and refuses onboarders', async () => {
    const invalid = await listAuditEvents(contextFor(reviewer), { action: 'DROP TABLE', outcome: 'maybe' });
    expect(invalid).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
    expect(invalid.ok ? [] : Object.keys(invalid.error.fieldErrors ?? {}).sort()).toEqual(['action', 'outcome']);
    const onboarder = await createUser(db, { role: 'onboarder' });
    expect(await listAuditEvents(contextFor(onboarder), {})).toMatchObject({ ok: false, error: { code: 'forbidden' } });
  });
});
