import { hash } from 'node:crypto';
import type { Clock, IdSource } from '../core/ports.js';

/**
 * The core's clock on an instance of a shared store: it reads the time the store stamped on the command being
 * applied (or on the last read), never the local system time, so every instance decides at the same instant.
 */
export class ReplayClock implements Clock {
  private at = 0;

  /** Pins the time of the command about to be applied. */
  pin(at: number): void {
    this.at = at;
  }

  now(): number {
    return this.at;
  }
}

/**
 * The core's ids on an instance of a shared store: derived from a seed the originating instance drew from its own id
 * source and wrote into the command, so every instance that applies the command creates the same tokens. The first
 * id is the seed itself (a fresh UUID v4); later ones are SHA-256 of seed and counter, shaped as UUID v4, so they
 * are as unguessable as the seed.
 */
export class SeededIds implements IdSource {
  private seed: string | undefined;
  private count = 0;

  /** The seed of the command about to be applied; undefined for a command that creates nothing. */
  begin(seed: string | undefined): void {
    this.seed = seed;
    this.count = 0;
  }

  uuid(): string {
    // A command that asks for an id without a seed would create different ids on each instance: a bug, never data.
    if (this.seed === undefined) throw new Error('an id was drawn while applying a command that carries no seed');
    const n = this.count++;
    return n === 0 ? this.seed : uuidFromDigest(hash('sha256', `${this.seed}/${n}`, 'hex'));
  }
}

/** A UUID v4 made of the first 122 bits of a hex digest (version and variant bits set). */
function uuidFromDigest(hex: string): string {
  const variant = ((parseInt(hex[16]!, 16) & 0x3) | 0x8).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}
