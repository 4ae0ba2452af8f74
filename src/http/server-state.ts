import type { Fixtures } from '../config/fixtures.js';
import { LiveVoxCore } from '../core/livevox/livevox-core.js';
import { LoudVoiceCore } from '../core/loudvoice/loudvoice-core.js';
import type { CoreDeps } from '../core/ports.js';

/** The domain state of one server: both APIs' cores, rebuilt from the fixtures on reset. */
export class ServerState {
  livevox: LiveVoxCore;
  loudvoice: LoudVoiceCore;

  constructor(
    readonly fixtures: Fixtures,
    private readonly deps: CoreDeps,
  ) {
    this.livevox = new LiveVoxCore(fixtures.livevox, deps);
    this.loudvoice = new LoudVoiceCore(fixtures.loudvoice, deps);
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
