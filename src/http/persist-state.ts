import type { FastifyInstance } from 'fastify';
import type { Clock } from '../core/ports.js';
import { writeStateFile } from '../runtime/state-file.js';
import type { ServerState } from './server-state.js';

/**
 * Saves the state to its file every `intervalMs` when anything may have changed, and once more when the server
 * closes (SIGTERM included). What was answered before the last completed save survives a crash.
 */
export function persistState(app: FastifyInstance, state: ServerState, clock: Clock, file: { path: string; intervalMs: number }): void {
  let dirty = false;
  const save = () => {
    dirty = false;
    writeStateFile(file.path, { format: 'session-kit-state', version: 1, savedAt: new Date(clock.now()).toISOString(), clockNow: clock.now(), state: state.snapshot() });
  };
  // Any answered request may have changed something (a read of a LiveVox session refreshes it).
  app.addHook('onResponse', async () => {
    dirty = true;
  });
  const timer = setInterval(() => {
    if (!dirty) return;
    try {
      save();
    } catch (error) {
      app.log.error({ err: { message: (error as Error).message } }, `could not save the state to ${file.path}`);
    }
  }, file.intervalMs);
  timer.unref();
  app.addHook('onClose', async () => {
    clearInterval(timer);
    save();
  });
}
