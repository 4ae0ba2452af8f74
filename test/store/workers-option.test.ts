// --store and --workers as the CLI reads them: a Redis URL or memory, and workers refused without a shared store
// (each process would keep its own sessions). Our own CLI design.
import { describe, expect, it } from 'vitest';
import { readStore, readWorkers } from '../../src/cli/workers.js';
import { UsageError } from '../../src/cli/usage-error.js';

describe('--store and --workers', () => {
  it('reads memory and redis:// URLs, and refuses anything else without echoing a password', () => {
    expect(readStore('memory')).toBeUndefined();
    expect(readStore('redis://127.0.0.1:6379')).toEqual({ url: 'redis://127.0.0.1:6379' });
    expect(readStore('redis://user:secret@cache.internal:6380/2')).toEqual({ url: 'redis://user:secret@cache.internal:6380/2' });
    expect(() => readStore('mongodb://x')).toThrow(UsageError);
    expect(() => readStore('redis://user:secret@host:1/db')).toThrow(/redis:\/\/\*\*\*@host/);
  });

  it('refuses --workers above 1 with the memory store, with the reason', () => {
    expect(readWorkers('1', false)).toBe(1);
    expect(readWorkers('4', true)).toBe(4);
    expect(() => readWorkers('2', false)).toThrow(/needs a shared store/);
    expect(() => readWorkers('0', true)).toThrow(UsageError);
  });
});
