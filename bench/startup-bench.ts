/**
 * Start-up time: from spawning a server to its first answered HTTP request (any status), polled every 5 ms.
 * The median of several starts of session-kit, bare fastify and a Prism mock of each contract, interleaved so that a
 * slow moment of the shared machine hits every server alike.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { fmt, table } from './lib/machine.js';
import { freePort, startServer, stopServer, waitUntilAnswering } from './lib/processes.js';

/** The start-up figures of one server. */
export interface StartupResult {
  server: string;
  command: string;
  samplesMs: number[];
  medianMs: number;
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
};

/** Measures the start-up time of each server `runs` times. */
export async function runStartupBench(root: string, runs: number): Promise<{ results: StartupResult[]; conformanceRunMs: number; report: string; checks: { what: string; value: string; met: boolean | null }[] }> {
  const prism = join(root, 'node_modules', '.bin', 'prism');
  const servers: { name: string; command: string; args: (port: number) => string[] }[] = [
    { name: 'session-kit (both APIs)', command: process.execPath, args: (p) => ['bin/session-kit.js', 'serve', '--port', String(p), '--log-level', 'warn'] },
    { name: 'bare fastify', command: process.execPath, args: (p) => ['bench/baseline-server.mjs', String(p)] },
    { name: 'prism mock livevox-session.yaml', command: prism, args: (p) => ['mock', '-p', String(p), '-v', 'warn', 'openapi/livevox-session.yaml'] },
    { name: 'prism mock loudvoice.yaml', command: prism, args: (p) => ['mock', '-p', String(p), '-v', 'warn', 'openapi/loudvoice.yaml'] },
  ];
  const samples = new Map<string, number[]>(servers.map((s) => [s.name, []]));
  for (let run = 0; run < runs; run++) {
    for (const s of servers) {
      const port = await freePort();
      const t0 = performance.now();
      const server = startServer(s.name, s.command, s.args(port), port, root);
      try {
        samples.get(s.name)!.push(await waitUntilAnswering(server, t0, 30_000, 5));
      } finally {
        stopServer(server);
        // Let it exit before the next start, so two servers never compete for the 2 cores.
        await new Promise<void>((resolve) => (server.child.exitCode !== null ? resolve() : server.child.once('exit', () => resolve())));
      }
    }
  }
  const results: StartupResult[] = servers.map((s) => ({
    server: s.name,
    command: [s.command === process.execPath ? 'node' : 'prism', ...s.args(0).map((a) => (a === '0' ? 'PORT' : a))].join(' '),
    samplesMs: samples.get(s.name)!.map((x) => Math.round(x * 10) / 10),
    medianMs: Math.round(median(samples.get(s.name)!) * 10) / 10,
  }));
  const sk = results[0]!;
  const conformanceMs = await timeConformanceRun(root);
  const checks = [
    { what: 'first request answered within 500 ms of start', value: `${fmt.int(sk.medianMs)} ms (median of ${runs})`, met: sk.medianMs < 500 },
    { what: 'default conformance run under 60 s', value: `${(conformanceMs / 1000).toFixed(1)} s`, met: conformanceMs < 60_000 },
  ];
  const rows = [
    ['server', `median ms (of ${runs})`, 'vs session-kit', 'samples ms'],
    ...results.map((r) => [r.server, fmt.int(r.medianMs), fmt.ratio(r.medianMs / sk.medianMs), r.samplesMs.map((x) => fmt.int(x)).join(' ')]),
  ];
  const report = [
    'Start-up: spawn to first answered request (any status), polled every 5 ms',
    '',
    table(rows, 1),
    '',
    `Conformance run (full default suite, both APIs, as npm start serves them): ${(conformanceMs / 1000).toFixed(1)} s`,
    '',
    table([['target', 'value', 'met'], ...checks.map((c) => [c.what, c.value, c.met === null ? 'n/a' : c.met ? 'yes' : 'NO'])], 1),
  ].join('\n');
  return { results, conformanceRunMs: Math.round(conformanceMs), report, checks };
}

/**
 * The wall time of `session-kit conformance --target URL` with its defaults against a fresh `session-kit serve`
 * (system clock, as `npm start` runs it), the run the README shows. Throws when the run does not pass.
 */
async function timeConformanceRun(root: string): Promise<number> {
  const port = await freePort();
  const server = startServer('session-kit', process.execPath, ['bin/session-kit.js', 'serve', '--port', String(port), '--log-level', 'warn'], port, root);
  try {
    await waitUntilAnswering(server, performance.now(), 30_000, 5);
    const t0 = performance.now();
    const child = spawn(process.execPath, ['bin/session-kit.js', 'conformance', '--target', `http://127.0.0.1:${port}`], { cwd: root, stdio: 'ignore' });
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    const ms = performance.now() - t0;
    if (code !== 0) throw new Error(`the default conformance run failed (exit ${code})`);
    return ms;
  } finally {
    stopServer(server);
  }
}
