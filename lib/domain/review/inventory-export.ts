// The Inventory's export formats, written batch by batch (never the whole set in memory):
// - csv: one header, then one line per token (a machine user without a token gets one line), per
//   foreign variable and per other account, with a `kind` column (csv-stringify, formulas neutralised);
// - json: one JSON array of records, streamed (`[`, records separated by commas, `]`): JSON.parse reads it whole;
// - ndjson: one record per line, for tools that read line by line (jq -c, log pipelines).
import 'server-only';
import { stringify } from 'csv-stringify/sync';
import type { InventoryExportFormat } from '@/lib/validations/review-inventory';
import { neutralizeFormula } from '@/lib/security/csv-formula';
import { CSV_COLUMNS, csvLinesOf, type InventoryRecord } from './inventory-shape';

export const EXPORT_CONTENT_TYPES: Record<InventoryExportFormat, string> = {
  csv: 'text/csv; charset=utf-8',
  json: 'application/json; charset=utf-8',
  ndjson: 'application/x-ndjson; charset=utf-8',
};

function csvBatch(records: InventoryRecord[], withHeader: boolean): string {
  return stringify(
    records.flatMap(csvLinesOf),
    {
      header: withHeader,
      columns: [...CSV_COLUMNS],
      cast: { boolean: (value) => (value ? 'true' : 'false'), string: (value) => neutralizeFormula(value) },
      record_delimiter: '\r\n',
    },
  );
}

/** The export as text chunks, one (or two) per batch read. */
export async function* exportChunks(batches: AsyncIterable<InventoryRecord[]>, format: InventoryExportFormat): AsyncGenerator<string> {
  let first = true;
  if (format === 'csv') {
    for await (const records of batches) {
      yield csvBatch(records, first);
      first = false;
    }
    // An empty export still says what its columns are.
    if (first) yield csvBatch([], true);
    return;
  }
  if (format === 'ndjson') {
    for await (const records of batches) yield records.map((record) => `${JSON.stringify(record)}\n`).join('');
    return;
  }
  yield '[';
  for await (const records of batches) {
    if (records.length === 0) continue;
    yield `${first ? '\n' : ',\n'}${records.map((record) => JSON.stringify(record)).join(',\n')}`;
    first = false;
  }
  yield '\n]\n';
}

/** A pull-based stream: the next batch is read from the database only when the client takes more. */
export function toReadableStream(chunks: AsyncGenerator<string>): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      const next = await chunks.next();
      if (next.done) controller.close();
      else controller.enqueue(encoder.encode(next.value));
    },
    async cancel() {
      // The client went away: stop reading batches.
      await chunks.return(undefined);
    },
  });
}

/** `keywarden-inventory-2027-01-05T10-30-00Z.csv` */
export function exportFileName(format: InventoryExportFormat, now: Date): string {
  return `keywarden-inventory-${now.toISOString().slice(0, 19).replace(/:/g, '-')}Z.${format}`;
}
