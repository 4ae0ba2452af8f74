import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';

const root = resolve(import.meta.dirname, '../..');

/** Starting a server is the conformance harness's job; the tests use the same function. */
export { startServer, type RunningServer } from '../../conformance/harness/reference-server.js';

/** Runs the CLI to completion and returns its exit code and output. */
export function runCli(args: string[], env: NodeJS.ProcessEnv = {}): Promise<{ code: number | null; output: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...args], { cwd: root, env: { ...process.env, ...env } });
  let output = '';
  child.stdout.on('data', (d) => (output += d));
  child.stderr.on('data', (d) => (output += d));
  return new Promise((done) => child.once('exit', (code) => done({ code, output })));
}

/** A command (npm, a shell, an installed bin) that starts a session-kit server somewhere below it. */
export interface StartedCommand {
  child: ChildProcess;
  /** The URL from its ready line (a server's "listening on" line by default). */
  url: string;
  /** stdout and stderr so far, interleaved. */
  output: () => string;
  /** Resolves with the command's exit code, or the signal that ended it. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/**
 * Spawns `command` and resolves once some process below it prints the `ready` line, whose first group is the URL
 * ("listening on URL" by default); rejects if the command exits first.
 */
export function startCommand(
  command: string,
  args: string[],
  options: { cwd: string; env?: NodeJS.ProcessEnv; timeoutMs?: number; ready?: RegExp },
): Promise<StartedCommand> {
  const ready = options.ready ?? /listening on (http:\/\/\S+)/;
  const child = spawn(command, args, { cwd: options.cwd, env: { ...process.env, ...options.env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((done) => child.once('exit', (code, signal) => done({ code, signal })));
  return new Promise((started, failed) => {
    const timer = setTimeout(() => failed(new Error(`${command} ${args.join(' ')}: no line matching ${ready} in time:\n${out}`)), options.timeoutMs ?? 30_000);
    const onData = () => {
      const match = ready.exec(out);
      if (!match) return;
      clearTimeout(timer);
      child.stdout!.off('data', onData);
      started({ child, url: match[1]!, output: () => out, exited });
    };
    child.stdout!.on('data', onData);
    void exited.then(({ code, signal }) => {
      clearTimeout(timer);
      failed(new Error(`${command} ${args.join(' ')} ended (${signal ?? code}) before listening:\n${out}`));
    });
  });
}

/** True while a process with this id exists and has not ended (a zombie, ended but not yet reaped, counts as ended). */
export function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
  // Without /proc (not Linux) the signal check is all there is.
  if (!existsSync('/proc/self/stat')) return true;
  try {
    // /proc/PID/stat: "pid (name) STATE ..."; Z is a zombie.
    return !/\) Z /.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}

/**
 * The pid of the session-kit server in the output (fastify's "Server listening" log line carries it). The log line
 * goes through pino's own buffered stream and can arrive just after the banner a caller waited for, so wait for it.
 */
export async function serverPid(output: () => string, timeoutMs = 10_000): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const match = /"pid":(\d+)[^\n]*Server listening/.exec(output());
    if (match) return Number(match[1]);
    if (Date.now() > deadline) throw new Error(`no "Server listening" log line with a pid in:\n${output()}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
