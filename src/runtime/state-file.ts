import { closeSync, fsyncSync, openSync, readFileSync, renameSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import type { StateSnapshot } from '../http/server-state.js';

/** What `--state FILE` holds: the state, when it was saved, and the server's time then (which never goes back). */
export interface StateFileContent {
  format: 'session-kit-state';
  version: 1;
  savedAt: string;
  clockNow: number;
  state: StateSnapshot;
}

/** A state file that exists but cannot be used: start-up stops rather than silently dropping state. */
export class StateFileError extends Error {
  override name = 'StateFileError';
}

/** Reads a state file; undefined when there is none yet. */
export function readStateFile(path: string): StateFileContent | undefined {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new StateFileError(`${path}: cannot be read: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
  }
  let content: Partial<StateFileContent>;
  try {
    content = JSON.parse(text) as Partial<StateFileContent>;
  } catch (error) {
    throw new StateFileError(`${path}: is not valid JSON (${(error as Error).message}); move it away to start from the fixtures`);
  }
  if (content.format !== 'session-kit-state' || content.version !== 1 || typeof content.clockNow !== 'number' || !content.state?.livevox || !content.state.loudvoice) {
    throw new StateFileError(`${path}: is not a session-kit state file (version 1); move it away to start from the fixtures`);
  }
  return content as StateFileContent;
}

/**
 * Writes a state file atomically: a temporary file in the same folder, flushed to disk, then renamed over the old
 * one, and the folder flushed too. A crash at any point leaves either the old file or the new one, never a mix.
 * Written readable by the owner only: it holds session ids and changed passwords.
 */
export function writeStateFile(path: string, content: StateFileContent): void {
  const temporary = `${path}.${process.pid}.tmp`;
  const fd = openSync(temporary, 'w', 0o600);
  try {
    writeSync(fd, JSON.stringify(content));
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(temporary, path);
  try {
    const dir = openSync(dirname(path), 'r');
    try {
      fsyncSync(dir);
    } finally {
      closeSync(dir);
    }
  } catch {
    // Some file systems cannot fsync a folder; the rename is still atomic.
  }
}
