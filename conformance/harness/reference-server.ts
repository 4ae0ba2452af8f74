// Global setup of the conformance project: when no target was handed over by the runner, start the session-kit
// reference as a separate process (black box, fixed clock) and give the suites its target.
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { TestProject } from 'vitest/node';
import { probeTarget } from '../../src/certify/probe.js';
import { newRunTag, readTargetFile, resolveTarget, RUN_TAG_ENV, TARGET_ENV } from '../../src/certify/target.js';

const root = fileURLToPath(new URL('../..', import.meta.url));

/** A session-kit server running as a real process, from source (tsx), on a free loopback port. */
export interface RunningServer {
  url: string;
  child: ChildProcess;
  output: () => string;
  stop: (signal?: NodeJS.Signals) => Promise<number | null>;
}

/**
 * Runs the CLI with `args` and waits for its "listening on" line (or its exit). From source by default; `built` runs
 * what `npm run build` made (bin/session-kit.js and dist/), as an installed package would.
 */
export function startServer(args: string[], env: NodeJS.ProcessEnv = {}, options: { built?: boolean } = {}): Promise<RunningServer> {
  const entry = options.built ? ['bin/session-kit.js'] : ['--import', 'tsx', 'src/cli/main.ts'];
  const child = spawn(process.execPath, [...entry, ...args], {
    cwd: root,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  const exited = new Promise<number | null>((done) => child.once('exit', (code) => done(code)));
  return new Promise((resolveStart, rejectStart) => {
    const timer = setTimeout(() => rejectStart(new Error(`server did not start in time:\n${out}`)), 20_000);
    const onData = () => {
      const match = /listening on (http:\/\/\S+)/.exec(out);
      if (!match) return;
      clearTimeout(timer);
      child.stdout!.off('data', onData);
      resolveStart({
        url: match[1]!,
        child,
        output: () => out,
        stop: async (signal = 'SIGTERM') => {
          if (child.exitCode === null) child.kill(signal);
          return exited;
        },
      });
    };
    child.stdout!.on('data', onData);
    exited.then((code) => {
      clearTimeout(timer);
      rejectStart(Object.assign(new Error(`server exited with ${code}:\n${out}`), { exitCode: code, output: out }));
    });
  });
}

/** Starts `session-kit serve` on a free loopback port with a fixed clock, plus extra arguments. */
export function startReference(extraArgs: string[] = [], env: NodeJS.ProcessEnv = {}): Promise<RunningServer> {
  return startServer(['serve', '--port', '0', '--clock', 'fixed', '--log-level', 'warn', ...extraArgs], env);
}

/** Vitest global setup: provides the target as JSON; returns the teardown. */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  if (process.env[TARGET_ENV]) {
    project.provide('sessionKitTarget', process.env[TARGET_ENV]!);
    return async () => {};
  }
  const { url, child } = await startReference();
  const target = resolveTarget(readTargetFile(url), process.env);
  Object.assign(target, await probeTarget(target));
  process.env[RUN_TAG_ENV] ??= newRunTag();
  project.provide('sessionKitTarget', JSON.stringify(target));
  return async () => {
    child.kill('SIGTERM');
  };
}
