import type { Clock } from '../core/ports.js';

/** Why a clock change was refused. */
export type ClockChangeError = 'CLOCK_BACKWARDS' | 'CLOCK_INVALID';

/**
 * A clock that tests and integrators can move forward but never back. It runs on a base (the system time, or a
 * fixed instant) plus an offset that `advance` and `set` grow; `now()` is monotonic even if the system time steps back.
 */
export class ControlledClock implements Clock {
  private offset = 0;
  private last = -Infinity;

  /** `mode: 'system'` follows the real time; `mode: 'fixed'` stands still at `start` until moved. */
  constructor(
    readonly mode: 'system' | 'fixed',
    private readonly start: number = Date.now(),
  ) {}

  now(): number {
    const base = this.mode === 'system' ? Date.now() : this.start;
    const t = base + this.offset;
    if (t > this.last) this.last = t;
    return this.last;
  }

  /** Moves the clock forward by `ms` (a non-negative safe integer). */
  advance(ms: number): ClockChangeError | null {
    if (!Number.isSafeInteger(ms) || ms < 0) return ms < 0 ? 'CLOCK_BACKWARDS' : 'CLOCK_INVALID';
    if (!Number.isSafeInteger(this.now() + ms)) return 'CLOCK_INVALID';
    this.offset += ms;
    return null;
  }

  /** Moves the clock to `at` (epoch ms), which must not be earlier than now. */
  set(at: number): ClockChangeError | null {
    if (!Number.isSafeInteger(at)) return 'CLOCK_INVALID';
    const now = this.now();
    if (at < now) return 'CLOCK_BACKWARDS';
    return this.advance(at - now);
  }
}
