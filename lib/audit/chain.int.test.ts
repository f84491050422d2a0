// The audit log's hash chain (SECURITY.md L2, issue 15 §6) on both databases: rows written by the
// app (also at once, also by two processes) verify; an edit, a delete, an insertion, a reorder, a
// truncation, a log re-chained without the key, a forged checkpoint or the wrong key is reported at
// the first row that no longer follows.
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Database } from '@/lib/db';
import { createTestDatabase, TEST_DATABASE_KINDS, type TestDatabase } from '@/lib/testing/database';
import { chainMac, CHAIN_GENESIS, CHECKPOINT_INTERVAL, useCheckpointInterval, verifyAuditChain, writeCheckpoint } from './chain';
import { recordAudit } from './record';

const ATTACKER_KEY = 'a-key-the-attacker-chose-0123456789abcdefghijkl';

const ACTOR = { id: '5b1f0c3a-2d4e-4f60-8a7b-9c0d1e2f3a4b', email: 'admin@example.com', role: 'admin' as const };

describe.each(TEST_DATABASE_KINDS)('the audit chain on %s', (kind) => {
  let database: TestDatabase | undefined;

  // No interval checkpoint unless a test asks for one: each test states which checkpoints exist.
  beforeEach(() => useCheckpointInterval(1_000_000));

  afterEach(async () => {
    useCheckpointInterval(CHECKPOINT_INTERVAL);
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
    for (const table of ['audit_events', 'audit_chain_checkpoints']) await db.$executeRawUnsafe(`ALTER TABLE ${table} DISABLE TRIGGER USER`);
    for (const sql of statements) await db.$executeRawUnsafe(sql);
    for (const table of ['audit_events', 'audit_chain_checkpoints']) await db.$executeRawUnsafe(`ALTER TABLE ${table} ENABLE TRIGGER USER`);
  }

  /** A signed checkpoint of row `seq`, as the writer or a verification leaves one. */
  async function checkpointAt(db: Database, seq: bigint): Promise<void> {
    const row = await db.auditEvent.findUniqueOrThrow({ where: { seq } });
    await writeCheckpoint(db, { seq, mac: row.mac! }, 'verify');
  }

  it('verifies every row the app wrote, concurrent ones and those in transactions included', async () => {
    const { db, seqs } = await logOf(40);
    const result = await verifyAuditChain(db, { batchSize: 7 });
    expect(result).toMatchObject({ checked: 40, unchained: 0, firstBroken: null, head: { seq: seqs.at(-1) } });
  });

  it('writes a signed checkpoint every N rows, and they hold', async () => {
    useCheckpointInterval(5);
    const { db, seqs } = await logOf(12);
    const checkpoints = await db.auditChainCheckpoint.findMany({ orderBy: { seq: 'asc' } });
    expect(checkpoints.map((checkpoint) => checkpoint.seq)).toEqual([seqs[4], seqs[9]]);
    expect(await verifyAuditChain(db)).toMatchObject({ checked: 12, checkpoints: 2, firstBroken: null });
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

  it('reports a truncated end: the log is shorter than a checkpoint', async () => {
    const { db, seqs } = await logOf(12);
    await checkpointAt(db, seqs[9]!);
    expect((await verifyAuditChain(db)).firstBroken).toBeNull();
    // Without a checkpoint, a log whose last rows were deleted still chains: only the checkpoint sees it.
    await tamper(db, `DELETE FROM audit_events WHERE seq >= ${seqs[7]}`);
    const result = await verifyAuditChain(db);
    expect(result.head?.seq).toBe(seqs[6]);
    expect(result.firstBroken).toMatchObject({ seq: seqs[9], kind: 'truncated', reason: expect.stringContaining(`the log ends at row ${seqs[6]}`) });
  });

  it('reports a truncation back to before every row, and a checkpointed row replaced by a re-appended one', async () => {
    const { db, seqs } = await logOf(6);
    await checkpointAt(db, seqs[5]!);
    // The last row deleted and another appended through the app: the chain holds, the checkpoint does not.
    await tamper(db, `DELETE FROM audit_events WHERE seq = ${seqs[5]}`);
    await recordAudit(db, { actor: null, action: 'user.invite', outcome: 'succeeded', reason: 'the replacement' });
    expect((await verifyAuditChain(db)).firstBroken).toMatchObject({ seq: seqs[5], kind: 'checkpoint', reason: expect.stringContaining('is missing') });
    await tamper(db, 'DELETE FROM audit_events');
    expect((await verifyAuditChain(db)).firstBroken).toMatchObject({ seq: seqs[5], kind: 'truncated', reason: expect.stringContaining('no chained row') });
  });

  it('reports a head kept outside the database that the log no longer reaches (checkpoints removed too)', async () => {
    const { db, seqs } = await logOf(8);
    const { head } = await verifyAuditChain(db);
    await tamper(db, `DELETE FROM audit_events WHERE seq > ${seqs[5]}`, 'DELETE FROM audit_chain_checkpoints');
    expect((await verifyAuditChain(db)).firstBroken).toBeNull();
    expect((await verifyAuditChain(db, { expectHead: head! })).firstBroken).toMatchObject({ seq: seqs[7], kind: 'truncated' });
  });

  it('reports a log re-chained from the start without the key, at its first row', async () => {
    const { db, seqs } = await logOf(8);
    await checkpointAt(db, seqs[3]!);
    // What someone who can write the table but not read the key can do: edit a row, then recompute
    // every mac with a key of their own so that the chain "holds" — under their key.
    await tamper(db, `UPDATE audit_events SET reason = 'rewritten' WHERE seq = ${seqs[2]}`);
    const rows = await db.auditEvent.findMany({ orderBy: { seq: 'asc' } });
    let previous = CHAIN_GENESIS;
    const statements = rows.map((row) => {
      previous = chainMac(ATTACKER_KEY, previous, row);
      return `UPDATE audit_events SET mac = '${previous}' WHERE seq = ${row.seq}`;
    });
    await tamper(db, ...statements);
    expect((await verifyAuditChain(db, { key: ATTACKER_KEY })).firstBroken).toMatchObject({ kind: 'checkpoint' });
    expect((await verifyAuditChain(db)).firstBroken).toMatchObject({ seq: seqs[0], kind: 'edited', reason: expect.stringContaining('without the key') });
  });

  it('reports a forged or edited checkpoint', async () => {
    const { db, seqs } = await logOf(6);
    await checkpointAt(db, seqs[2]!);
    await tamper(db, `UPDATE audit_chain_checkpoints SET created_at = created_at + interval '1 second'`);
    expect((await verifyAuditChain(db)).firstBroken).toMatchObject({ seq: seqs[2], kind: 'checkpoint', reason: expect.stringContaining('no valid signature') });
  });

  it('refuses to change or remove a checkpoint', async () => {
    const { db, seqs } = await logOf(3);
    await checkpointAt(db, seqs[2]!);
    await expect(db.auditChainCheckpoint.deleteMany({})).rejects.toThrow(/append-only/);
    await expect(db.auditChainCheckpoint.updateMany({ data: { reason: 'x' } })).rejects.toThrow(/append-only/);
    expect(await db.auditChainCheckpoint.count()).toBe(1);
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

describe.skipIf(!process.env.TEST_DATABASE_URL)('two Keywarden processes writing to one PostgreSQL at once', () => {
  let database: TestDatabase | undefined;

  afterEach(async () => {
    await database?.destroy();
    database = undefined;
  });

  it('leave one chain: no fork, no lost link', { timeout: 180_000 }, async () => {
    database = await createTestDatabase('postgresql');
    if (database.migrationTarget.kind !== 'postgresql') throw new Error('expected PostgreSQL');
    const url = database.migrationTarget.url;
    const run = promisify(execFile);
    const writer = (label: string) =>
      run(path.resolve('node_modules/.bin/tsx'), ['--tsconfig', path.resolve('tsconfig.json'), path.resolve('lib/testing/audit-writer.ts'), url, label, '150'], { env: { ...process.env }, timeout: 150_000 });
    await Promise.all([writer('first'), writer('second')]);
    const rows = await database.db.auditEvent.findMany({ orderBy: { seq: 'asc' }, select: { details: true } });
    expect(rows).toHaveLength(300);
    // Interleaved, not one process after the other: the writers really were concurrent.
    const labels = rows.map((row) => (row.details as { label: string }).label);
    const switches = labels.filter((label, index) => index > 0 && label !== labels[index - 1]).length;
    expect(switches).toBeGreaterThan(1);
    expect(await verifyAuditChain(database.db)).toMatchObject({ checked: 300, firstBroken: null });
  });
});
