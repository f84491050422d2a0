// npm run audit:verify — checks the audit log's hash chain (SECURITY.md L2) on the configured
// database with the configured audit key, and names the first row that does not follow. Exit code
// 0 when the chain holds, 1 when it is broken (or cannot be read). On the embedded PGlite database
// stop Keywarden first (one process owns the data directory); on PostgreSQL run it any time.
import { getConfig } from '@/lib/config';
import { getSecrets } from '@/lib/config/secrets';
import { openDatabase } from '@/lib/db/client';
import { verifyAuditChain } from '@/lib/audit/chain';

async function main(): Promise<number> {
  const config = getConfig();
  const key = getSecrets(config).audit;
  const handle = openDatabase(config.database);
  try {
    const started = Date.now();
    const result = await verifyAuditChain(handle.db, { key });
    const seconds = ((Date.now() - started) / 1000).toFixed(1);
    if (result.firstBroken) {
      const { seq, occurredAt, reason } = result.firstBroken;
      console.error(`BROKEN at row ${seq} (${occurredAt.toISOString()}): ${reason}. ${result.checked} rows before it verified (${seconds} s).`);
      return 1;
    }
    const head = result.head ? ` Head: row ${result.head.seq}, mac ${result.head.mac} — keep it to detect a deleted tail later.` : '';
    console.log(`OK: ${result.checked} rows verified${result.unchained ? ` (${result.unchained} older rows predate the chain)` : ''} in ${seconds} s.${head}`);
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
