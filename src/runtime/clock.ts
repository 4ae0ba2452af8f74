import type { Clock } from '../core/ports.js';

/**
 * The last instant the clock reaches: past year 9999 an ISO-8601 time needs six digits and a sign (+010000-…), which
 * no RFC 3339 date-time (the admin contract's `now`) can read.
 */
export const LATEST_INSTANT = Date.parse('9999-12-31T23:59:59.999Z');

/** Why a clock change was refused. */
export type ClockChangeError = 'CLOCK_BACKWARDS' | 'CLOCK_INVALID';

/**
 * A clock that tests and integrators can move forward but never back. It runs on a base (the system time, or a
 * fixed instant) plus an offset that `advance` and `set` grow; `now()` is monotonic even if the system time steps back.
 */
export class ControlledClock implements Clock {
  private offset = 0;
  private last = -Infinity;
  /** How many times a followed shared clock was reset (see follow()). */
  private epoch = 0;

  /** `mode: 'system'` follows the real time; `mode: 'fixed'` stands still at `start` until moved. */
  private readonly initialMode: 'system' | 'fixed';

  constructor(
    private currentMode: 'system' | 'fixed',
    private start: number = Date.now(),
  ) {
    this.initialMode = currentMode;
  }

  /** Whether the clock follows the real time or stands still between moves. */
  get mode(): 'system' | 'fixed' {
    return this.currentMode;
  }

  /**
   * Switches between following the real time and standing still, continuing from the current instant either way
   * (so tests can check millisecond boundaries on a server started with the system clock).
   */
  setMode(mode: 'system' | 'fixed'): void {
    this.standAt(this.now(), mode);
  }

  /** Puts the clock at `now` as of this instant, standing still there (fixed) or running on from it with real time (system). */
  private standAt(now: number, mode: 'system' | 'fixed'): void {
    this.currentMode = mode;
    if (mode === 'fixed') {
      this.start = now;
      this.offset = 0;
    } else {
      this.offset = now - Date.now();
    }
  }

  now(): number {
    const base = this.currentMode === 'system' ? Date.now() : this.start;
    const t = base + this.offset;
    if (t > this.last) this.last = t;
    return this.last;
  }

  /** Moves the clock forward by `ms` (a non-negative safe integer). */
  advance(ms: number): ClockChangeError | null {
    if (!Number.isSafeInteger(ms) || ms < 0) return ms < 0 ? 'CLOCK_BACKWARDS' : 'CLOCK_INVALID';
    if (this.now() + ms > LATEST_INSTANT) return 'CLOCK_INVALID';
    this.offset += ms;
    return null;
  }

  /**
   * Back to the real time, in the mode the clock started in: the one time it may go back, used by the admin reset,
   * after which no session or author is left that could see time run backwards.
   */
  resetToRealTime(): void {
    this.offset = 0;
    this.last = -Infinity;
    this.start = Date.now();
    this.currentMode = this.initialMode;
  }

  /**
   * Follows a clock kept elsewhere (a shared store): its reading `now` and its mode, as of this instant. Readings in
   * between run on from it like this clock does. A new `epoch` (the shared clock was reset) may go back.
   */
  follow(now: number, mode: 'system' | 'fixed', epoch: number): void {
    if (epoch !== this.epoch) {
      this.epoch = epoch;
      this.last = -Infinity;
    }
    this.standAt(now, mode);
  }

  /** Moves the clock to `at` (epoch ms), which must not be earlier than now. */
  set(at: number): ClockChangeError | null {
    if (!Number.isSafeInteger(at)) return 'CLOCK_INVALID';
    const now = this.now();
    if (at < now) return 'CLOCK_BACKWARDS';
    return this.advance(at - now);
  }
}
