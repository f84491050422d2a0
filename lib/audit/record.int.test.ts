import { randomBytes } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '@/lib/db';
import { REDACTED } from '@/lib/security/redact';
import { TEST_DATABASE_KINDS } from '@/lib/testing/database';
import { auditEventsSince, databaseText, lastAuditSeq } from '@/lib/testing/inspect';
import { setUpTestDatabase } from '@/lib/testing/suite-database';
import { recordAudit, type AuditEntry } from './record';

/** A token-like canary: fresh per test, with characters that encode differently everywhere. */
const canary = () => `kwcanary_${randomBytes(12).toString('base64url')}+/ "q"=`;

/** Every form the canary could be stored in. */
function formsOf(secret: string): string[] {
  const bytes = Buffer.from(secret, 'utf8');
  return [
    secret,
    JSON.stringify(secret).slice(1, -1),
    encodeURIComponent(secret),
    new URLSearchParams({ q: secret }).toString().slice(2),
    bytes.toString('hex'),
    bytes.toString('hex').toUpperCase(),
    bytes.toString('base64'),
    bytes.toString('base64').replace(/=+$/, ''),
    bytes.toString('base64url'),
  ];
}

/**
 * What must appear nowhere in the database: every form, plus the canary's plain core (characters
 * no encoding changes), which shows even where a stored form was escaped twice.
 */
const tracesOf = (secret: string) => [secret.split('+')[0]!, ...formsOf(secret)];

const ACTOR = { id: '5b1f0c3a-2d4e-4f60-8a7b-9c0d1e2f3a4b', email: 'admin@example.com', role: 'admin' as const };

describe.each(TEST_DATABASE_KINDS)('recordAudit on %s', (kind) => {
  const database = setUpTestDatabase(kind);
  let db: Database;

  beforeAll(() => {
    db = database.db;
  });

  async function record(entry: AuditEntry) {
    const seq = await lastAuditSeq(db);
    await recordAudit(db, entry);
    const events = await auditEventsSince(db, seq);
    expect(events).toHaveLength(1);
    return events[0]!;
  }

  it('stores the entry as given', async () => {
    const event = await record({
      actor: ACTOR,
      action: 'user.change_role',
      target: { type: 'user', id: 'target-id' },
      outcome: 'succeeded',
      reason: 'promoted',
      clientAddress: '203.0.113.4',
      details: { from: 'reviewer', to: 'admin' },
      tokenFingerprint: 'fp-1234',
    });
    expect(event).toMatchObject({
      actorId: ACTOR.id,
      actorEmail: ACTOR.email,
      actorRole: 'admin',
      action: 'user.change_role',
      targetType: 'user',
      targetId: 'target-id',
      outcome: 'succeeded',
      reason: 'promoted',
      clientAddress: '203.0.113.4',
      details: { from: 'reviewer', to: 'admin' },
      tokenFingerprint: 'fp-1234',
      // Chained (lib/audit/chain.ts): an HMAC-SHA256 in hex.
      mac: expect.stringMatching(/^[0-9a-f]{64}$/),
    });
    expect(event.occurredAt.getTime()).toBeGreaterThan(Date.now() - 60_000);
  });

  it.each(['raw', 'JSON-escaped', 'URL-encoded', 'form-encoded', 'hex', 'HEX', 'base64', 'unpadded base64', 'base64url'].map((name, index) => [name, index] as const))(
    'stores a registered secret redacted from reason and details in its %s form',
    async (_name, index) => {
      const secret = canary();
      const form = formsOf(secret)[index]!;
      const event = await record({
        actor: ACTOR,
        action: 'user.invite',
        outcome: 'failed',
        reason: `upstream replied: ${form}`,
        details: { response: { body: `{"echo":"${form}"}`, attempts: [form, 'kept'] } },
        secrets: [secret],
      });
      expect(event.reason).toBe(`upstream replied: ${REDACTED}`);
      expect(event.details).toEqual({ response: { body: `{"echo":"${REDACTED}"}`, attempts: [REDACTED, 'kept'] } });
      const everything = await databaseText(db);
      for (const trace of tracesOf(secret)) expect(everything).not.toContain(trace);
    },
  );

  it('redacts a secret echoed inside a JSON body held in a string', async () => {
    const secret = canary();
    const event = await record({
      actor: ACTOR,
      action: 'user.invite',
      outcome: 'failed',
      details: { upstream: { status: 500, body: JSON.stringify({ name: 'env:PLATFORMSH_CLI_TOKEN', value: secret }) } },
      secrets: [secret],
    });
    expect(event.details).toEqual({ upstream: { status: 500, body: JSON.stringify({ name: 'env:PLATFORMSH_CLI_TOKEN', value: REDACTED }) } });
    const everything = await databaseText(db);
    for (const trace of tracesOf(secret)) expect(everything).not.toContain(trace);
  });

  it('redacts several secrets and keeps the rest of the text', async () => {
    const first = canary();
    const second = canary();
    const event = await record({
      actor: ACTOR,
      action: 'user.invite',
      outcome: 'failed',
      reason: `a=${first} b=${second} c=visible`,
      secrets: [first, second],
    });
    expect(event.reason).toBe(`a=${REDACTED} b=${REDACTED} c=visible`);
  });

  it('stores text unchanged when no secret is registered', async () => {
    const value = canary();
    const event = await record({ actor: ACTOR, action: 'user.invite', outcome: 'failed', reason: `plain ${value}` });
    // Redaction is by registered value: an unregistered value is not guessed at (positive control).
    expect(event.reason).toBe(`plain ${value}`);
  });

  it('bounds the reason to 1000 characters', async () => {
    const event = await record({ actor: ACTOR, action: 'user.invite', outcome: 'failed', reason: 'x'.repeat(5000) });
    expect(event.reason).toHaveLength(1000);
  });

  it('identifies an anonymous caller by the e-mail they typed', async () => {
    const event = await record({ actor: null, actorEmail: 'typed@example.com', action: 'auth.sign_in', outcome: 'refused', clientAddress: '203.0.113.5' });
    expect(event).toMatchObject({ actorId: null, actorRole: null, actorEmail: 'typed@example.com', clientAddress: '203.0.113.5' });
  });

  it('prefers the signed-in actor over a typed e-mail, and stores nulls for what is unknown', async () => {
    const signedIn = await record({ actor: ACTOR, actorEmail: 'typed@example.com', action: 'auth.sign_in', outcome: 'succeeded' });
    expect(signedIn.actorEmail).toBe(ACTOR.email);
    const nobody = await record({ actor: null, action: 'invitation.accept', outcome: 'refused' });
    expect(nobody).toMatchObject({
      actorId: null,
      actorEmail: null,
      actorRole: null,
      targetType: null,
      targetId: null,
      reason: null,
      clientAddress: null,
      details: null,
      tokenFingerprint: null,
    });
  });
});
