import { decodeCompact, encodeCompact } from './compact-json.js';

/** What a Redis snapshot holds: the state after log entry `seq`, at the store's time `time`. */
export interface SavedSnapshot {
  seq: number;
  time: number;
  state: unknown;
}

/**
 * The first line of a snapshot in the compact writing (src/store/compact-json.ts). It is not JSON, so a release that
 * only knows the first layout fails loudly on it (a JSON syntax error) instead of loading it as an empty state.
 */
export const SNAPSHOT_HEADER = 'session-kit snapshot 2\n';
const ANY_HEADER = /^session-kit snapshot (\S+)\n/;

/** A snapshot in the Redis store is in a writing this release cannot read (a newer release's). */
export class SnapshotFormatUnknown extends Error {
  override name = 'SnapshotFormatUnknown';
}

/** The text kept under `{prefix}:snap`: the header line, then the snapshot in the compact writing. */
export function writeSnapshot(saved: SavedSnapshot): string {
  return SNAPSHOT_HEADER + encodeCompact(saved);
}

/**
 * Reads a snapshot in either writing: the compact one (format 2), or the `--state` JSON layout that releases before
 * it wrote (format 1, a JSON object), so a store written by the earlier release keeps its state across an upgrade.
 * Anything else is refused with the reason; '' (no snapshot yet) is undefined.
 */
export function readSnapshot(text: string): SavedSnapshot | undefined {
  if (text === '') return undefined;
  if (text.startsWith(SNAPSHOT_HEADER)) return checked(decodeCompact(text.slice(SNAPSHOT_HEADER.length)));
  if (text.startsWith('{')) return checked(JSON.parse(text));
  const format = ANY_HEADER.exec(text)?.[1];
  throw new SnapshotFormatUnknown(
    format === undefined
      ? 'the snapshot in the Redis store is not one session-kit wrote'
      : `the snapshot in the Redis store is in format ${format}, written by a newer session-kit release; this release reads formats 1 and 2. ` +
          'Run one release on a store: upgrade this instance, or use another store',
  );
}

function checked(value: unknown): SavedSnapshot {
  const saved = value as Partial<SavedSnapshot> | null;
  if (saved === null || typeof saved !== 'object' || typeof saved.seq !== 'number' || typeof saved.time !== 'number' || !('state' in saved)) {
    throw new SnapshotFormatUnknown('the snapshot in the Redis store has no seq, time and state');
  }
  return saved as SavedSnapshot;
}
