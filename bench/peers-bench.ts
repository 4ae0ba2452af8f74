/**
 * session-kit against its peers (issue 20): the build in dist/ with the request journal on (the default) and off, a
 * bare fastify route answering the same bytes, and WireMock standalone with the stubs an integrator would write
 * (bench/peers-stubs.ts), each loaded in turn at 50 connections on LiveVox login, the protected read and the LoudVoice
 * session PUT of an existing author. Then spawn → first successful answer, for session-kit, bare fastify and WireMock.
 *
 * Every server is first warmed on each route until it stops improving (the JVM's JIT takes tens of seconds; the Node
 * servers get the same treatment, for fairness), then loaded in rounds taking turns, the best round counting. Beside
 * requests/s and p99, the server process's own CPU time per request: on 2 shared cores the client (autocannon, in
 * this process) takes one of them, so requests per server CPU-second is the figure that carries to a bigger machine.
 * Without Java or the wiremock package's jar, WireMock is skipped with the reason and the rest is still measured.
 */
import autocannon, { type Result } from 'autocannon';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Load } from './http-bench.js';
import { fmt, type MachineNote } from './lib/machine.js';
import { cpuTicksOf, freePort, probe, rssOf, startServer, stopServer, waitForQuiet, waitUntilAnswering, type ServerProcess } from './lib/processes.js';
import { loadStubs, resetRequestJournal, wiremockArgs, wiremockAvailability, type WiremockAvailability } from './lib/wiremock.js';
import { loginSession, PEER_ROUTES, peerLoad, recordStubs, send, type PeerRoute } from './peers-stubs.js';

/** The servers compared; the two WireMocks differ only in their request journal. */
export type PeerTarget = 'session-kit' | 'session-kit --no-journal' | 'bare fastify' | 'wiremock' | 'wiremock --no-request-journal';

/** The targets judged against each figure of issue 20. */
export const PEER_TARGETS = {
  journalOnOff: 0.9,
  versusWiremock: 1.1,
  versusBare: 0.75,
  firstAnswerMs: 500,
} as const;

/** Settings of one run. */
export interface PeersBenchOptions {
  root: string;
  /** Seconds of each measured round. */
  durationSec: number;
  /** Measured rounds per server and route (the servers take turns; the best round counts). */
  rounds: number;
  /** Seconds of each warm-up round. */
  warmupRoundSec: number;
  /** At most this many seconds of warm-up per server and route. */
  warmupCapSec: number;
  connections: number;
  startupRuns: number;
  routes: string[];
  machine: MachineNote;
  buildNote: string;
}

/** One load of one server. */
export interface PeerRound {
  round: number;
  requestsPerSecond: number;
  latencyP50Ms: number;
  latencyP99Ms: number;
  totalRequests: number;
  /** The server process's CPU time (user + system, all its threads) per answered request, in microseconds. */
  cpuMicrosPerRequest: number | null;
  non2xx: number;
  errors: number;
  timeouts: number;
}

/** How a server was warmed on a route: requests/s of each warm-up round, and whether it stopped improving in time. */
export interface PeerWarmup {
  roundsRequestsPerSecond: number[];
  seconds: number;
  stable: boolean;
}

/** One server on one route: its warm-up, every measured round, and the best of them. */
export interface PeerResult {
  route: string;
  routeName: string;
  target: PeerTarget;
  /** Why it was not measured on this route (pre-check answered something else). */
  skipped?: string;
  warmup?: PeerWarmup;
  rounds: PeerRound[];
  best?: PeerRound;
  /** VmRSS of the server after the route's rounds. */
  rssBytes?: number | null;
  /** Set when any measured response was not 2xx or a connection failed: the figures are suspect. */
  flag?: string;
}

/** Spawn → first successful (2xx) answer of one server, several starts. */
export interface FirstAnswer {
  server: string;
  samplesMs: number[];
  medianMs: number;
}

/** A judged figure: ✓, ✗, or null when it could not be measured (e.g. WireMock skipped). */
export interface PeerCheck {
  what: string;
  route: string;
  value: string;
  target: string;
  met: boolean | null;
}

interface TargetSpec {
  name: PeerTarget;
  command: string;
  args: (port: number) => string[];
  /** The path polled for the first successful answer at start-up. */
  healthPath: string;
  /** Run before every load, outside the timed window. */
  beforeLoad?: (port: number) => Promise<void>;
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};

/** The servers of the run, in the order they take turns; the WireMocks only where Java and the jar are there. */
function targetSpecs(wiremock: WiremockAvailability): TargetSpec[] {
  // --clock fixed: the answers are then the same bytes every time, so the stubs and bare fastify can answer them too.
  const sessionKit = (extra: string[]) => (port: number) => ['bin/session-kit.js', 'serve', '--port', String(port), '--log-level', 'warn', '--clock', 'fixed', ...extra];
  const specs: TargetSpec[] = [
    { name: 'session-kit', command: process.execPath, args: sessionKit([]), healthPath: '/__admin/health' },
    { name: 'session-kit --no-journal', command: process.execPath, args: sessionKit(['--no-journal']), healthPath: '/__admin/health' },
    { name: 'bare fastify', command: process.execPath, args: (port) => ['bench/baseline-server.mjs', String(port)], healthPath: '/' },
  ];
  if (wiremock.ok) {
    specs.push(
      // Its journal on, as by default (the like-for-like with ours on), and unbounded as by default; emptied before
      // every load, as an integrator's tests do between tests, so its heap does not grow through the whole run (which
      // would slow it down round after round and flatter session-kit). Ours is a ring of 1000 entries.
      { name: 'wiremock', command: 'java', args: (port) => wiremockArgs(wiremock.jar, port, { requestJournal: true }), healthPath: '/__admin/health', beforeLoad: resetRequestJournal },
      { name: 'wiremock --no-request-journal', command: 'java', args: (port) => wiremockArgs(wiremock.jar, port, { requestJournal: false }), healthPath: '/__admin/health' },
    );
  }
  return specs;
}

/** One autocannon load of `seconds` on a server, with the server's CPU time read from /proc before and after. */
async function load(server: ServerProcess, spec: TargetSpec, request: Load, connections: number, seconds: number, round: number): Promise<PeerRound> {
  await spec.beforeLoad?.(server.port);
  const cpuBefore = cpuTicksOf(server.pid);
  const result: Result = await autocannon({
    url: `http://127.0.0.1:${server.port}`,
    connections,
    duration: seconds,
    // Bounded in count as well as time: no load can run away on a fast machine.
    maxOverallRequests: 400_000 * seconds,
    timeout: 10,
    method: request.method,
    requests: [{ method: request.method, path: request.path, headers: request.headers, ...(request.body !== undefined ? { body: request.body } : {}) }],
  });
  const cpuAfter = cpuTicksOf(server.pid);
  const total = result.requests.total;
  return {
    round,
    requestsPerSecond: total / result.duration,
    latencyP50Ms: result.latency.p50,
    latencyP99Ms: result.latency.p99,
    totalRequests: total,
    // Ticks are 1/100 s: over 5 s at thousands of requests/s, well under 1% resolution.
    cpuMicrosPerRequest: cpuBefore === null || cpuAfter === null || total === 0 ? null : ((cpuAfter - cpuBefore) * 10_000) / total,
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
  };
}

/**
 * Loads a server in short rounds until two rounds in a row each improve by less than 3% on the round before (at
 * least three rounds), or the cap is reached.
 */
async function warmUp(server: ServerProcess, spec: TargetSpec, request: Load, options: PeersBenchOptions): Promise<PeerWarmup> {
  const rates: number[] = [];
  const t0 = performance.now();
  for (;;) {
    rates.push((await load(server, spec, request, options.connections, options.warmupRoundSec, 0)).requestsPerSecond);
    const n = rates.length;
    const gain = (i: number) => rates[i]! / rates[i - 1]! - 1;
    const stable = n >= 3 && gain(n - 1) < 0.03 && gain(n - 2) < 0.03;
    const elapsedSec = (performance.now() - t0) / 1000;
    if (stable || elapsedSec + options.warmupRoundSec > options.warmupCapSec) {
      return { roundsRequestsPerSecond: rates.map(Math.round), seconds: Math.round(elapsedSec * 10) / 10, stable };
    }
  }
}

/** Spawn → first 2xx answer on the server's health path, polled every 5 ms; one start at a time, interleaved. */
async function measureFirstAnswers(specs: TargetSpec[], options: PeersBenchOptions): Promise<FirstAnswer[]> {
  const samples = new Map<string, number[]>(specs.map((s) => [s.name, []]));
  for (let run = 0; run < options.startupRuns; run++) {
    for (const spec of specs) {
      const port = await freePort();
      const t0 = performance.now();
      const server = startServer(spec.name, spec.command, spec.args(port), port, options.root);
      try {
        for (;;) {
          const status = await probe(port, spec.healthPath, 250);
          if (status !== null && status >= 200 && status < 300) break;
          if (server.child.exitCode !== null) throw new Error(`${spec.name} exited with ${server.child.exitCode}:\n${server.output()}`);
          if (performance.now() - t0 > 120_000) throw new Error(`${spec.name} gave no 2xx within 120 s:\n${server.output()}`);
          await new Promise((r) => setTimeout(r, 5));
        }
        samples.get(spec.name)!.push(Math.round((performance.now() - t0) * 10) / 10);
      } finally {
        stopServer(server);
        // Let it exit before the next start, so two servers never compete for the 2 cores.
        await new Promise<void>((resolve) => (server.child.exitCode !== null ? resolve() : server.child.once('exit', () => resolve())));
      }
    }
  }
  return specs.map((s) => ({ server: s.name, samplesMs: samples.get(s.name)!, medianMs: median(samples.get(s.name)!) }));
}

/** Runs the whole comparison; every server it starts is stopped whatever happens. */
export async function runPeersBench(
  options: PeersBenchOptions,
): Promise<{ wiremock: WiremockAvailability; firstAnswers: FirstAnswer[]; results: PeerResult[]; checks: PeerCheck[]; report: string }> {
  const wiremock = wiremockAvailability(options.root);
  console.log(wiremock.ok ? `  WireMock: ${wiremock.jar.replace(`${options.root}/`, '')} on ${wiremock.java}` : `  WireMock SKIPPED: ${wiremock.reason}`);
  const specs = targetSpecs(wiremock);

  // First, while nothing else of ours runs: start-up of session-kit, bare fastify and (for reference) WireMock.
  const firstAnswers = await measureFirstAnswers(specs.filter((s) => s.name !== 'session-kit --no-journal' && s.name !== 'wiremock --no-request-journal'), options);
  for (const f of firstAnswers) console.log(`  first answer after start, ${f.server}: median ${fmt.int(f.medianMs)} ms (${f.samplesMs.map((x) => fmt.int(x)).join(' ')})`);

  const ports = await Promise.all(specs.map(() => freePort()));
  const t0 = performance.now();
  const servers = new Map<PeerTarget, ServerProcess>(specs.map((s, i) => [s.name, startServer(s.name, s.command, s.args(ports[i]!), ports[i]!, options.root)]));
  const results: PeerResult[] = [];
  try {
    await Promise.all([...servers.values()].map((s) => waitUntilAnswering(s, t0, 120_000, 20)));
    const server = (target: PeerTarget) => servers.get(target)!;
    const pids = [...servers.values()].map((s) => s.pid);

    // The stubs, and the bytes every server must answer, are what session-kit (journal on) answers.
    const recorded = await recordStubs(server('session-kit').port);
    for (const target of ['wiremock', 'wiremock --no-request-journal'] as const) if (servers.has(target)) await loadStubs(server(target).port, recorded.stubs);
    // One login per server for the protected read; the WireMocks' login stub answers session-kit's session id.
    const lvSession = new Map<PeerTarget, string>(specs.map((s) => [s.name, recorded.lvSession]));
    lvSession.set('session-kit --no-journal', await loginSession(server('session-kit --no-journal').port));

    for (const route of PEER_ROUTES.filter((r) => options.routes.includes(r.id))) {
      const expected = recorded.exchanges.find((e) => e.name === `${route.id} ${route.name}`)!.response;
      await setBareAnswer(server('bare fastify').port, expected.status, JSON.parse(expected.body));
      const active: TargetSpec[] = [];
      const byTarget = new Map<PeerTarget, PeerResult>();
      for (const spec of specs) {
        const result: PeerResult = { route: route.id, routeName: route.name, target: spec.name, rounds: [] };
        byTarget.set(spec.name, result);
        results.push(result);
        const skipped = await preCheck(server(spec.name), route, peerLoad(route, lvSession.get(spec.name)!), spec.name, expected);
        if (skipped) {
          result.skipped = skipped;
          console.log(`  ${route.id} ${route.name}, ${spec.name}: SKIPPED, ${skipped}`);
          continue;
        }
        active.push(spec);
        result.warmup = await warmUp(server(spec.name), spec, peerLoad(route, lvSession.get(spec.name)!), options);
        await waitForQuiet(pids);
        const w = result.warmup;
        console.log(`  ${route.id} ${route.name}, ${spec.name}: warm after ${w.seconds} s${w.stable ? '' : ' (cap reached, still improving)'}: ${w.roundsRequestsPerSecond.map((x) => fmt.int(x)).join(' → ')} req/s`);
      }
      for (let round = 1; round <= options.rounds; round++) {
        // The order flips every round, so a slow moment of the shared machine does not always hit the same server.
        for (const spec of round % 2 === 1 ? active : [...active].reverse()) {
          const target = spec.name;
          const measured = await load(server(target), spec, peerLoad(route, lvSession.get(target)!), options.connections, options.durationSec, round);
          byTarget.get(target)!.rounds.push(measured);
          await waitForQuiet(pids);
          console.log(
            `  ${route.id} ${route.name}, ${target} (round ${round}): ${fmt.int(measured.requestsPerSecond)} req/s, p99 ${measured.latencyP99Ms} ms, server CPU ${fmt.ms(measured.cpuMicrosPerRequest)} µs/request`,
          );
        }
      }
      for (const { name: target } of active) {
        const result = byTarget.get(target)!;
        result.best = result.rounds.reduce((a, b) => (b.requestsPerSecond > a.requestsPerSecond ? b : a));
        result.rssBytes = rssOf(server(target).pid);
        const bad = result.rounds.reduce((n, r) => n + r.non2xx + r.errors + r.timeouts, 0);
        if (bad > 0) result.flag = `${bad} non-2xx, errors or timeouts`;
      }
    }
  } finally {
    for (const s of servers.values()) stopServer(s);
  }
  const checks = judge(results, firstAnswers, wiremock, options);
  return { wiremock, firstAnswers, results, checks, report: render(results, firstAnswers, checks, wiremock, options) };
}

/** Points the bare fastify baseline at the exact status and body session-kit answered (bench/baseline-server.mjs). */
async function setBareAnswer(port: number, status: number, body: unknown): Promise<void> {
  const res = await fetch(`http://127.0.0.1:${port}/__baseline/response`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ status, body }),
    signal: AbortSignal.timeout(5000),
  });
  if (!res.ok) throw new Error(`the bare baseline refused its response (${res.status})`);
}

/**
 * One request before any load: every server must answer the route's status, and bare fastify and the WireMocks
 * session-kit's exact bytes, or they would be timed on a different answer. Returns why not, or undefined.
 */
async function preCheck(server: ServerProcess, route: PeerRoute, request: Load, target: PeerTarget, expected: { status: number; body: string }): Promise<string | undefined> {
  const answer = await send(server.port, request).catch((e: Error) => ({ status: 0, body: e.message, contentType: '' }));
  if (answer.status !== route.expectedStatus) return `pre-check answered ${answer.status}, expected ${route.expectedStatus}: ${answer.body.slice(0, 200)}`;
  // session-kit without the journal has its own session id, so only the same status is asked of it.
  if (target !== 'session-kit --no-journal' && answer.body !== expected.body) return `pre-check answered other bytes than session-kit: ${answer.body.slice(0, 200)}`;
  return undefined;
}

const find = (results: PeerResult[], route: string, target: PeerTarget) => results.find((r) => r.route === route && r.target === target)?.best;
/** Requests per second of server CPU time. */
const perCpuSecond = (r: PeerRound | undefined) => (r?.cpuMicrosPerRequest ? 1_000_000 / r.cpuMicrosPerRequest : undefined);
const ratio = (a: number | undefined, b: number | undefined) => (a !== undefined && b !== undefined && b > 0 ? a / b : undefined);

/** Every figure of issue 20 against its target. */
function judge(results: PeerResult[], firstAnswers: FirstAnswer[], wiremock: WiremockAvailability, options: PeersBenchOptions): PeerCheck[] {
  const checks: PeerCheck[] = [];
  const noWiremock = wiremock.ok ? 'not measured' : 'WireMock skipped (the reason is above the table)';
  const atLeast = (what: string, route: string, value: number | undefined, target: number, missing = 'not measured') =>
    checks.push({ what, route, value: value === undefined ? missing : fmt.ratio(value), target: `≥ ${fmt.ratio(target)}`, met: value === undefined ? null : value >= target });
  for (const route of PEER_ROUTES.filter((r) => options.routes.includes(r.id))) {
    const label = `${route.id} ${route.name}`;
    const sk = find(results, route.id, 'session-kit');
    const off = find(results, route.id, 'session-kit --no-journal');
    const bare = find(results, route.id, 'bare fastify');
    const wm = find(results, route.id, 'wiremock');
    atLeast('req/s, journal on / off', label, ratio(sk?.requestsPerSecond, off?.requestsPerSecond), PEER_TARGETS.journalOnOff);
    atLeast('req/s, session-kit / WireMock', label, ratio(sk?.requestsPerSecond, wm?.requestsPerSecond), PEER_TARGETS.versusWiremock, noWiremock);
    atLeast('req per server CPU-second, session-kit / WireMock', label, ratio(perCpuSecond(sk), perCpuSecond(wm)), PEER_TARGETS.versusWiremock, noWiremock);
    atLeast('req/s, session-kit / bare fastify (same bytes)', label, ratio(sk?.requestsPerSecond, bare?.requestsPerSecond), PEER_TARGETS.versusBare);
    checks.push({
      what: 'p99, session-kit vs WireMock',
      route: label,
      value: sk && wm ? `${sk.latencyP99Ms} vs ${wm.latencyP99Ms} ms` : noWiremock,
      target: '≤',
      met: sk && wm ? sk.latencyP99Ms <= wm.latencyP99Ms : null,
    });
  }
  for (const f of firstAnswers.filter((f) => f.server === 'session-kit')) {
    checks.push({ what: 'first answer after start (median)', route: '-', value: `${fmt.int(f.medianMs)} ms`, target: `< ${PEER_TARGETS.firstAnswerMs} ms`, met: f.medianMs < PEER_TARGETS.firstAnswerMs });
  }
  for (const r of results.filter((r) => r.flag)) checks.push({ what: `every response 2xx (${r.target})`, route: `${r.route} ${r.routeName}`, value: r.flag!, target: '0', met: false });
  return checks;
}

/** Renders rows as a Markdown table (first row is the header; columns from `rightFrom` on are right-aligned). */
function markdownTable(rows: string[][], rightFrom = 1): string {
  const [head, ...body] = rows;
  const line = (r: string[]) => `| ${r.join(' | ')} |`;
  return [line(head!), line(head!.map((_, i) => (i >= rightFrom ? '---:' : '---'))), ...body.map(line)].join('\n');
}

function render(results: PeerResult[], firstAnswers: FirstAnswer[], checks: PeerCheck[], wiremock: WiremockAvailability, options: PeersBenchOptions): string {
  const rows = [['route', 'server', 'req/s', 'p99 ms', 'CPU µs/req', 'req per CPU-s', 'RSS MB', 'warm-up', 'rounds req/s']];
  for (const r of results) {
    const b = r.best;
    const warm = r.warmup ? `${r.warmup.seconds} s${r.warmup.stable ? '' : ' (cap)'}` : '-';
    rows.push(
      r.skipped || !b
        ? [`${r.route} ${r.routeName}`, r.target, 'skipped', '-', '-', '-', '-', '-', r.skipped ?? '']
        : [
            `${r.route} ${r.routeName}`,
            `${r.target}${r.flag ? ` ⚠ ${r.flag}` : ''}`,
            fmt.int(b.requestsPerSecond),
            String(b.latencyP99Ms),
            fmt.ms(b.cpuMicrosPerRequest),
            fmt.int(perCpuSecond(b)),
            fmt.mb(r.rssBytes),
            warm,
            r.rounds.map((x) => fmt.int(x.requestsPerSecond)).join(' / '),
          ],
    );
  }
  const mark = (met: boolean | null) => (met === null ? 'n/a' : met ? '✓' : '✗');
  const checkRows = [['figure', 'route', 'value', 'target', 'met'], ...checks.map((c) => [c.what, c.route, c.value, c.target, mark(c.met)])];
  const startRows = [
    ['server', `first answer, median of ${options.startupRuns}`, 'samples ms'],
    ...firstAnswers.map((f) => [f.server, `${fmt.int(f.medianMs)} ms`, f.samplesMs.map((x) => fmt.int(x)).join(' ')]),
  ];
  // Reference only: what WireMock's journal costs it, next to what ours costs us.
  const reference: string[] = [];
  for (const route of PEER_ROUTES.filter((r) => options.routes.includes(r.id))) {
    const sk = find(results, route.id, 'session-kit');
    const wmOff = find(results, route.id, 'wiremock --no-request-journal');
    const wm = find(results, route.id, 'wiremock');
    if (sk && wmOff && wm) {
      reference.push(
        `- ${route.id} ${route.name}: session-kit / WireMock without its journal ${fmt.ratio(ratio(sk.requestsPerSecond, wmOff.requestsPerSecond))} req/s, ${fmt.ratio(ratio(perCpuSecond(sk), perCpuSecond(wmOff)))} per CPU-second; WireMock journal on / off ${fmt.ratio(ratio(wm.requestsPerSecond, wmOff.requestsPerSecond))} req/s`,
      );
    }
  }
  const m = options.machine;
  return [
    `Peers: ${options.connections} connections, warm-up rounds of ${options.warmupRoundSec} s until two in a row improve < 3% (cap ${options.warmupCapSec} s), then best of ${options.rounds} rounds of ${options.durationSec} s, servers taking turns; loopback, autocannon in the benchmark process`,
    `machine: ${m.cpuModel}, ${m.cores} cores, ${m.memoryGiB} GiB, node ${m.node}, ${m.date}; ${options.buildNote}`,
    wiremock.ok
      ? `wiremock: ${wiremock.jar.split('/').pop()} on ${wiremock.java}, its defaults (request journal on, emptied before each load), and a second one with --no-request-journal; stubs match method, path, credential header and body fields`
      : `wiremock: SKIPPED, ${wiremock.reason}`,
    'CPU: the server process (all threads: for WireMock the JVM, JIT and GC included), user + system from /proc/PID/stat; RSS: VmRSS after the route\'s rounds',
    '',
    markdownTable(rows, 2),
    '',
    markdownTable(checkRows, 2),
    '',
    ...(reference.length > 0 ? ['Reference (not judged):', ...reference, ''] : []),
    markdownTable(startRows, 1),
  ].join('\n');
}

/** Writes bench/results/peers-latest.json. */
export function writePeersResults(root: string, data: unknown): string {
  const file = join(root, 'bench', 'results', 'peers-latest.json');
  writeFileSync(file, `${JSON.stringify(data, null, 2)}\n`);
  return file;
}
