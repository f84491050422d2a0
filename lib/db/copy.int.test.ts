// `npm run db:copy` (lib/db/copy.ts): a populated embedded installation — a synced organisation, a
// machine user with a pushed token, a closed access review, a chained audit log — copied into a
// fresh database on the test PostgreSQL server: every row equal, the audit chain verified there,
// sequences where the source left them; a target holding anything refused.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import type { PGlite } from '@electric-sql/pglite';
import { auditChainKey, verifyAuditChain } from '@/lib/audit/chain';
import { recordAudit } from '@/lib/audit/record';
import { openDatabase } from '@/lib/db/client';
import { copyDatabase, CopyError, type CopyReport } from '@/lib/db/copy';
import { closeCampaign, createCampaign } from '@/lib/domain/reviews/campaigns';
import { createEmptyPostgresDatabase } from '@/lib/testing/database';
import { pushedMachineUser, setUpSandboxWorld } from '@/lib/testing/sandbox-world';

const TOOLS = 'w8c4qe2uxh9pd';

/** Every row of a table as JSON text, in primary-key order (the whole table, compared as one). */
async function tableText(query: (sql: string) => Promise<{ rows: { text: string | null }[] }>, table: string): Promise<string> {
  const { rows } = await query(`SELECT string_agg(row_to_json(t)::text, E'\\n' ORDER BY row_to_json(t)::text) AS text FROM public."${table}" t`);
  return rows[0]?.text ?? '';
}

describe('db:copy from PGlite to PostgreSQL', () => {
  const world = setUpSandboxWorld('pglite');
  let source: PGlite;
  let target: { url: string; drop: () => Promise<void> };
  let report: CopyReport;

  beforeAll(async () => {
    source = world.database.pglite!;
    const environmentIds = [...world.sim.store.projects.get(TOOLS)!.environments.keys()].sort().slice(0, 2);
    await pushedMachineUser(world, TOOLS, environmentIds, 'copy');
    const created = await createCampaign(world.admin, { name: 'Copied review', dueOn: new Date(Date.now() + 30 * 86_400_000).toISOString().slice(0, 10), scope: 'all' });
    if (!created.ok) throw new Error(JSON.stringify(created));
    expect(await closeCampaign(world.admin, { campaignId: created.data.campaignId, confirm: 'yes' })).toMatchObject({ ok: true });
    target = await createEmptyPostgresDatabase();
    report = await copyDatabase({ source, targetUrl: target.url, auditKey: auditChainKey() });
  });
  afterAll(async () => {
    await target?.drop();
  });

  it('copies every table with the same rows, the audit chain verified on the target', async () => {
    const counts = Object.fromEntries(report.tables.map((table) => [table.table, table]));
    for (const table of ['users', 'projects', 'environments', 'machine_users', 'api_tokens', 'push_runs', 'push_steps', 'review_campaigns', 'review_items', 'audit_events']) {
      expect(counts[table]?.source, table).toBeGreaterThan(0);
    }
    expect(report.tables.filter((table) => table.source !== table.target)).toEqual([]);
    const auditRows = counts.audit_events!.source;
    expect(report.audit).toMatchObject({ firstBroken: null, checked: auditRows });

    const client = new pg.Client({ connectionString: target.url });
    await client.connect();
    try {
      await client.query("SET TimeZone = 'UTC'");
      await source.query("SET TimeZone = 'UTC'");
      for (const { table } of report.tables) {
        const [copied, original] = await Promise.all([
          tableText((sql) => client.query<{ text: string | null }>(sql), table),
          tableText((sql) => source.query<{ text: string | null }>(sql), table),
        ]);
        expect(copied, table).toBe(original);
      }
    } finally {
      await client.end();
    }
  });

  it('leaves the sequences where the source left them: the next audit row follows on, chained', async () => {
    const [sourceHead] = (await source.query<{ seq: string }>('SELECT MAX(seq)::text AS seq FROM audit_events')).rows;
    const handle = openDatabase({ kind: 'postgresql', url: target.url });
    try {
      await recordAudit(handle.db, { actor: null, action: 'audit.verify', outcome: 'succeeded', target: { type: 'audit_log' } });
      const newest = await handle.db.auditEvent.findFirstOrThrow({ orderBy: { seq: 'desc' } });
      expect(newest.seq).toBe(BigInt(sourceHead!.seq) + 1n);
      expect((await verifyAuditChain(handle.db)).firstBroken).toBeNull();
    } finally {
      await handle.close();
    }
  });

  it('refuses a target that already holds data, and one with tables of something else', async () => {
    await expect(copyDatabase({ source, targetUrl: target.url, auditKey: auditChainKey() })).rejects.toThrow(CopyError);
    await expect(copyDatabase({ source, targetUrl: target.url, auditKey: auditChainKey() })).rejects.toThrow(/already holds Keywarden data/);
    const other = await createEmptyPostgresDatabase();
    try {
      const client = new pg.Client({ connectionString: other.url });
      await client.connect();
      await client.query('CREATE TABLE someone_elses (id int)').finally(() => client.end());
      await expect(copyDatabase({ source, targetUrl: other.url, auditKey: auditChainKey() })).rejects.toThrow(/not empty/);
    } finally {
      await other.drop();
    }
  });

  it('the command explains a bad target or a missing source in one line, without a stack trace', () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'keywarden-copy-cli-'));
    try {
      const run = (args: string[]) =>
        spawnSync(path.resolve('node_modules/.bin/tsx'), ['lib/cli/db-copy.ts', ...args], { encoding: 'utf8', env: { ...process.env, KEYWARDEN_DATA_DIR: dataDir, DATABASE_URL: '' } });
      const badUrl = run(['--to', 'https://example.com/db']);
      expect(badUrl.status).toBe(2);
      expect(badUrl.stderr).toMatch(/--to must be a postgresql:\/\/ URL/);
      const noSource = run(['--to', target.url]);
      expect(noSource.status).toBe(1);
      expect(noSource.stderr).toMatch(/No embedded database at/);
      // A source named with --from while KEYWARDEN_DATA_DIR holds no keys: the copy would be verified
      // (and the server later started) with keys made up on the spot. Refused before anything is read.
      const elsewhere = path.join(dataDir, 'elsewhere');
      fs.mkdirSync(elsewhere);
      fs.writeFileSync(path.join(elsewhere, 'PG_VERSION'), '17\n');
      const noKeys = spawnSync(path.resolve('node_modules/.bin/tsx'), ['lib/cli/db-copy.ts', '--to', target.url, '--from', elsewhere], {
        encoding: 'utf8',
        env: { ...process.env, KEYWARDEN_DATA_DIR: dataDir, DATABASE_URL: '', KEYWARDEN_AUDIT_KEY: '' },
      });
      expect(noKeys.status).toBe(1);
      expect(noKeys.stderr.trim()).toBe(
        `No audit key: KEYWARDEN_AUDIT_KEY is not set and ${path.join(dataDir, 'secrets', 'audit.key')} does not exist. Set KEYWARDEN_DATA_DIR to the installation's data directory, or KEYWARDEN_AUDIT_KEY.`,
      );
      expect(fs.existsSync(path.join(dataDir, 'secrets'))).toBe(false);
      expect(`${badUrl.stderr}${noSource.stderr}`).not.toMatch(/^\s+at /m);
    } finally {
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
