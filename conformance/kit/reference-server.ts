// Global setup of the conformance project: when no target was handed over by the runner, start the session-kit
// reference as a separate process (black box, fixed clock) and give the suites its target.
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { TestProject } from 'vitest/node';
import { readTargetFile, resolveTarget, TARGET_ENV } from '../../src/kit/target.js';

const root = fileURLToPath(new URL('../..', import.meta.url));

/** Starts `session-kit serve` on a free loopback port with extra arguments; resolves with its URL and process. */
export function startReference(extraArgs: string[] = [], env: NodeJS.ProcessEnv = {}): Promise<{ url: string; child: ChildProcess }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'serve', '--port', '0', '--clock', 'fixed', '--log-level', 'warn', ...extraArgs], {
    cwd: root,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  return new Promise((done, fail) => {
    const timer = setTimeout(() => fail(new Error(`reference server did not start:\n${out}`)), 30_000);
    const onData = (d: Buffer) => {
      out += d;
      const match = /listening on (http:\/\/\S+)/.exec(out);
      if (match) {
        clearTimeout(timer);
        child.stdout!.off('data', onData);
        done({ url: match[1]!, child });
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', (d) => (out += d));
    child.once('exit', (code) => {
      clearTimeout(timer);
      fail(new Error(`reference server exited with ${code}:\n${out}`));
    });
  });
}

/** Vitest global setup: provides the target as JSON; returns the teardown. */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  if (process.env[TARGET_ENV]) {
    project.provide('sessionKitTarget', process.env[TARGET_ENV]!);
    return async () => {};
  }
  const { url, child } = await startReference();
  project.provide('sessionKitTarget', JSON.stringify(resolveTarget(readTargetFile(url), process.env)));
  return async () => {
    child.kill('SIGTERM');
  };
}
