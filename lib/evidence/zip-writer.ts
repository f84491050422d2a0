// Writes a ZIP as a stream of chunks while computing each file's SHA-256 and size, for the
// manifest. Built on fflate's streaming Zip: a file's content is pushed in parts (a batch of rows at
// a time) and the compressed bytes come out as they are ready, so a pack of any size is never held
// in memory. The caller drives it from an async generator and yields `drain()` after every step:
// nothing more is read from the database until the consumer (the HTTP response) asks for more.
import { createHash } from 'node:crypto';
import { Zip, ZipDeflate } from 'fflate';
import type { ManifestEntry } from './format';

const encoder = new TextEncoder();

export class StreamingZipWriter {
  private readonly queue: Uint8Array[] = [];
  private failure: Error | null = null;
  private readonly zip: Zip;
  readonly entries: ManifestEntry[] = [];

  constructor(private readonly modifiedAt: Date = new Date()) {
    this.zip = new Zip((error, chunk) => {
      if (error) this.failure = error;
      else this.queue.push(chunk);
    });
  }

  /** The bytes ready so far. */
  *drain(): Generator<Uint8Array> {
    if (this.failure) throw this.failure;
    while (this.queue.length > 0) yield this.queue.shift()!;
  }

  /** Adds a file from parts (text or bytes), yielding compressed output as it becomes ready. */
  async *file(path: string, parts: AsyncIterable<string | Uint8Array> | Iterable<string | Uint8Array>): AsyncGenerator<Uint8Array> {
    const entry = new ZipDeflate(path, { level: 6 });
    entry.mtime = this.modifiedAt;
    this.zip.add(entry);
    const hash = createHash('sha256');
    let bytes = 0;
    for await (const part of parts) {
      const data = typeof part === 'string' ? encoder.encode(part) : part;
      if (data.length === 0) continue;
      hash.update(data);
      bytes += data.length;
      entry.push(data, false);
      yield* this.drain();
    }
    entry.push(new Uint8Array(0), true);
    this.entries.push({ path, sha256: hash.digest('hex'), bytes });
    yield* this.drain();
  }

  /** Writes the central directory: the last bytes of the archive. */
  *end(): Generator<Uint8Array> {
    this.zip.end();
    yield* this.drain();
  }
}
