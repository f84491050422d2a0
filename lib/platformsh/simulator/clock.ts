// The simulator's notion of time. Activities progress and access tokens expire against it, so a
// test can move time forward instead of sleeping.
export interface SimulatorClock {
  now(): number;
}

export const realClock: SimulatorClock = { now: () => Date.now() };

/** A clock that only moves when told to; starts at the given instant. */
export class ManualClock implements SimulatorClock {
  private current: number;

  constructor(start: number | Date = Date.parse('2026-01-15T09:00:00Z')) {
    this.current = typeof start === 'number' ? start : start.getTime();
  }

  now(): number {
    return this.current;
  }

  advance(milliseconds: number): void {
    this.current += milliseconds;
  }
}

export function isoAt(milliseconds: number): string {
  return new Date(milliseconds).toISOString();
}
