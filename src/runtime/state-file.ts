import { closeSync, fsyncSync, openSync, readFileSync, renameSync, rmSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import type { StateSnapshot } from '../state/server-state.js';

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
    throw new StateFileError(`${path}: cannot be read: ${whyNot(error, path, 'read')}`);
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

/** Why a state file cannot be read or written, in words that say what to fix (the errno code stays, for searching). */
function whyNot(error: unknown, path: string, doing: 'read' | 'write'): string {
  const code = (error as NodeJS.ErrnoException).code;
  const folder = dirname(path);
  const reason =
    code === 'ENOENT' ? `the folder ${folder} does not exist`
    : code === 'ENOTDIR' ? `${folder} is not a folder`
    : code === 'EACCES' || code === 'EPERM' ? doing === 'read' ? 'no permission to read it' : `no permission to create files in ${folder}`
    : code === 'EROFS' ? `${folder} is on a read-only file system`
    : code === 'EISDIR' ? 'it is a folder'
    : code === 'ENOSPC' || code === 'EDQUOT' ? 'the disk is full'
    : (error as Error).message;
  return code && !reason.includes(code) ? `${reason} (${code})` : reason;
}

/**
 * Writes a state file atomically: a temporary file in the same folder, flushed to disk, then renamed over the old
 * one, and the folder flushed too. A crash at any point leaves either the old file or the new one, never a mix.
 * Written readable by the owner only: it holds session ids and changed passwords. A write that fails throws a
 * StateFileError that says why, and leaves no temporary file behind.
 */
export function writeStateFile(path: string, content: StateFileContent): void {
  const temporary = `${path}.${process.pid}.tmp`;
  try {
    const fd = openSync(temporary, 'w', 0o600);
    try {
      writeSync(fd, JSON.stringify(content));
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(temporary, path);
  } catch (error) {
    try {
      rmSync(temporary, { force: true });
    } catch {
      // Nothing was created where nothing can be.
    }
    throw new StateFileError(`${path}: cannot be written: ${whyNot(error, path, 'write')}`);
  }
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
