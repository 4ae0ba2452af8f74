/**
 * The request journal's cost (issue 13): the same session-kit build started twice, with the journal on (the default,
 * 1000 entries) and off (`--no-journal`), loaded side by side on LiveVox login and a LoudVoice session PUT. The
 * judged figure is the ratio of requests/s, on / off; the target is at most 10% fewer with the journal on.
 *
 * The two servers take turns in many short rounds, the order flipping every round, and the judged figure is the
 * median over rounds of (on / off) within the round: on a shared, noisy machine two loads a second apart see much
 * the same interference, where the best or the mean of a whole run swings by tens of percent. The servers' CPU
 * time per request (user + system, from /proc) is shown beside it: at saturation, requests/s is its inverse.
 */
import autocannon from 'autocannon';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROUTES } from './http-bench.js';
import { fmt, table, type MachineNote } from './lib/machine.js';
import { cpuTicksOf, freePort, sampleRss, startServer, stopServer, waitForQuiet, waitUntilAnswering, type ServerProcess } from './lib/processes.js';

/** The routes of the journal's cost: the login (a body with a password to keep) and the session PUT (the larger answer). */
const JOURNAL_ROUTES = ['a', 'c'];
/** At least this share of the journal-off requests/s with the journal on. */
const TARGET_RATIO = 0.9;

type Mode = 'journal on' | 'journal off';

/** One measured load. */
export interface JournalLoad {
  route: string;
  routeName: string;
  mode: Mode;
  connections: number;
  requestsPerSecond: number;
  latencyP99Ms: number;
  peakRssBytes: number;
  /** The server's CPU time (user + system) per answered request, in microseconds. */
  cpuMicrosPerRequest: number | null;
  non2xx: number;
  errors: number;
  roundsRequestsPerSecond: number[];
  /** Median over rounds of requests/s on / off within the round (the judged figure), per route. */
  pairRatio?: number;
  /** Median over rounds of server CPU per request on / off within the round. */
  cpuRatio?: number | null;
}

/** The median of a list. */
const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};

/** A judged target: the ratio on/off for one route. */
export interface JournalCheck {
  what: string;
  route: string;
  value: string;
  met: boolean;
}

export interface JournalBenchOptions {
  root: string;
  durationSec: number;
  warmupSec: number;
  rounds: number;
  connections: number;
  machine: MachineNote;
  buildNote: string;
}

/** Runs the journal's cost benchmark; the servers are stopped whatever happens. */
export async function runJournalBench(options: JournalBenchOptions): Promise<{ results: JournalLoad[]; checks: JournalCheck[]; report: string }> {
  const [onPort, offPort] = [await freePort(), await freePort()];
  const common = ['bin/session-kit.js', 'serve', '--log-level', 'warn', '--clock', 'fixed'];
  const t0 = performance.now();
  const servers: Record<Mode, ServerProcess> = {
    'journal on': startServer('session-kit (journal on)', process.execPath, [...common, '--port', String(onPort)], onPort, options.root),
    'journal off': startServer('session-kit (journal off)', process.execPath, [...common, '--port', String(offPort), '--no-journal'], offPort, options.root),
  };
  const results: JournalLoad[] = [];
  try {
    await Promise.all(Object.values(servers).map((s) => waitUntilAnswering(s, t0, 60_000, 20)));
    for (const route of ROUTES.filter((r) => JOURNAL_ROUTES.includes(r.id))) {
      const rounds: Record<Mode, JournalLoad[]> = { 'journal on': [], 'journal off': [] };
      const pairRatios: number[] = [];
      const cpuRatios: number[] = [];
      for (let round = 1; round <= options.rounds; round++) {
        const order: Mode[] = round % 2 === 1 ? ['journal on', 'journal off'] : ['journal off', 'journal on'];
        for (const mode of order) {
          const server = servers[mode];
          const load = route.load({ target: 'session-kit', lvSession: '' });
          const check = await fetch(`http://127.0.0.1:${server.port}${load.path}`, { method: load.method, headers: load.headers, body: load.body ?? null, signal: AbortSignal.timeout(5000) });
          if (check.status !== route.expectedStatus) throw new Error(`${route.name} on ${mode}: pre-check answered ${check.status}, expected ${route.expectedStatus}`);
          const request = { method: load.method, path: load.path, headers: load.headers, ...(load.body !== undefined ? { body: load.body } : {}) };
          const base = { url: `http://127.0.0.1:${server.port}`, connections: options.connections, timeout: 10, method: load.method, requests: [request] };
          await autocannon({ ...base, duration: options.warmupSec, maxOverallRequests: 400_000 * options.warmupSec });
          const rss = sampleRss(server.pid);
          const cpuBefore = cpuTicksOf(server.pid);
          const result = await autocannon({ ...base, duration: options.durationSec, maxOverallRequests: 400_000 * options.durationSec });
          const cpuAfter = cpuTicksOf(server.pid);
          const peakRssBytes = rss.stop();
          await waitForQuiet(Object.values(servers).map((s) => s.pid));
          const measured: JournalLoad = {
            route: route.id,
            routeName: route.name,
            mode,
            connections: options.connections,
            requestsPerSecond: result.requests.total / result.duration,
            latencyP99Ms: result.latency.p99,
            peakRssBytes,
            // Ticks are 1/100 s: over a 3 s load at thousands of requests/s that is well under 1% resolution.
            cpuMicrosPerRequest: cpuBefore === null || cpuAfter === null || result.requests.total === 0 ? null : ((cpuAfter - cpuBefore) * 10_000) / result.requests.total,
            non2xx: result.non2xx,
            errors: result.errors,
            roundsRequestsPerSecond: [],
          };
          rounds[mode].push(measured);
          if (rounds['journal on'].length === round && rounds['journal off'].length === round) {
            const on = rounds['journal on'][round - 1]!;
            const off = rounds['journal off'][round - 1]!;
            pairRatios.push(on.requestsPerSecond / off.requestsPerSecond);
            if (on.cpuMicrosPerRequest && off.cpuMicrosPerRequest) cpuRatios.push(on.cpuMicrosPerRequest / off.cpuMicrosPerRequest);
          }
          console.log(
            `  ${route.id} ${route.name} ${mode} (round ${round}): ${fmt.int(measured.requestsPerSecond)} req/s, server CPU ${fmt.ms(measured.cpuMicrosPerRequest)} µs/request, p99 ${measured.latencyP99Ms} ms, RSS ${fmt.mb(peakRssBytes)} MB`,
          );
        }
      }
      for (const loads of Object.values(rounds)) {
        const cpus = loads.map((l) => l.cpuMicrosPerRequest).filter((c): c is number => c !== null);
        results.push({
          ...loads[0]!,
          requestsPerSecond: median(loads.map((l) => l.requestsPerSecond)),
          latencyP99Ms: median(loads.map((l) => l.latencyP99Ms)),
          cpuMicrosPerRequest: cpus.length > 0 ? median(cpus) : null,
          non2xx: loads.reduce((n, l) => n + l.non2xx, 0),
          errors: loads.reduce((n, l) => n + l.errors, 0),
          roundsRequestsPerSecond: loads.map((l) => Math.round(l.requestsPerSecond)),
          peakRssBytes: Math.max(...loads.map((l) => l.peakRssBytes)),
          pairRatio: median(pairRatios),
          cpuRatio: cpuRatios.length > 0 ? median(cpuRatios) : null,
        });
      }
    }
  } finally {
    for (const server of Object.values(servers)) stopServer(server);
  }
  const checks: JournalCheck[] = [];
  const rows = [['route', 'on/off req/s', 'CPU µs/req on/off', 'CPU on/off', 'median req/s on', 'off', 'p99 on/off ms', 'RSS on/off MB', 'flags']];
  for (const id of JOURNAL_ROUTES) {
    const on = results.find((r) => r.route === id && r.mode === 'journal on');
    const off = results.find((r) => r.route === id && r.mode === 'journal off');
    if (!on || !off) continue;
    const ratio = on.pairRatio ?? on.requestsPerSecond / off.requestsPerSecond;
    const flags = [on, off].filter((r) => r.non2xx + r.errors > 0).map((r) => `${r.mode}: ${r.non2xx} non-2xx, ${r.errors} errors`);
    checks.push({ what: `req/s with the journal >= ${TARGET_RATIO * 100}% of without (${options.connections} conn)`, route: `${id} ${on.routeName}`, value: `${(ratio * 100).toFixed(1)}%`, met: ratio >= TARGET_RATIO && flags.length === 0 });
    rows.push([
      `${id} ${on.routeName}`,
      `${(ratio * 100).toFixed(1)}%`,
      `${fmt.ms(on.cpuMicrosPerRequest)}/${fmt.ms(off.cpuMicrosPerRequest)}`,
      on.cpuRatio ? `${(on.cpuRatio * 100).toFixed(1)}%` : '-',
      fmt.int(on.requestsPerSecond),
      fmt.int(off.requestsPerSecond),
      `${on.latencyP99Ms}/${off.latencyP99Ms}`,
      `${fmt.mb(on.peakRssBytes)}/${fmt.mb(off.peakRssBytes)}`,
      flags.join('; '),
    ]);
  }
  const m = options.machine;
  const report = [
    `Journal cost: session-kit with the journal on (default, 1000 entries) and off (--no-journal), ${options.connections} connections, ${options.durationSec} s per load after a ${options.warmupSec} s warm-up, ${options.rounds} rounds (order flipping each round)`,
    'on/off req/s: median over rounds of the ratio within each round (judged); CPU: the server process, user + system, per request (median)',
    `machine: ${m.cpuModel}, ${m.cores} cores, ${m.memoryGiB} GiB, node ${m.node}, ${m.date}; ${options.buildNote}`,
    '',
    table(rows, 1),
    '',
    table([['target', 'route', 'value', 'met'], ...checks.map((c) => [c.what, c.route, c.value, c.met ? 'yes' : 'NO'])], 2),
  ].join('\n');
  return { results, checks, report };
}

/** Writes the journal results file. */
export function writeJournalResults(root: string, data: unknown): string {
  const file = join(root, 'bench', 'results', 'journal-latest.json');
  writeFileSync(file, `${JSON.stringify(data, null, 2)}\n`);
  return file;
}
