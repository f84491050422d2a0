// Group commit: writes that arrive while a commit runs wait for the next one, and go into it
// together. For work whose writes are many and small and whose database runs one statement at a time
// (the embedded PGlite): a sync's project rewrites (inventory/sync.ts), a push's journal
// (tokens/step-journal.ts). A caller's promise resolves
// only once its write has committed. A group that fails is committed again one write at a time, so a
// failure is only ever reported to the write that caused it.
export class GroupCommit<T> {
  private queue: { item: T; resolve: () => void; reject: (error: unknown) => void }[] = [];
  private draining = false;

  constructor(
    private readonly commit: (items: readonly T[]) => Promise<unknown>,
    /** Writes someone waits on before going on (a push step's `in_progress`): when they wait beside others, they commit first, alone. */
    private readonly urgent?: (item: T) => boolean,
  ) {}

  write(item: T): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.queue.push({ item, resolve, reject });
      // After the I/O callbacks of this turn: writes answered together commit together.
      if (!this.draining) setImmediate(() => void this.drain());
    });
  }

  private async drain(): Promise<void> {
    if (this.draining) return;
    this.draining = true;
    try {
      while (this.queue.length > 0) {
        const urgent = this.urgent;
        const split = urgent !== undefined && this.queue.some((pending) => urgent(pending.item)) && this.queue.some((pending) => !urgent(pending.item));
        const group = split ? this.queue.filter((pending) => urgent(pending.item)) : this.queue.splice(0);
        if (split) this.queue = this.queue.filter((pending) => !urgent(pending.item));
        try {
          await this.commit(group.map((pending) => pending.item));
          for (const pending of group) pending.resolve();
        } catch (error) {
          if (group.length === 1) {
            group[0]!.reject(error);
            continue;
          }
          for (const pending of group) await this.commit([pending.item]).then(() => pending.resolve(), pending.reject);
        }
      }
    } finally {
      this.draining = false;
    }
  }
}
