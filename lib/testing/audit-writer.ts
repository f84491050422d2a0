// A second Keywarden, as far as the audit log is concerned: a separate Node process that writes
// audit rows to a PostgreSQL database through the app's own writer. The chain's concurrency test
// runs two of these at once against one database (issue 15 §6: "several instances writing at once").
//   tsx lib/testing/audit-writer.ts <database url> <label> <rows>
// The key comes from KEYWARDEN_AUDIT_KEY, as in the server.
import { useAuditChainKey as setAuditChainKey } from '@/lib/audit/chain';
import { recordAudit } from '@/lib/audit/record';
import { openDatabase } from '@/lib/db/client';

async function main(): Promise<void> {
  const [url, label, count] = process.argv.slice(2);
  const key = process.env.KEYWARDEN_AUDIT_KEY;
  if (!url || !label || !count || !key) throw new Error('usage: audit-writer.ts <database url> <label> <rows>, with KEYWARDEN_AUDIT_KEY set');
  setAuditChainKey(key);
  const handle = openDatabase({ kind: 'postgresql', url });
  try {
    const rows = Number(count);
    // Several writes in flight at once within the process too, as a server under load has.
    const inFlight = 8;
    let next = 0;
    await Promise.all(
      Array.from({ length: inFlight }, async () => {
        for (let index = next++; index < rows; index = next++) {
          await recordAudit(handle.db, { actor: null, actorEmail: `${label}@example.com`, action: 'user.invite', outcome: 'succeeded', reason: `${label} row ${index}`, details: { label, index } });
        }
      }),
    );
  } finally {
    await handle.close();
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.stack : error);
  process.exit(1);
});
