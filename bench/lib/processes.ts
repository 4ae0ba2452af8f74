import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { request } from 'node:http';
import { createServer } from 'node:net';

/** A server process the benchmark started: stopped again however the benchmark ends. */
export interface ServerProcess {
  name: string;
  child: ChildProcess;
  pid: number;
  port: number;
  /** The last lines it wrote, for the error message when it does not come up. */
  output: () => string;
}

const running = new Set<ServerProcess>();
let cleanupInstalled = false;

/** Kills one server's process group (it was started detached, so its group id is its pid). */
export function stopServer(server: ServerProcess): void {
  if (!running.delete(server)) return;
  try {
    process.kill(-server.pid, 'SIGTERM');
  } catch {
    /* already gone */
  }
  // Anything that ignores SIGTERM for a second is killed outright.
  const timer = setTimeout(() => {
    try {
      process.kill(-server.pid, 'SIGKILL');
    } catch {
      /* gone */
    }
  }, 1000);
  timer.unref();
}

/** Stops every server still running; synchronous, so it also works from an 'exit' handler. */
export function stopAll(): void {
  for (const server of [...running]) {
    running.delete(server);
    try {
      process.kill(-server.pid, 'SIGKILL');
    } catch {
      /* gone */
    }
  }
}

/** Makes sure no server outlives the benchmark: normal exit, an exception, ctrl-c or a kill. */
function installCleanup(): void {
  if (cleanupInstalled) return;
  cleanupInstalled = true;
  process.on('exit', stopAll);
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.once(signal, () => {
      console.error(`\nbench: ${signal}, stopping ${running.size} server(s)`);
      stopAll();
      process.exit(130);
    });
  }
  process.on('uncaughtException', (error) => {
    console.error(error);
    stopAll();
    process.exit(1);
  });
  process.on('unhandledRejection', (error) => {
    console.error(error);
    stopAll();
    process.exit(1);
  });
}

/** A port that is free on loopback right now. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** Starts a server in its own process group; does not wait for it to listen. */
export function startServer(name: string, command: string, args: string[], port: number, cwd: string): ServerProcess {
  installCleanup();
  const child = spawn(command, args, { cwd, detached: true, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NODE_ENV: 'production' } });
  if (child.pid === undefined) throw new Error(`${name}: could not be started (${command})`);
  let tail = '';
  const keep = (chunk: Buffer) => {
    tail = (tail + chunk.toString()).slice(-4000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const server: ServerProcess = { name, child, pid: child.pid, port, output: () => tail };
  running.add(server);
  child.once('exit', () => running.delete(server));
  return server;
}

/** One HTTP request on loopback; resolves with the status, or null when nothing answered. */
export function probe(port: number, path = '/', timeoutMs = 500): Promise<number | null> {
  return new Promise((resolve) => {
    const req = request({ host: '127.0.0.1', port, path, method: 'GET', agent: false, timeout: timeoutMs }, (res) => {
      res.resume();
      resolve(res.statusCode ?? null);
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(null));
    req.end();
  });
}

/** Polls until the server answers any HTTP request; returns ms from `since` (a performance.now() value). */
export async function waitUntilAnswering(server: ServerProcess, since: number, limitMs = 30_000, intervalMs = 5): Promise<number> {
  for (;;) {
    if (server.child.exitCode !== null) throw new Error(`${server.name} exited with ${server.child.exitCode}:\n${server.output()}`);
    if ((await probe(server.port, '/', 250)) !== null) return performance.now() - since;
    if (performance.now() - since > limitMs) throw new Error(`${server.name} did not answer within ${limitMs} ms:\n${server.output()}`);
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

/** Resident set size of a process in bytes (VmRSS), or null when it is gone. */
export function rssOf(pid: number): number | null {
  return statusField(pid, 'VmRSS');
}

/** Peak resident set size of a process since it started, in bytes (VmHWM). */
export function hwmOf(pid: number): number | null {
  return statusField(pid, 'VmHWM');
}

function statusField(pid: number, field: string): number | null {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const match = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status);
    return match ? Number(match[1]) * 1024 : null;
  } catch {
    return null;
  }
}

/** Samples a process's RSS every `everyMs` until stopped; `stop()` returns the peak seen. */
export function sampleRss(pid: number, everyMs = 50): { stop: () => number } {
  let peak = rssOf(pid) ?? 0;
  const timer = setInterval(() => {
    const rss = rssOf(pid);
    if (rss !== null && rss > peak) peak = rss;
  }, everyMs);
  return {
    stop: () => {
      clearInterval(timer);
      const rss = rssOf(pid);
      return rss !== null && rss > peak ? rss : peak;
    },
  };
}

/** CPU time a process has used (user + system), in clock ticks (1/100 s on Linux); null off Linux. */
export function cpuTicksOf(pid: number): number | null {
  try {
    // Fields after the command name (which may hold spaces) start at ") "; utime and stime are the 12th and 13th.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return Number(fields[11]) + Number(fields[12]);
  } catch {
    return null;
  }
}

/**
 * Waits until the processes have gone quiet (under 10% of a core over 200 ms), at most `maxMs`: a server that has
 * just been loaded still collects garbage or flushes logs, and on 2 cores that would be charged to the next load.
 */
export async function waitForQuiet(pids: number[], maxMs = 3000): Promise<void> {
  const deadline = performance.now() + maxMs;
  while (performance.now() < deadline) {
    const before = pids.map(cpuTicksOf);
    await new Promise((r) => setTimeout(r, 200));
    const after = pids.map(cpuTicksOf);
    if (before.some((b) => b === null)) return;
    if (after.every((a, i) => a === null || a - before[i]! <= 2)) return;
  }
}
