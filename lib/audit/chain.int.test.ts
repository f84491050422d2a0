// The audit log's hash chain (SECURITY.md L2) on both databases: rows written by the app (also at
// once) verify; an edit, a delete, a reorder, a row inserted around the app or the wrong key is
// reported at the first row that no longer follows.
import { afterEach, describe, expect, it } from 'vitest';
import type { Database } from '@/lib/db';
import { createTestDatabase, TEST_DATABASE_KINDS, type TestDatabase } from '@/lib/testing/database';
import { verifyAuditChain } from './chain';
import { recordAudit } from './record';

const ACTOR = { id: '5b1f0c3a-2d4e-4f60-8a7b-9c0d1e2f3a4b', email: 'admin@example.com', role: 'admin' as const };

describe.each(TEST_DATABASE_KINDS)('the audit chain on %s', (kind) => {
  let database: TestDatabase | undefined;

  afterEach(async () => {
    await database?.destroy();
    database = undefined;
  });

  /** A fresh database with `count` rows, some written at once, some inside a caller's transaction. */
  async function logOf(count: number): Promise<{ db: Database; seqs: bigint[] }> {
    database = await createTestDatabase(kind);
    const { db } = database;
    const write = (index: number) => recordAudit(db, { actor: ACTOR, action: 'user.invite', outcome: index % 3 ? 'succeeded' : 'refused', reason: `row ${index}`, details: { index, nested: { z: index, a: [index] } } });
    await Promise.all(Array.from({ length: Math.floor(count / 2) }, (_, index) => write(index)));
    for (let index = Math.floor(count / 2); index < count; index += 1) {
      if (index % 2) await db.$transaction((tx) => recordAudit(tx, { actor: ACTOR, action: 'user.disable', outcome: 'succeeded', reason: `in a transaction ${index}` }));
      else await write(index);
    }
    const rows = await db.auditEvent.findMany({ orderBy: { seq: 'asc' }, select: { seq: true } });
    return { db, seqs: rows.map((row) => row.seq) };
  }

  /** Tampers as the table's owner could, with the append-only trigger out of the way. */
  async function tamper(db: Database, ...statements: string[]): Promise<void> {
    await db.$executeRawUnsafe('ALTER TABLE audit_events DISABLE TRIGGER USER');
    for (const sql of statements) await db.$executeRawUnsafe(sql);
    await db.$executeRawUnsafe('ALTER TABLE audit_events ENABLE TRIGGER USER');
  }

  it('verifies every row the app wrote, concurrent ones and those in transactions included', async () => {
    const { db, seqs } = await logOf(40);
    const result = await verifyAuditChain(db, { batchSize: 7 });
    expect(result).toMatchObject({ checked: 40, unchained: 0, firstBroken: null, head: { seq: seqs.at(-1) } });
  });

  it('reports an edited row', async () => {
    const { db, seqs } = await logOf(12);
    await tamper(db, `UPDATE audit_events SET reason = 'nothing to see' WHERE seq = ${seqs[5]}`);
    expect((await verifyAuditChain(db)).firstBroken).toMatchObject({ seq: seqs[5], reason: expect.stringContaining('edited') });
  });

  it('reports a deleted row at the row after it', async () => {
    const { db, seqs } = await logOf(12);
    await tamper(db, `DELETE FROM audit_events WHERE seq = ${seqs[4]}`);
    expect((await verifyAuditChain(db)).firstBroken?.seq).toBe(seqs[5]);
  });

  it('reports two rows swapped', async () => {
    const { db, seqs } = await logOf(12);
    const [a, b] = [seqs[3]!, seqs[8]!];
    await tamper(db, `UPDATE audit_events SET seq = -1 WHERE seq = ${a}`, `UPDATE audit_events SET seq = ${a} WHERE seq = ${b}`, `UPDATE audit_events SET seq = ${b} WHERE seq = -1`);
    expect((await verifyAuditChain(db)).firstBroken?.seq).toBe(a);
  });

  it('reports a row inserted around the app, and a wrong key', async () => {
    const { db, seqs } = await logOf(6);
    expect((await verifyAuditChain(db, { key: 'another-key-0123456789abcdefghijklmnop' })).firstBroken?.seq).toBe(seqs[0]);
    await db.$executeRawUnsafe(`INSERT INTO audit_events (action, outcome, reason) VALUES ('user.invite', 'succeeded', 'planted')`);
    const result = await verifyAuditChain(db);
    expect(result.checked).toBe(6);
    expect(result.firstBroken?.reason).toContain('no mac');
  });
});
