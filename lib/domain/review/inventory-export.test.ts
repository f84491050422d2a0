import { describe, expect, it } from 'vitest';
import { exportChunks, exportFileName, toReadableStream } from './inventory-export';
import { CSV_COLUMNS, rolesOf, type InventoryRecord } from './inventory-shape';

const account = (userId: string, title = 'Shop'): InventoryRecord => ({
  kind: 'platform_user',
  project: { id: 'p', title },
  userId,
  email: `${userId}@example.com`,
  displayName: null,
  permissions: ['viewer'],
  roles: rolesOf(['viewer']),
  grantedAt: null,
  openFindings: 0,
});

async function* batches(...sets: InventoryRecord[][]): AsyncGenerator<InventoryRecord[]> {
  for (const set of sets) yield set;
}

const collect = async (chunks: AsyncIterable<string>) => {
  let text = '';
  for await (const chunk of chunks) text += chunk;
  return text;
};

describe('the export formats', () => {
  it('writes CSV with one header however many batches, quoting and neutralising cells', async () => {
    const csv = await collect(exportChunks(batches([account('a', 'Shop, "main"')], [account('b', '=cmd|calc')]), 'csv'));
    const lines = csv.split('\r\n');
    expect(lines[0]).toBe(CSV_COLUMNS.join(','));
    expect(lines.filter((line) => line.startsWith('kind,'))).toHaveLength(1);
    expect(lines[1]).toContain('"Shop, ""main"""');
    expect(lines[2]).toContain("'=cmd|calc");
    expect(lines[3]).toBe('');
  });

  it('writes one JSON array across batches, empty ones included', async () => {
    const json = await collect(exportChunks(batches([account('a')], [], [account('b'), account('c')]), 'json'));
    expect((JSON.parse(json) as { userId: string }[]).map((record) => record.userId)).toEqual(['a', 'b', 'c']);
    expect(JSON.parse(await collect(exportChunks(batches(), 'json')))).toEqual([]);
  });

  it('writes NDJSON, one record per line', async () => {
    const ndjson = await collect(exportChunks(batches([account('a'), account('b')], [account('c')]), 'ndjson'));
    expect(ndjson.trimEnd().split('\n').map((line) => (JSON.parse(line) as { userId: string }).userId)).toEqual(['a', 'b', 'c']);
  });

  it('reads the next batch only when the reader asks for more, and stops when the reader cancels', async () => {
    let batchesRead = 0;
    async function* counted(): AsyncGenerator<InventoryRecord[]> {
      for (let index = 0; index < 100; index += 1) {
        batchesRead += 1;
        yield [account(`u${index}`)];
      }
    }
    const reader = toReadableStream(exportChunks(counted(), 'ndjson')).getReader();
    await reader.read();
    await reader.read();
    // The stream pulls ahead by at most its high-water mark (one chunk), not the whole set.
    expect(batchesRead).toBeLessThanOrEqual(3);
    await reader.cancel();
    const afterCancel = batchesRead;
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(batchesRead).toBe(afterCancel);
    expect(afterCancel).toBeLessThan(100);
  });

  it('names the file by format and time', () => {
    expect(exportFileName('csv', new Date('2027-01-05T10:30:00.123Z'))).toBe('keywarden-inventory-2027-01-05T10-30-00Z.csv');
  });
});
