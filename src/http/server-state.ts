import type { Fixtures } from '../config/fixtures.js';
import { LiveVoxCore, type LiveVoxSnapshot } from '../core/livevox/livevox-core.js';
import { LoudVoiceCore, type LoudVoiceSnapshot } from '../core/loudvoice/loudvoice-core.js';
import type { CoreDeps } from '../core/ports.js';
import { NO_VARIANTS, type VariantName, type VariantSet } from '../core/variants.js';

/** The state of both APIs as plain JSON data: what `--state FILE` writes. */
export interface StateSnapshot {
  livevox: LiveVoxSnapshot;
  loudvoice: LoudVoiceSnapshot;
}

/** The domain state of one server: both APIs' cores, rebuilt from the fixtures on reset. */
export class ServerState {
  livevox: LiveVoxCore;
  loudvoice: LoudVoiceCore;
  /** The test-only variants this server runs with (src/core/variants.ts); empty in every normal run. */
  readonly variants: VariantSet;

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

  /** Everything that differs from the fixtures, as plain data. */
  snapshot(): StateSnapshot {
    return { livevox: this.livevox.snapshot(), loudvoice: this.loudvoice.snapshot() };
  }

  /** Back to the fixtures: every session, author, discussion and comment created since start is gone. */
  reset(): void {
    this.livevox = new LiveVoxCore(this.fixtures.livevox, this.deps);
    this.loudvoice = new LoudVoiceCore(this.fixtures.loudvoice, this.deps);
  }

  /** Forgets what has expired in either API, at most `limit` per API; true when more are due. */
  expire(limit?: number): boolean {
    const more = this.livevox.expire(limit);
    return this.loudvoice.expire(limit) || more;
  }
}
