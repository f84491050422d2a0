// npm run audit:verify [-- --head <seq>:<mac>] — checks the audit log's hash chain and its signed
// checkpoints (SECURITY.md L2, issue 15 §6) on the configured database with the configured audit
// key, and names the first row that does not follow: an edited, deleted, inserted or moved row, a
// log re-chained without the key, or rows removed from its end (a checkpoint vouches for a row that
// is no longer there). `--head` adds a head printed by an earlier run and kept outside the database:
// the same check against someone who could also remove checkpoints. Exit code 0 when the chain
// holds, 1 when it is broken (or cannot be read), 2 for a bad argument. Read-only. On the embedded
// PGlite database stop Keywarden first (one process owns the data directory); on PostgreSQL run it
// any time.
import fs from 'node:fs';
import path from 'node:path';
import { getConfig } from '@/lib/config';
import { existingSecret } from '@/lib/config/secrets';
import { openDatabase } from '@/lib/db/client';
import { verifyAuditChain } from '@/lib/audit/chain';

/** The head given with --head; undefined without one; null for anything else on the command line. */
function expectedHead(args: readonly string[]): { seq: bigint; mac: string } | undefined | null {
  if (args.length === 0) return undefined;
  const index = args.indexOf('--head');
  if (index !== 0 || args.length !== 2) return null;
  const match = /^(\d{1,19}):([0-9a-f]{64})$/.exec(args[index + 1] ?? '');
  return match ? { seq: BigInt(match[1]!), mac: match[2]! } : null;
}

async function main(): Promise<number> {
  const expectHead = expectedHead(process.argv.slice(2));
  if (expectHead === null) {
    console.error('Usage: npm run audit:verify [-- --head <seq>:<mac>]   (the head an earlier run printed: row number, colon, 64 hex characters)');
    return 2;
  }
  const config = getConfig();
  // Read-only: a wrong data directory must not get an empty database or fresh keys (which a later
  // `npm start` from there would take for the installation's own).
  if (config.database.kind === 'pglite' && !fs.existsSync(path.join(config.database.directory, 'PG_VERSION'))) {
    console.error(`No embedded database at ${config.database.directory}: set KEYWARDEN_DATA_DIR to the installation's data directory (or DATABASE_URL).`);
    return 1;
  }
  const key = existingSecret(config, 'audit');
  if ('missing' in key) {
    console.error(`No audit key: KEYWARDEN_AUDIT_KEY is not set and ${key.missing} does not exist. Set KEYWARDEN_DATA_DIR to the installation's data directory, or KEYWARDEN_AUDIT_KEY.`);
    return 1;
  }
  const handle = openDatabase(config.database);
  try {
    const started = Date.now();
    const result = await verifyAuditChain(handle.db, { key: key.value, expectHead });
    const seconds = ((Date.now() - started) / 1000).toFixed(1);
    if (result.firstBroken) {
      const { seq, occurredAt, reason } = result.firstBroken;
      console.error(`BROKEN at row ${seq}${occurredAt ? ` (${occurredAt.toISOString()})` : ''}: ${reason}. ${result.checked} rows before it verified (${seconds} s).`);
      return 1;
    }
    const head = result.head ? ` Head: ${result.head.seq}:${result.head.mac} — keep it outside the database and pass it as --head next time.` : '';
    const checkpoints = result.checkpoints ? `, ${result.checkpoints} signed checkpoint${result.checkpoints === 1 ? '' : 's'} confirmed` : '';
    console.log(`OK: ${result.checked} rows verified${result.unchained ? ` (${result.unchained} older rows predate the chain)` : ''}${checkpoints} in ${seconds} s.${head}`);
    return 0;
  } finally {
    await handle.close();
  }
}

main()
  .then((code) => process.exit(code))
  .catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  });
