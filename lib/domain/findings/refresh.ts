// Recompute after a write: the actions call this once their change is committed, and wait for it,
// so that the next page load shows the findings as they now are. Calls that arrive while a
// recomputation runs share the one that follows it (it will see their writes); other instances
// take turns through the engine's advisory lock.
import type { Database } from '@/lib/db';
import { recomputeFindingsSafely } from './engine';

let running: Promise<unknown> | null = null;
let queued: Promise<unknown> | null = null;

export function refreshFindings(db?: Database): Promise<unknown> {
  if (queued) return queued;
  if (running) {
    queued = running.then(() => {
      queued = null;
      return start(db);
    });
    return queued;
  }
  return start(db);
}

function start(db?: Database): Promise<unknown> {
  const run = recomputeFindingsSafely(db).finally(() => {
    if (running === run) running = null;
  });
  running = run;
  return run;
}
