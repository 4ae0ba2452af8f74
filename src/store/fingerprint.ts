import { hash } from 'node:crypto';
import type { Fixtures } from '../config/fixtures.js';

/**
 * What must be the same on every instance of one shared store for them to apply commands identically: the APIs
 * served, the fixtures, and the test-only faults and variants. A digest of it is kept in the store; an instance
 * that differs is refused at start rather than silently drifting apart.
 */
export function stateFingerprint(config: { api: string; fixtures: Fixtures; faults: ReadonlySet<string>; variants: ReadonlySet<string> }): string {
  const text = JSON.stringify({ format: 1, api: config.api, fixtures: config.fixtures, faults: [...config.faults].sort(), variants: [...config.variants].sort() });
  return hash('sha256', text, 'hex').slice(0, 32);
}
