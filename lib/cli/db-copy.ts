// npm run db:copy -- --to postgresql://user:password@host:5432/keywarden [--from <PGlite directory>]
// Copies the embedded database (default: <KEYWARDEN_DATA_DIR>/pglite) into an empty PostgreSQL
// database: schema through the migrations, every table in foreign-key order, sequences, then the
// audit chain verified on the target and row counts compared table by table (lib/db/copy.ts).
// Stop Keywarden first (one process owns the embedded directory). Exit code 0 when the copy is
// complete and verified, 1 when it failed or does not verify, 2 for a bad argument.
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { ConfigError, getConfig } from '@/lib/config';
import { existingSecret } from '@/lib/config/secrets';
import { openEmbeddedDatabase } from '@/lib/db/client';
import { copyDatabase, CopyError } from '@/lib/db/copy';

const USAGE = 'Usage: npm run db:copy -- --to postgresql://user:password@host:5432/database [--from <PGlite directory>]';

/** The URL as printed: never its password. */
function withoutPassword(url: URL): string {
  const shown = new URL(url);
  if (shown.password) shown.password = '****';
  return shown.toString();
}

async function main(): Promise<number> {
  let values: { to?: string; from?: string };
  try {
    ({ values } = parseArgs({ args: process.argv.slice(2), options: { to: { type: 'string' }, from: { type: 'string' } }, strict: true }));
  } catch (error) {
    console.error(`${error instanceof Error ? error.message : String(error)}\n${USAGE}`);
    return 2;
  }
  const target = URL.canParse(values.to ?? '') ? new URL(values.to!) : undefined;
  if (!target || !/^postgres(ql)?:$/.test(target.protocol)) {
    console.error(`--to must be a postgresql:// URL of an empty database.\n${USAGE}`);
    return 2;
  }
  const config = getConfig();
  const directory = path.resolve(values.from ?? path.join(config.dataDir, 'pglite'));
  if (!fs.existsSync(path.join(directory, 'PG_VERSION'))) {
    console.error(`No embedded database at ${directory} (set KEYWARDEN_DATA_DIR, or pass --from).`);
    return 1;
  }
  // The audit key of this installation: the target's chain verifies with the same key (keep the
  // data directory's secrets, or the same KEYWARDEN_* secrets, for the server that runs on it).
  // Never a new one: a copy verified with made-up keys, and a server later started with them, would
  // not be the installation's.
  const auditKey = existingSecret(config, 'audit');
  if ('missing' in auditKey) {
    console.error(`No audit key: KEYWARDEN_AUDIT_KEY is not set and ${auditKey.missing} does not exist. Set KEYWARDEN_DATA_DIR to the installation's data directory, or KEYWARDEN_AUDIT_KEY.`);
    return 1;
  }

  console.log(`Copying ${directory} → ${withoutPassword(target)}`);
  const source = openEmbeddedDatabase(directory);
  try {
    const report = await copyDatabase({ source, targetUrl: target.toString(), auditKey: auditKey.value, log: (line) => console.log(line) });
    const differing = report.tables.filter((table) => table.source !== table.target);
    const rows = report.tables.reduce((sum, table) => sum + table.target, 0);
    console.log(`Row counts: ${report.tables.length} tables, ${rows} rows; ${differing.length === 0 ? 'every table matches the source' : `DIFFERENT in ${differing.map((table) => `${table.table} (${table.source} → ${table.target})`).join(', ')}`}.`);
    console.log(`Sequences: ${report.sequences} set where the source's stand.`);
    const { audit } = report;
    if (audit.firstBroken) {
      console.error(`Audit chain on the target: BROKEN at row ${audit.firstBroken.seq}: ${audit.firstBroken.reason}.`);
    } else {
      console.log(`Audit chain on the target: OK, ${audit.checked} row${audit.checked === 1 ? '' : 's'} verified${audit.checkpoints ? `, ${audit.checkpoints} signed checkpoint${audit.checkpoints === 1 ? '' : 's'} confirmed` : ''}.${audit.head ? ` Head: ${audit.head.seq}:${audit.head.mac}` : ''}`);
    }
    if (differing.length > 0 || audit.firstBroken) return 1;
    console.log(
      `Done in ${(report.milliseconds / 1000).toFixed(1)} s. Start Keywarden with DATABASE_URL set to the target and the same KEYWARDEN_DATA_DIR ` +
        '(its secrets folder holds the keys the data was written with); keep the old pglite directory until you are satisfied.',
    );
    return 0;
  } finally {
    await source.close();
  }
}

main()
  .then((code) => process.exit(code))
  .catch((error: unknown) => {
    // Expected failures carry a message for the operator; anything else too, without a stack trace.
    const message = error instanceof CopyError || error instanceof ConfigError || error instanceof Error ? error.message : String(error);
    console.error(message);
    process.exit(1);
  });
