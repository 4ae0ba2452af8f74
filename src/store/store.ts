import type { ClockChangeError } from '../runtime/clock.js';

/**
 * A change of state as plain JSON data: everything an operation needs to decide the same way on every instance
 * (its inputs; the time and the random seed travel beside it). The edge builds it, a store commits it, and the one
 * applier (ServerState.apply) runs it on a core. `k` says which applier takes it.
 */
export interface StateCommand {
  readonly k: string;
}

/** One move of the clock, as the admin API takes it. */
export type ClockChange = { advanceMs: number } | { at: number } | { mode: 'system' | 'fixed' };

/** What GET /__admin/health reports about the store. */
export interface StoreHealth {
  store: 'memory' | 'redis';
  /** `up` when requests can be answered; `down` while the store cannot be reached. */
  status: 'up' | 'down';
  /** Where the store is, credentials removed (redis only). */
  url?: string;
  /** The last command applied here, of the shared log (redis only). */
  appliedSeq?: number;
  /** Why the store is down, when it is. */
  reason?: string;
}

/** The store cannot be reached: the request is answered 503 in its API's own shape, and nothing was acknowledged. */
export class StoreUnavailable extends Error {
  override name = 'StoreUnavailable';
}

/**
 * The state port: where the cores' state lives and how commands reach it. Both adapters run the same cores through
 * the same applier: the memory store applies a command at once; the Redis store appends it to a shared log in one
 * atomic script and applies the log in order, so every instance's core is fed the same commands at the same times.
 */
export interface Store {
  readonly kind: 'memory' | 'redis';
  /** Loads the shared state into the server's cores and starts background work (nothing for memory). */
  open(): Promise<void>;
  /** Commits a command and applies it after everything committed before it; resolves with the applier's result. */
  commit(command: StateCommand): Promise<unknown>;
  /** Brings the cores up to date with everything committed, so a read that follows sees every acknowledged write. */
  sync(): Promise<void>;
  /** Moves the shared clock; null when it moved, else why not. */
  changeClock(change: ClockChange): Promise<ClockChangeError | null>;
  /** Back to the fixtures and the real time, on every instance. */
  reset(): Promise<void>;
  /** Whether the store answers (the admin health view). */
  health(): Promise<StoreHealth>;
  /** Stops background work and lets go of connections. */
  close(): Promise<void>;
}

/** What a store needs from the server: the one applier, and the state as plain data to snapshot and load. */
export interface Applier {
  /** Applies one command to the cores, at the time the core's clock says; returns what the request answers. */
  apply(command: StateCommand): unknown;
  /** Back to the fixtures (a reset command). */
  reset(): void;
  /** The state as plain JSON data (what a shared store snapshots). */
  snapshot(): unknown;
  /** Replaces the state with the fixtures plus a snapshot's state (undefined: the fixtures alone). */
  load(snapshot: unknown): void;
  /** Forgets expired state, at most `limit` per API; true when more are due. */
  expire(limit?: number): boolean;
}
