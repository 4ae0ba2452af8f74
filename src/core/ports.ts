import type { FaultSet } from './faults.js';
import type { VariantSet } from './variants.js';

/** The only way the core learns the time: epoch milliseconds, never going backwards. */
export interface Clock {
  now(): number;
}

/** The only source of new identifiers in the core: unguessable UUID v4 strings. */
export interface IdSource {
  uuid(): string;
}

/** The ports every core service is built with; `faults` and `variants` are empty except in the kit's own tests. */
export interface CoreDeps {
  clock: Clock;
  ids: IdSource;
  faults?: FaultSet;
  variants?: VariantSet;
}
