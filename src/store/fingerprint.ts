import { hash } from 'node:crypto';
import type { Fixtures } from '../config/fixtures.js';

/** What a fingerprint is computed from: the APIs served, the fixtures, and the test-only faults and variants. */
export interface FingerprintInput {
  api: string;
  fixtures: Fixtures;
  faults: ReadonlySet<string>;
  variants: ReadonlySet<string>;
}

/**
 * The format of the store's log entries. 1: the release before domain commands, whose LoudVoice entries were HTTP
 * requests replayed through the route handlers. 2: every entry is a core's domain command (src/core/…-commands.ts).
 */
export const LOG_FORMAT = 2;

/**
 * What must be the same on every instance of one shared store for them to apply commands identically: the format of
 * the log, the APIs served, the fixtures, and the test-only faults and variants. A digest of it is kept in the store;
 * an instance that differs is refused at start rather than silently drifting apart.
 */
export function stateFingerprint(config: FingerprintInput, format: number = LOG_FORMAT): string {
  const text = JSON.stringify({ format, api: config.api, fixtures: config.fixtures, faults: [...config.faults].sort(), variants: [...config.variants].sort() });
  return hash('sha256', text, 'hex').slice(0, 32);
}
