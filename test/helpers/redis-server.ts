import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Whether a real redis-server is on PATH: the Redis suites run only then (never against a mock). */
export const HAS_REDIS = spawnSync('redis-server', ['--version'], { stdio: 'ignore' }).status === 0;

/** Says loudly, once per file, that the Redis suites were skipped and how to run them. */
export function warnIfNoRedis(suite: string): void {
  if (HAS_REDIS) return;
  console.warn(
    `\n${'!'.repeat(100)}\n!!! SKIPPED: ${suite}: redis-server is not on PATH, so the shared-store (Redis) suites did not run.\n` +
      `!!! Install it (apt-get install -y redis-server) to run them; .ci/run installs it.\n${'!'.repeat(100)}\n`,
  );
}

/** A free TCP port on the loopback interface. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** A real redis-server of the test's own, on a free port, with its data in a temporary folder. */
export interface TestRedis {
  url: string;
  port: number;
  dir: string;
  /** Stops the server: SIGKILL by default (a crash; with appendfsync always, nothing acknowledged is lost). */
  stop(signal?: NodeJS.Signals): Promise<void>;
  /** Starts it again on the same port and folder (it reloads its append-only file). */
  start(): Promise<void>;
  /** Stops it and removes its folder. */
  remove(): Promise<void>;
  /** Runs one redis-cli command against it and returns the output. */
  cli(...args: string[]): string;
}

/**
 * Starts redis-server with `appendonly yes` and `appendfsync always`, so a write Redis acknowledged survives a kill
 * of the server: what the no-acknowledged-write-lost tests rely on.
 */
export async function startRedis(options: { appendfsync?: 'always' | 'everysec' } = {}): Promise<TestRedis> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'session-kit-redis-'));
  let child: ChildProcess | undefined;
  const start = () =>
    new Promise<void>((resolve, reject) => {
      const args = ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--appendonly', 'yes', '--appendfsync', options.appendfsync ?? 'always', '--save', '', '--loglevel', 'warning'];
      const proc = spawn('redis-server', args, { stdio: ['ignore', 'pipe', 'pipe'] });
      child = proc;
      let out = '';
      const timer = setTimeout(() => reject(new Error(`redis-server did not start:\n${out}`)), 10_000);
      const ready = () => {
        // Ready once it answers a PING.
        if (spawnSync('redis-cli', ['-p', String(port), 'ping'], { encoding: 'utf8' }).stdout.trim() === 'PONG') {
          clearTimeout(timer);
          resolve();
        } else setTimeout(ready, 20);
      };
      proc.stdout!.on('data', (d) => (out += d));
      proc.stderr!.on('data', (d) => (out += d));
      proc.once('exit', (code) => {
        clearTimeout(timer);
        if (child === proc) child = undefined;
        reject(new Error(`redis-server exited with ${code}:\n${out}`));
      });
      setTimeout(ready, 20);
    });
  const stop = (signal: NodeJS.Signals = 'SIGKILL') =>
    new Promise<void>((resolve) => {
      const proc = child;
      if (!proc || proc.exitCode !== null) return resolve();
      proc.once('exit', () => resolve());
      proc.kill(signal);
    });
  await start();
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    dir,
    stop,
    start,
    remove: async () => {
      await stop();
      rmSync(dir, { recursive: true, force: true });
    },
    cli: (...args) => spawnSync('redis-cli', ['-p', String(port), ...args], { encoding: 'utf8' }).stdout.trim(),
  };
}
