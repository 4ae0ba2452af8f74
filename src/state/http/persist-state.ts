import type { FastifyInstance } from 'fastify';
import type { Clock } from '../../core/ports.js';
import { writeStateFile } from '../../runtime/state-file.js';
import type { ServerState } from '../server-state.js';

/** What the owner of a state file hears about its periodic saves: one that failed (why), or saving working again. */
export type StateSaveEvent = { kind: 'failed'; reason: string } | { kind: 'recovered' };

/** Where the state is kept, how often it is saved, and who hears when saving fails. */
export interface StateFileOptions {
  path: string;
  intervalMs: number;
  /** Told of a failed periodic save (once per distinct reason) and of the first success after it; default: the log. */
  onSave?: (event: StateSaveEvent) => void;
}

/**
 * Saves the state to its file at once (so a path that cannot be written stops start-up instead of losing the state
 * later), every `intervalMs` when anything may have changed, and once more when the server closes (SIGTERM included).
 * What was answered before the last completed save survives a crash. A failed final save makes `close()` reject.
 */
export function persistState(app: FastifyInstance, state: ServerState, clock: Clock, file: StateFileOptions): void {
  const save = () =>
    writeStateFile(file.path, { format: 'session-kit-state', version: 1, savedAt: new Date(clock.now()).toISOString(), clockNow: clock.now(), state: state.snapshot() });
  const report =
    file.onSave ??
    ((event: StateSaveEvent) => {
      if (event.kind === 'failed') app.log.error(`could not save the state: ${event.reason}`);
      else app.log.info(`the state is saved to ${file.path} again`);
    });
  // Throws a StateFileError naming the path and the reason: start-up refuses.
  save();
  let dirty = false;
  let failing: string | undefined;
  // Any answered request may have changed something (a read of a LiveVox session refreshes it).
  app.addHook('onResponse', async () => {
    dirty = true;
  });
  const timer = setInterval(() => {
    if (!dirty) return;
    dirty = false;
    try {
      save();
      if (failing !== undefined) {
        failing = undefined;
        report({ kind: 'recovered' });
      }
    } catch (error) {
      // Still unsaved: the next tick tries again. The same reason is told once, not every interval.
      dirty = true;
      const reason = (error as Error).message;
      if (reason !== failing) report({ kind: 'failed', reason });
      failing = reason;
    }
  }, file.intervalMs);
  timer.unref();
  app.addHook('onClose', async () => {
    clearInterval(timer);
    save();
  });
}
