import type { ClockChangeError, ControlledClock } from '../runtime/clock.js';
import type { Applier, ClockChange, StateCommand, Store, StoreHealth } from './store.js';

const DONE = Promise.resolve();

/**
 * The embedded default: the state lives in this process's cores, and a command is applied the moment it is
 * committed (JavaScript runs one at a time, so commands never interleave). Needs nothing else to run.
 */
export class MemoryStore implements Store {
  readonly kind = 'memory';

  constructor(
    private readonly applier: Applier,
    private readonly clock: ControlledClock,
  ) {}

  open(): Promise<void> {
    return DONE;
  }

  commit(command: StateCommand): Promise<unknown> {
    try {
      return Promise.resolve(this.applier.apply(command));
    } catch (error) {
      return Promise.reject(error);
    }
  }

  sync(): Promise<void> {
    return DONE;
  }

  changeClock(change: ClockChange): Promise<ClockChangeError | null> {
    if ('mode' in change) {
      this.clock.setMode(change.mode);
      return Promise.resolve(null);
    }
    return Promise.resolve('advanceMs' in change ? this.clock.advance(change.advanceMs) : this.clock.set(change.at));
  }

  reset(): Promise<void> {
    // The clock first: the fixtures' objects are stamped with the time they are rebuilt at.
    this.clock.resetToRealTime();
    this.applier.reset();
    return DONE;
  }

  health(): Promise<StoreHealth> {
    return Promise.resolve({ store: 'memory', status: 'up' });
  }

  close(): Promise<void> {
    return DONE;
  }
}
