// Refusals of strangers are aggregated per action and address (SECURITY.md A6), and every failure an
// action answers with is audited exactly once (auditEveryRefusal, SECURITY.md L3).
import { randomBytes } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '@/lib/db';
import { fail, ok } from '@/lib/errors';
import { TEST_DATABASE_KINDS } from '@/lib/testing/database';
import { auditEventsSince, lastAuditSeq } from '@/lib/testing/inspect';
import { setUpTestDatabase } from '@/lib/testing/suite-database';
import { auditEveryRefusal, recordAudit, recordStrangerRefusal, STRANGER_REFUSALS_IN_FULL, STRANGER_WINDOW_SECONDS } from './record';

const T0 = new Date('2030-06-01T08:00:00.000Z');
const at = (seconds: number) => new Date(T0.getTime() + seconds * 1000);
const freshAddress = () => `192.0.2.${randomBytes(1)[0]! % 250}-${randomBytes(3).toString('hex')}`;
const ACTOR = { id: '5b1f0c3a-2d4e-4f60-8a7b-9c0d1e2f3a4b', email: 'admin@example.com', role: 'admin' as const };

describe.each(TEST_DATABASE_KINDS)('refusal audit on %s', (kind) => {
  const database = setUpTestDatabase(kind);
  let db: Database;

  beforeAll(() => {
    db = database.db;
  });

  async function rowsOf(call: () => Promise<unknown>) {
    const seq = await lastAuditSeq(db);
    await call();
    return auditEventsSince(db, seq);
  }

  it('300 refusals from one address in a window leave a handful of rows, and the total lands when the next window opens', async () => {
    const address = freshAddress();
    const refuse = (second: number, email: string) =>
      recordStrangerRefusal(db, { actor: null, actorEmail: email, action: 'invitation.accept', outcome: 'refused', reason: 'invitation link invalid, used or expired', clientAddress: address }, at(second));
    const rows = await rowsOf(async () => {
      for (let attempt = 0; attempt < 300; attempt += 1) await refuse(attempt, `typed-${attempt}@example.com`);
    });
    expect(rows).toHaveLength(STRANGER_REFUSALS_IN_FULL + 1);
    // Written in full, with what the caller typed marked as claimed.
    expect(rows.slice(0, STRANGER_REFUSALS_IN_FULL).map((row) => [row.actorEmail, row.actorClaimed])).toEqual([
      ['typed-0@example.com', true],
      ['typed-1@example.com', true],
      ['typed-2@example.com', true],
    ]);
    expect(rows[STRANGER_REFUSALS_IN_FULL]).toMatchObject({ action: 'invitation.accept', outcome: 'refused', clientAddress: address, actorEmail: null });
    expect(rows[STRANGER_REFUSALS_IN_FULL]!.reason).toMatch(/counted, not written/);

    // The next window: the previous window's total first, then this refusal in full.
    const next = await rowsOf(() => refuse(STRANGER_WINDOW_SECONDS + 1, 'later@example.com'));
    expect(next).toHaveLength(2);
    expect(next[0]!.reason).toMatch(/^300 refusals from /);
    expect(next[0]!.details).toMatchObject({ aggregated: { refusals: 300, windowStart: T0.toISOString(), windowSeconds: STRANGER_WINDOW_SECONDS } });
    expect(next[1]).toMatchObject({ actorEmail: 'later@example.com', actorClaimed: true });
  });

  it('counts a concurrent burst exactly and writes its notice once', async () => {
    const address = freshAddress();
    const rows = await rowsOf(() =>
      Promise.all(Array.from({ length: 40 }, () => recordStrangerRefusal(db, { actor: null, action: 'auth.sign_in', outcome: 'refused', reason: 'wrong password', clientAddress: address }, at(0)))),
    );
    expect(rows).toHaveLength(STRANGER_REFUSALS_IN_FULL + 1);
    const window = await db.auditRefusalWindow.findUniqueOrThrow({ where: { key: `auth.sign_in|${address}` } });
    expect(window.refusals).toBe(40);
  });

  it('keeps actions and addresses apart', async () => {
    const address = freshAddress();
    const rows = await rowsOf(async () => {
      for (const action of ['auth.sign_in', 'setup.first_admin'] as const) {
        for (let attempt = 0; attempt < 2; attempt += 1) await recordStrangerRefusal(db, { actor: null, action, outcome: 'refused', reason: 'x', clientAddress: address }, at(attempt));
      }
      await recordStrangerRefusal(db, { actor: null, action: 'auth.sign_in', outcome: 'refused', reason: 'x', clientAddress: freshAddress() }, at(3));
    });
    expect(rows).toHaveLength(5);
  });

  describe('auditEveryRefusal', () => {
    it('writes the refusal an action answered with when nothing on its way did', async () => {
      const address = freshAddress();
      const rows = await rowsOf(() =>
        auditEveryRefusal(async () => ({ action: 'token.record', actor: ACTOR, clientAddress: address }), async () => fail('conflict', 'That token is already recorded.'), db),
      );
      expect(rows).toHaveLength(1);
      expect(rows[0]).toMatchObject({ action: 'token.record', actorId: ACTOR.id, outcome: 'refused', reason: 'conflict: That token is already recorded.', clientAddress: address, actorClaimed: false });
    });

    it('writes nothing more when the domain audited the refusal itself, and nothing for a success', async () => {
      const guard = async () => ({ action: 'user.invite' as const, actor: ACTOR, clientAddress: null });
      const rows = await rowsOf(async () => {
        await auditEveryRefusal(guard, async () => {
          await recordAudit(db, { actor: ACTOR, action: 'user.invite', outcome: 'refused', reason: 'own row' });
          return fail('forbidden', 'No.');
        }, db);
        await auditEveryRefusal(guard, async () => ok({ done: true }), db);
      });
      expect(rows.map((row) => row.reason)).toEqual(['own row']);
    });

    it('audits a caller without a session as a stranger, aggregated per address', async () => {
      const address = freshAddress();
      const rows = await rowsOf(async () => {
        for (let attempt = 0; attempt < 10; attempt += 1) {
          await auditEveryRefusal(async () => ({ action: 'user.disable', actor: null, clientAddress: address }), async () => fail('unauthenticated', 'Sign in again.'), db);
        }
      });
      expect(rows).toHaveLength(STRANGER_REFUSALS_IN_FULL + 1);
      expect(rows[0]).toMatchObject({ action: 'user.disable', actorId: null, outcome: 'refused', reason: 'unauthenticated: Sign in again.', clientAddress: address });
    });

    it('a row another action wrote on the way (a revoked session) does not stand for this action', async () => {
      const rows = await rowsOf(() =>
        auditEveryRefusal(async () => ({ action: 'user.invite', actor: null, clientAddress: freshAddress() }), async () => {
          await recordAudit(db, { actor: ACTOR, action: 'auth.session', outcome: 'refused', reason: 'session revoked' });
          return fail('unauthenticated', 'Sign in again.');
        }, db),
      );
      expect(rows.map((row) => row.action)).toEqual(['auth.session', 'user.invite']);
    });
  });
});
