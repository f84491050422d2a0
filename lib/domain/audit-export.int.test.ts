// Exporting and verifying the audit log from the Audit page (issue 15 §6), on both databases: the
// export streams the current filter in batches as CSV or NDJSON, without fingerprints, and is
// audited; "Verify the chain" reports OK with the head or BROKEN at the first bad row, signs a
// checkpoint, and is audited; onboarders get neither.
import { parse } from 'csv-parse/sync';
import { beforeAll, describe, expect, it } from 'vitest';
import { recordAudit } from '@/lib/audit/record';
import type { Database } from '@/lib/db';
import { TEST_DATABASE_KINDS } from '@/lib/testing/database';
import { contextFor, createUser } from '@/lib/testing/fixtures';
import { setUpTestDatabase } from '@/lib/testing/suite-database';
import { AUDIT_EXPORT_COLUMNS, auditExportStream, exportAuditLog } from './audit-export';
import { latestChainStatus, verifyAuditLog } from './audit-verification';

const FINGERPRINT = 'f'.repeat(64);

async function text(stream: ReadableStream<Uint8Array>): Promise<{ body: string; chunks: number }> {
  const decoder = new TextDecoder();
  let body = '';
  let chunks = 0;
  const reader = stream.getReader();
  for (let read = await reader.read(); !read.done; read = await reader.read()) {
    chunks += 1;
    body += decoder.decode(read.value, { stream: true });
  }
  return { body, chunks };
}

describe.each(TEST_DATABASE_KINDS)('exporting and verifying the audit log on %s', (kind) => {
  const database = setUpTestDatabase(kind);
  let db: Database;
  let reviewer: Awaited<ReturnType<typeof createUser>>;

  beforeAll(async () => {
    db = database.db;
    reviewer = await createUser(db, { role: 'reviewer', email: 'rita_export@example.com' });
    for (let index = 0; index < 25; index += 1) {
      await recordAudit(db, { actor: null, actorEmail: 'bulk@example.com', action: 'user.invite', outcome: 'succeeded', tokenFingerprint: FINGERPRINT, details: { index } });
    }
    await recordAudit(db, { actor: null, actorEmail: '=HYPERLINK("https://evil.example")', action: 'auth.sign_in', outcome: 'refused', reason: 'unknown account' });
    await recordAudit(db, { actor: null, actorEmail: 'carol@example.com', action: 'user.change_role', outcome: 'succeeded', target: { type: 'user', id: reviewer.id }, details: { from: 'reviewer', to: 'admin' } });
  });

  it('streams the filter in batches, oldest first, as CSV with a header, formulas defused and no fingerprint', async () => {
    const { body, chunks } = await text(auditExportStream({ action: 'user.invite' }, 'csv', { batchSize: 10 }));
    // 25 rows in batches of 10: three chunks of rows (the stream never held the 25 at once).
    expect(chunks).toBe(3);
    const rows = parse(body, { columns: true }) as Record<string, string>[];
    expect(Object.keys(rows[0]!)).toEqual([...AUDIT_EXPORT_COLUMNS]);
    expect(rows).toHaveLength(25);
    expect(rows.map((row) => JSON.parse(row.details!).index)).toEqual(Array.from({ length: 25 }, (_, index) => index));
    expect(body).not.toContain(FINGERPRINT);
    const [signIn] = parse((await text(auditExportStream({ action: 'auth.sign_in' }, 'csv'))).body, { columns: true }) as Record<string, string>[];
    expect(signIn!.actor_email).toBe(`'=HYPERLINK("https://evil.example")`);
  });

  it('streams NDJSON, one object per line with the same columns, with names and before → after', async () => {
    const { body } = await text(auditExportStream({ target: 'rita_export' }, 'ndjson'));
    const lines = body.trim().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(lines).toHaveLength(1);
    expect(Object.keys(lines[0]!)).toEqual([...AUDIT_EXPORT_COLUMNS]);
    expect(lines[0]).toMatchObject({ action: 'user.change_role', event: 'Change a user’s role', target_type: 'user', target_id: reviewer.id, target_name: 'rita_export@example.com', before: 'reviewer', after: 'admin', mac: expect.stringMatching(/^[0-9a-f]{64}$/) });
    // An empty CSV still names its columns; an empty NDJSON is empty.
    expect((await text(auditExportStream({ actor: 'nobody-at-all' }, 'csv'))).body.trim()).toBe(AUDIT_EXPORT_COLUMNS.join(','));
    expect((await text(auditExportStream({ actor: 'nobody-at-all' }, 'ndjson'))).body).toBe('');
  });

  it('audits each export with its filter and format; refuses an onboarder (audited) and a bad filter', async () => {
    const exported = await exportAuditLog(contextFor(reviewer), { format: 'ndjson', action: 'user.invite', outcome: 'succeeded' });
    expect(exported).toMatchObject({ ok: true, data: { format: 'ndjson', fileName: expect.stringMatching(/^keywarden-audit-.*\.ndjson$/) } });
    if (exported.ok) await exported.data.body.cancel();
    const row = await db.auditEvent.findFirstOrThrow({ where: { action: 'audit.export' }, orderBy: { seq: 'desc' } });
    expect(row).toMatchObject({ actorId: reviewer.id, outcome: 'succeeded', details: { format: 'ndjson', filter: '{"action":"user.invite","outcome":"succeeded"}' } });

    const onboarder = await createUser(db, { role: 'onboarder' });
    expect(await exportAuditLog(contextFor(onboarder), { format: 'csv' })).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    expect(await db.auditEvent.count({ where: { action: 'audit.export', actorId: onboarder.id, outcome: 'refused' } })).toBe(1);
    expect(await exportAuditLog(contextFor(reviewer), { format: 'xlsx' })).toMatchObject({ ok: false, error: { code: 'invalid_input', fieldErrors: { format: [expect.any(String)] } } });
  });

  it('verifies the chain: OK with the head and a signed checkpoint, audited; then BROKEN at an edited row', async () => {
    expect(await latestChainStatus(contextFor(reviewer))).toEqual({ ok: true, data: null });
    const verified = await verifyAuditLog(contextFor(reviewer));
    expect(verified).toMatchObject({ ok: true, data: { holds: true, broken: null, head: { macPrefix: expect.stringMatching(/^[0-9a-f]{16}$/) } } });
    if (!verified.ok) return;
    expect(verified.data.checked).toBeGreaterThan(25);
    const checkpoint = await db.auditChainCheckpoint.findFirstOrThrow({ where: { reason: 'verify' }, orderBy: { id: 'desc' } });
    expect(checkpoint.seq.toString()).toBe(verified.data.head!.seq);
    expect(await latestChainStatus(contextFor(reviewer))).toMatchObject({ ok: true, data: { holds: true, verifiedBy: 'rita_export@example.com', head: verified.data.head } });

    const edited = await db.auditEvent.findFirstOrThrow({ where: { action: 'auth.sign_in' } });
    await db.$executeRawUnsafe('ALTER TABLE audit_events DISABLE TRIGGER USER');
    await db.$executeRawUnsafe(`UPDATE audit_events SET reason = 'nothing happened' WHERE seq = ${edited.seq}`);
    await db.$executeRawUnsafe('ALTER TABLE audit_events ENABLE TRIGGER USER');
    const broken = await verifyAuditLog(contextFor(reviewer));
    expect(broken).toMatchObject({ ok: true, data: { holds: false, broken: { seq: edited.seq.toString(), reason: expect.stringContaining('edited') } } });
    expect(await latestChainStatus(contextFor(reviewer))).toMatchObject({ ok: true, data: { holds: false, broken: { seq: edited.seq.toString() } } });
    expect(await db.auditEvent.findFirstOrThrow({ where: { action: 'audit.verify' }, orderBy: { seq: 'desc' } })).toMatchObject({ outcome: 'failed', reason: expect.stringContaining(`BROKEN at row ${edited.seq}`) });

    const onboarder = await createUser(db, { role: 'onboarder' });
    expect(await verifyAuditLog(contextFor(onboarder))).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    expect(await db.auditEvent.count({ where: { action: 'audit.verify', actorId: onboarder.id, outcome: 'refused' } })).toBe(1);
  });
});
