import type { CoreDeps } from '../ports.js';
import type { LoudVoiceSeed } from './model.js';

/** Placeholder until the LoudVoice domain lands: knows the sites, holds no sessions. */
export class LoudVoiceCore {
  constructor(
    readonly seed: LoudVoiceSeed,
    private readonly deps: CoreDeps,
  ) {}

  /** Live author sessions for the admin view. */
  liveSessions(): unknown[] {
    void this.deps;
    return [];
  }

  /** Forgets expired author sessions. */
  expire(): void {}
}
