import cluster from 'node:cluster';
import type { RedisStoreOptions } from '../store/redis-store.js';
import { readStore as readStoreOption, ServeOptionError } from '../http/serve-config.js';
import { UsageError } from './usage-error.js';

/** What a worker tells the primary once it listens. */
interface ListeningMessage {
  kind: 'session-kit-listening';
  address: string;
}

/** The --store value: undefined for the in-process memory store, else the Redis store's options (a usage error otherwise). */
export function readStore(value: string): RedisStoreOptions | undefined {
  try {
    return readStoreOption(value);
  } catch (error) {
    if (error instanceof ServeOptionError) throw new UsageError(error.message);
    throw error;
  }
}

/** The --workers value, refused with the memory store: each process would have its own, different state. */
export function readWorkers(value: string, shared: boolean): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 64) throw new UsageError(`--workers must be an integer from 1 to 64, not "${value}"`);
  if (n > 1 && !shared) {
    throw new UsageError(
      '--workers needs a shared store: with the memory store every worker would keep its own sessions, and a client ' +
        'sent to another worker would find none. Add --store redis://HOST:PORT (a Redis or Valkey server).',
    );
  }
  return n;
}

/** True in a process the primary forked to serve. */
export const isWorker = (): boolean => cluster.isWorker;

/** In a worker: tells the primary where it listens (the primary prints one line for all). */
export function reportListening(address: string): void {
  process.send?.({ kind: 'session-kit-listening', address } satisfies ListeningMessage);
}

/**
 * The primary of `--workers N`: forks N copies of this command that share the listening port (Node's cluster module
 * hands connections out round-robin), prints the "listening on" line once all listen, replaces a worker that dies,
 * and on SIGTERM/SIGINT stops them all before it exits.
 */
export function runWorkers(n: number, banner: (address: string) => void): Promise<void> {
  let closing = false;
  let listening = 0;
  const fork = () => {
    const worker = cluster.fork();
    worker.on('message', (message: ListeningMessage) => {
      if (message?.kind !== 'session-kit-listening') return;
      if (++listening === n) banner(message.address);
    });
  };
  cluster.on('exit', (worker, code, signal) => {
    if (closing) return;
    console.error(`session-kit: worker ${worker.process.pid} exited (${signal ?? code}); starting another`);
    listening--;
    fork();
  });
  for (let i = 0; i < n; i++) fork();
  const shutdown = (signal: NodeJS.Signals) => {
    if (closing) return;
    closing = true;
    console.log(`session-kit: ${signal}, closing ${n} workers`);
    const workers = Object.values(cluster.workers ?? {});
    let left = workers.length;
    if (left === 0) process.exit(0);
    for (const worker of workers) {
      worker?.once('exit', () => {
        if (--left === 0) process.exit(0);
      });
      worker?.process.kill('SIGTERM');
    }
  };
  process.once('SIGINT', () => shutdown('SIGINT'));
  process.once('SIGTERM', () => shutdown('SIGTERM'));
  return Promise.resolve();
}
