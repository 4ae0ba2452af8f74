import type { Fixtures } from '../config/fixtures.js';
import { LiveVoxCore, type LiveVoxSnapshot } from '../core/livevox/livevox-core.js';
import { LoudVoiceCore, type LoudVoiceSnapshot } from '../core/loudvoice/loudvoice-core.js';
import type { CoreDeps } from '../core/ports.js';
import { NO_VARIANTS, type VariantName, type VariantSet } from '../core/variants.js';
import { applyLiveVoxCommand, type LiveVoxCommand } from '../core/livevox/livevox-commands.js';
import { applyLoudVoiceCommand, type LoudVoiceCommand } from '../core/loudvoice/loudvoice-commands.js';
import type { Applier, StateCommand, Store } from '../store/store.js';

/** The state of both APIs as plain JSON data: what `--state FILE` writes, and what a shared store snapshots. */
export interface StateSnapshot {
  livevox: LiveVoxSnapshot;
  loudvoice: LoudVoiceSnapshot;
}

/**
 * The domain state of one server: both APIs' cores, rebuilt from the fixtures on reset, and the one applier of
 * commands that every store feeds (src/store/). It knows the cores and the store port, never HTTP: a command is a
 * domain command of a core (livevox-commands.ts and loudvoice-commands.ts in src/core), applied the same way on every instance.
 */
export class ServerState implements Applier {
  livevox: LiveVoxCore;
  loudvoice: LoudVoiceCore;
  /** The test-only variants this server runs with (src/core/variants.ts); empty in every normal run. */
  readonly variants: VariantSet;
  /** Where the state lives and how commands reach it: set by buildApp before any request. */
  store!: Store;

  /** The fixtures' state, or (`--state FILE`) the fixtures with a snapshot's state on top. */
  constructor(
    readonly fixtures: Fixtures,
    private readonly deps: CoreDeps,
    snapshot?: StateSnapshot,
  ) {
    this.variants = deps.variants ?? NO_VARIANTS;
    this.livevox = new LiveVoxCore(fixtures.livevox, deps);
    if (snapshot) this.livevox.restore(snapshot.livevox);
    this.loudvoice = new LoudVoiceCore(fixtures.loudvoice, deps, snapshot?.loudvoice);
  }

  /** Whether a test-only variant is on: how the HTTP edge asks, so every choice reads the same set. */
  variant(name: VariantName): boolean {
    return this.variants.has(name);
  }

  /** Applies a command to the cores at the time their clock says: the one place a store's commands take effect. */
  apply(command: StateCommand): unknown {
    switch (command.k) {
      case 'lvx':
        return applyLiveVoxCommand(this.livevox, command as LiveVoxCommand);
      case 'ldv':
        return applyLoudVoiceCommand(this.loudvoice, command as LoudVoiceCommand);
    }
    throw new Error(`no applier for commands of kind "${command.k}"`);
  }

  /** Everything that differs from the fixtures, as plain data. */
  snapshot(): StateSnapshot {
    return { livevox: this.livevox.snapshot(), loudvoice: this.loudvoice.snapshot() };
  }

  /** The fixtures with a snapshot's state on top, replacing everything held now (a shared store's start). */
  load(snapshot: StateSnapshot | undefined): void {
    // Typed loosely by the Applier port (a store hands back what snapshot() gave it).
    this.livevox = new LiveVoxCore(this.fixtures.livevox, this.deps);
    if (snapshot) this.livevox.restore(snapshot.livevox);
    this.loudvoice = new LoudVoiceCore(this.fixtures.loudvoice, this.deps, snapshot?.loudvoice);
  }

  /** Back to the fixtures: every session, author, discussion and comment created since start is gone. */
  reset(): void {
    this.load(undefined);
  }

  /** Forgets what has expired in either API, at most `limit` per API; true when more are due. */
  expire(limit?: number): boolean {
    const more = this.livevox.expire(limit);
    return this.loudvoice.expire(limit) || more;
  }
}
