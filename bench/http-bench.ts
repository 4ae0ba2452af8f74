/**
 * The HTTP benchmark of issue 6: session-kit, a Prism mock of the same contracts and a bare fastify route, loaded side
 * by side with autocannon on loopback, for each route at 50 connections and at 1 connection.
 *
 * Every figure that is judged is a ratio between targets measured back to back in this one run, because the machine
 * is shared and noisy: absolute requests/s move from run to run, the ratios much less.
 */
import autocannon, { type Options, type Result } from 'autocannon';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fmt, table, type MachineNote } from './lib/machine.js';
import { freePort, sampleRss, startServer, stopServer, waitForQuiet, waitUntilAnswering, type ServerProcess } from './lib/processes.js';

/**
 * What every route is measured on: session-kit, Prism, and the bare fastify baseline twice: `bare` answers the exact
 * bytes session-kit answered for the route (the judged floor: the same response without the work), `bare-small`
 * its small default body (shown for reference: it also leaves out the contract's response size).
 */
export type TargetName = 'session-kit' | 'prism' | 'bare' | 'bare-small';
// Prism last in each route: it keeps working for a while after a load, and it is the one compared least closely.
const TARGETS: TargetName[] = ['session-kit', 'bare', 'bare-small', 'prism'];

/** Fixture credentials (fixtures/default.json). */
const LV_ACCESS = '11111111-1111-4111-8111-111111111111';
const LV_CREDENTIALS = JSON.stringify({ clientName: 'DEMO', userName: 'demo.user', password: 'Demo-Pass-1' });
const LDV_BASIC = `Basic ${Buffer.from('aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa:bbbbbbbb-bbbb-4bbb-8bbb-bbbbbbbbbbbb').toString('base64')}`;
const EXISTING_AUTHOR = 'USER-123456';

/** A benchmarked request, before it is pointed at a server. */
export interface Load {
  method: 'GET' | 'POST' | 'PUT';
  path: string;
  headers: Record<string, string>;
  body?: string;
  /** Builds a different body for every request (the new-author PUT). */
  bodyPerRequest?: () => string;
}

/** One route of the benchmark and what session-kit must answer for the load to mean anything. */
interface Route {
  id: string;
  name: string;
  api: 'livevox' | 'loudvoice';
  /** The status session-kit must answer; Prism and bare fastify must answer some 2xx. */
  expectedStatus: number;
  load: (ctx: RouteContext) => Load;
}

/** Per-target values a route needs, such as a session id obtained by logging in once. */
interface RouteContext {
  target: TargetName;
  lvSession: string;
}

const runTag = Date.now().toString(36);
let newAuthorCounter = 0;
const sessionPut = (reference: string) =>
  JSON.stringify({ request: { author_session: { author: { author_reference: reference, allow_create_new: true, name: 'Bench Author' } } } });

/** The five routes of issue 6. */
export const ROUTES: Route[] = [
  {
    id: 'a',
    name: 'LiveVox login',
    api: 'livevox',
    expectedStatus: 200,
    load: () => ({ method: 'POST', path: '/session/login', headers: { 'lv-access': LV_ACCESS, 'content-type': 'application/json' }, body: LV_CREDENTIALS }),
  },
  {
    id: 'b',
    name: 'LiveVox details (LV-Session)',
    api: 'livevox',
    expectedStatus: 200,
    load: (ctx) => ({ method: 'GET', path: '/session/details', headers: { 'lv-session': ctx.lvSession } }),
  },
  {
    id: 'c',
    name: 'LoudVoice session PUT, existing author',
    api: 'loudvoice',
    expectedStatus: 200,
    load: () => ({
      method: 'PUT',
      path: '/loudvoice/authors/sessions.json',
      headers: { authorization: LDV_BASIC, 'content-type': 'application/json' },
      body: sessionPut(EXISTING_AUTHOR),
    }),
  },
  {
    id: 'e',
    name: 'LoudVoice authors list page',
    api: 'loudvoice',
    expectedStatus: 200,
    load: () => ({ method: 'GET', path: '/loudvoice/authors.json?entries_per_page=25', headers: { authorization: LDV_BASIC } }),
  },
  {
    // Last: it creates an author per request, and the routes before it should see the fixtures' state.
    id: 'd',
    name: 'LoudVoice session PUT, new author',
    api: 'loudvoice',
    expectedStatus: 201,
    load: () => ({
      method: 'PUT',
      path: '/loudvoice/authors/sessions.json',
      headers: { authorization: LDV_BASIC, 'content-type': 'application/json' },
      bodyPerRequest: () => sessionPut(`BENCH-${runTag}-${++newAuthorCounter}`),
    }),
  },
];

/** What one load measured. */
export interface LoadResult {
  route: string;
  routeName: string;
  connections: number;
  target: TargetName;
  available: boolean;
  /** Why the target was not measured (route missing, wrong status in the pre-check). */
  skipped?: string;
  preflightStatus?: number;
  requestsPerSecond?: number;
  latencyP50Ms?: number;
  latencyP99Ms?: number;
  latencyMaxMs?: number;
  peakRssBytes?: number;
  totalRequests?: number;
  non2xx?: number;
  errors?: number;
  timeouts?: number;
  statusCodes?: Record<string, number>;
  /** requests/s of every round; the figures above are the best round's. */
  roundsRequestsPerSecond?: number[];
  /** Set when any response of the load was not 2xx, or a connection failed: the figures are suspect. */
  flag?: string;
}

/** A judged target of issue 6. */
export interface TargetCheck {
  what: string;
  route: string;
  value: string;
  met: boolean | null;
}

export interface HttpBenchOptions {
  root: string;
  durationSec: number;
  warmupSec: number;
  connections: number[];
  /** How many times each target is loaded per route; the best round counts. */
  rounds: number;
  only?: string[];
  machine: MachineNote;
  buildNote: string;
}

/** Sends the route's request once and returns the status, so a benchmark of 401s or 404s is never run. */
async function preflight(port: number, load: Load): Promise<{ status: number; body: string }> {
  const res = await fetch(`http://127.0.0.1:${port}${load.path}`, {
    method: load.method,
    headers: load.headers,
    ...(load.body !== undefined || load.bodyPerRequest ? { body: load.bodyPerRequest ? load.bodyPerRequest() : load.body } : {}),
    signal: AbortSignal.timeout(5000),
  });
  return { status: res.status, body: await res.text() };
}

function autocannonOptions(port: number, load: Load, connections: number, durationSec: number): Options {
  const base: Options = {
    url: `http://127.0.0.1:${port}`,
    connections,
    duration: durationSec,
    // Bounded in count as well as time: no load can run away on a fast machine.
    maxOverallRequests: Math.max(connections, 400_000 * durationSec),
    timeout: 10,
  };
  if (load.bodyPerRequest) {
    const makeBody = load.bodyPerRequest;
    return {
      ...base,
      requests: [
        {
          method: load.method,
          path: load.path,
          headers: load.headers,
          setupRequest: (req) => ({ ...req, body: makeBody() }),
        },
      ],
    };
  }
  return { ...base, method: load.method, requests: [{ method: load.method, path: load.path, headers: load.headers, ...(load.body !== undefined ? { body: load.body } : {}) }] };
}

function summarize(result: Result): Pick<LoadResult, 'requestsPerSecond' | 'latencyP50Ms' | 'latencyP99Ms' | 'latencyMaxMs' | 'totalRequests' | 'non2xx' | 'errors' | 'timeouts' | 'statusCodes' | 'flag'> {
  const statusCodes: Record<string, number> = {};
  for (const [code, stat] of Object.entries(result.statusCodeStats ?? {})) statusCodes[code] = Number(stat.count);
  const problems: string[] = [];
  if (result.non2xx > 0) problems.push(`${result.non2xx} non-2xx`);
  if (result.errors > 0) problems.push(`${result.errors} errors`);
  if (result.timeouts > 0) problems.push(`${result.timeouts} timeouts`);
  return {
    requestsPerSecond: result.requests.total / result.duration,
    latencyP50Ms: result.latency.p50,
    latencyP99Ms: result.latency.p99,
    latencyMaxMs: result.latency.max,
    totalRequests: result.requests.total,
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
    statusCodes,
    ...(problems.length > 0 ? { flag: problems.join(', ') } : {}),
  };
}

/** Starts the four servers (session-kit, one Prism per contract, bare fastify) and waits until each answers. */
async function startServers(root: string): Promise<Record<'session-kit' | 'prism-livevox' | 'prism-loudvoice' | 'bare', ServerProcess>> {
  const [skPort, lvPort, ldPort, barePort] = [await freePort(), await freePort(), await freePort(), await freePort()];
  const prism = join(root, 'node_modules', '.bin', 'prism');
  const t0 = performance.now();
  const servers = {
    'session-kit': startServer('session-kit', process.execPath, ['bin/session-kit.js', 'serve', '--port', String(skPort), '--log-level', 'warn', '--clock', 'fixed'], skPort, root),
    // -v warn: Prism's per-request log lines off, like session-kit's; that makes Prism faster, so the ratio is conservative.
    'prism-livevox': startServer('prism (livevox)', prism, ['mock', '-p', String(lvPort), '-v', 'warn', 'openapi/livevox-session.yaml'], lvPort, root),
    'prism-loudvoice': startServer('prism (loudvoice)', prism, ['mock', '-p', String(ldPort), '-v', 'warn', 'openapi/loudvoice.yaml'], ldPort, root),
    bare: startServer('bare fastify', process.execPath, ['bench/baseline-server.mjs', String(barePort)], barePort, root),
  };
  await Promise.all(Object.values(servers).map((s) => waitUntilAnswering(s, t0, 60_000, 20)));
  return servers;
}

/** Runs the whole HTTP benchmark and returns what it measured; servers are stopped whatever happens. */
export async function runHttpBench(options: HttpBenchOptions): Promise<{ results: LoadResult[]; checks: TargetCheck[]; report: string }> {
  const servers = await startServers(options.root);
  const results: LoadResult[] = [];
  try {
    const serverFor = (target: TargetName, route: Route) =>
      target === 'session-kit'
        ? servers['session-kit']
        : target === 'bare' || target === 'bare-small'
          ? servers.bare
          : route.api === 'livevox'
            ? servers['prism-livevox']
            : servers['prism-loudvoice'];
    /** What session-kit answered in each route's pre-check: the bytes the `bare` target then answers. */
    const skAnswer = new Map<string, { status: number; body: unknown }>();
    const setBareAnswer = async (answer?: { status: number; body: unknown }) => {
      const res = await fetch(`http://127.0.0.1:${servers.bare.port}/__baseline/response`, {
        method: 'PUT',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(answer ?? {}),
        signal: AbortSignal.timeout(5000),
      });
      if (!res.ok) throw new Error(`the bare baseline refused its response (${res.status})`);
    };

    // One login per target for the protected read; repeated logins of the same identity return the same session.
    const anySession = '00000000-0000-4000-8000-000000000000';
    const lvSession: Record<TargetName, string> = { 'session-kit': '', prism: '', bare: anySession, 'bare-small': anySession };
    for (const target of ['session-kit', 'prism'] as const) {
      const res = await preflight(serverFor(target, ROUTES[0]!).port, ROUTES[0]!.load({ target, lvSession: '' }));
      const match = /"sessionId":"([^"]+)"/.exec(res.body);
      lvSession[target] = match?.[1] ?? '';
    }

    const routes = options.only ? ROUTES.filter((r) => options.only!.includes(r.id)) : ROUTES;
    for (const route of routes) {
      for (const connections of options.connections) {
        // Every target is loaded `rounds` times, the targets taking turns, and the best round counts: interference
        // from the rest of a shared machine only ever slows a load down, and taking turns spreads it over all four.
        const skipped = new Set<TargetName>();
        const rounds = new Map<TargetName, LoadResult[]>();
        for (let round = 1; round <= options.rounds; round++) {
          for (const target of TARGETS) {
            if (skipped.has(target)) continue;
            const server = serverFor(target, route);
            const load = route.load({ target, lvSession: lvSession[target] });
            const base: LoadResult = { route: route.id, routeName: route.name, connections, target, available: true };
            if (target === 'bare' || target === 'bare-small') await setBareAnswer(target === 'bare' ? skAnswer.get(route.id) : undefined);
            const check = await preflight(server.port, load).catch((e: Error) => ({ status: 0, body: e.message }));
            if (target === 'session-kit' && check.status === route.expectedStatus && !skAnswer.has(route.id)) {
              skAnswer.set(route.id, { status: check.status, body: JSON.parse(check.body) as unknown });
            }
            const expected = target === 'session-kit' ? check.status === route.expectedStatus : check.status >= 200 && check.status < 300;
            if (!expected) {
              const missing = target === 'session-kit' && check.status === 404;
              const why = missing
                ? 'not available (the route answers 404: not implemented in this checkout yet)'
                : `pre-check answered ${check.status}, expected ${target === 'session-kit' ? route.expectedStatus : '2xx'}: ${check.body.slice(0, 300)}`;
              results.push({ ...base, available: false, skipped: why, preflightStatus: check.status });
              skipped.add(target);
              console.log(`  ${route.id} ${route.name} c=${connections} ${target}: SKIPPED, ${why.slice(0, 160)}`);
              continue;
            }
            await autocannon(autocannonOptions(server.port, load, connections, options.warmupSec));
            const rss = sampleRss(server.pid);
            const result = await autocannon(autocannonOptions(server.port, load, connections, options.durationSec));
            const peakRssBytes = rss.stop();
            await waitForQuiet(Object.values(servers).map((s) => s.pid));
            const measured: LoadResult = { ...base, preflightStatus: check.status, ...summarize(result), peakRssBytes };
            rounds.set(target, [...(rounds.get(target) ?? []), measured]);
            console.log(
              `  ${route.id} ${route.name} c=${connections} ${target} (round ${round}): ${fmt.int(measured.requestsPerSecond)} req/s, p50 ${latency(
                measured.latencyP50Ms,
              )} ms, p99 ${latency(measured.latencyP99Ms)} ms, RSS ${fmt.mb(peakRssBytes)} MB${measured.flag ? `  FLAG: ${measured.flag}` : ''}`,
            );
          }
        }
        for (const loads of rounds.values()) results.push(bestRound(loads));
      }
    }
  } finally {
    for (const server of Object.values(servers)) stopServer(server);
  }
  const checks = judge(results, options.connections);
  return { results, checks, report: render(results, checks, options) };
}

/** The round with the most requests/s, with every round's figure kept; a flag in any round stays on the result. */
function bestRound(loads: LoadResult[]): LoadResult {
  const best = loads.reduce((a, b) => ((b.requestsPerSecond ?? 0) > (a.requestsPerSecond ?? 0) ? b : a));
  const flags = loads.filter((l) => l.flag).map((l) => l.flag!);
  return {
    ...best,
    roundsRequestsPerSecond: loads.map((l) => Math.round(l.requestsPerSecond ?? 0)),
    peakRssBytes: Math.max(...loads.map((l) => l.peakRssBytes ?? 0)),
    ...(flags.length > 0 ? { flag: flags.join('; ') } : {}),
  };
}

/** autocannon's latencies have 1 ms resolution: a 0 means under a millisecond. */
const latency = (ms: number | undefined) => (ms === 0 ? '<1' : ms === undefined ? '-' : String(Math.round(ms)));

const find = (results: LoadResult[], route: string, connections: number, target: TargetName) =>
  results.find((r) => r.route === route && r.connections === connections && r.target === target);

/** The targets of issue 6 for the HTTP routes: at 50 connections, >= 10x Prism, >= 60% of bare fastify, p99 < 10 ms. */
function judge(results: LoadResult[], connections: number[]): TargetCheck[] {
  const checks: TargetCheck[] = [];
  const c = connections.includes(50) ? 50 : Math.max(...connections);
  for (const route of ROUTES) {
    const sk = find(results, route.id, c, 'session-kit');
    if (!sk) continue;
    const label = `${route.id} ${route.name}`;
    if (!sk.available || sk.requestsPerSecond === undefined) {
      checks.push({ what: `all targets at ${c} connections`, route: label, value: sk.skipped ?? 'not measured', met: null });
      continue;
    }
    const prism = find(results, route.id, c, 'prism');
    const bare = find(results, route.id, c, 'bare');
    const vsPrism = prism?.requestsPerSecond ? sk.requestsPerSecond / prism.requestsPerSecond : null;
    const vsBare = bare?.requestsPerSecond ? sk.requestsPerSecond / bare.requestsPerSecond : null;
    // Where bare fastify answering the same bytes is itself under 10x Prism, no fastify server can meet the target.
    const bareVsPrism = prism?.requestsPerSecond && bare?.requestsPerSecond ? bare.requestsPerSecond / prism.requestsPerSecond : null;
    const ceiling = bareVsPrism !== null && bareVsPrism < 10 ? ` (bare itself: ${fmt.ratio(bareVsPrism)})` : '';
    checks.push({ what: `req/s >= 10x Prism (${c} conn)`, route: label, value: `${fmt.ratio(vsPrism)}${ceiling}`, met: vsPrism === null ? null : vsPrism >= 10 });
    checks.push({ what: `req/s >= 60% of bare fastify (${c} conn)`, route: label, value: vsBare === null ? '-' : `${(vsBare * 100).toFixed(0)}%`, met: vsBare === null ? null : vsBare >= 0.6 });
    checks.push({ what: `p99 < 10 ms (${c} conn)`, route: label, value: `${latency(sk.latencyP99Ms)} ms`, met: (sk.latencyP99Ms ?? Infinity) < 10 });
    if (sk.flag) checks.push({ what: 'every response 2xx', route: label, value: sk.flag, met: false });
  }
  return checks;
}

function render(results: LoadResult[], checks: TargetCheck[], options: HttpBenchOptions): string {
  const rows: string[][] = [
    ['route', 'conn', 'sk req/s', 'prism req/s', 'bare req/s', 'small req/s', 'sk/prism', 'sk/bare', 'sk/small', 'bare/prism', 'sk p50/p99 ms', 'prism p50/p99', 'bare p50/p99', 'RSS MB sk/prism/bare', 'flags'],
  ];
  const cell = (r: LoadResult | undefined, f: (r: LoadResult) => string) => (!r ? '-' : !r.available ? 'n/a' : f(r));
  const routes = options.only ? ROUTES.filter((r) => options.only!.includes(r.id)) : ROUTES;
  for (const route of [...routes].sort((a, b) => a.id.localeCompare(b.id))) {
    for (const c of options.connections) {
      const [sk, prism, bare, small] = (['session-kit', 'prism', 'bare', 'bare-small'] as const).map((t) => find(results, route.id, c, t));
      const ratio = (a?: LoadResult, b?: LoadResult) => (a?.requestsPerSecond && b?.requestsPerSecond ? fmt.ratio(a.requestsPerSecond / b.requestsPerSecond) : 'n/a');
      const lat = (r: LoadResult) => `${latency(r.latencyP50Ms)}/${latency(r.latencyP99Ms)}`;
      const flags = [sk, prism, bare, small]
        .filter((r): r is LoadResult => !!r && !!r.flag)
        .map((r) => `${r.target}: ${r.flag}`)
        .join('; ');
      rows.push([
        `${route.id} ${route.name}`,
        String(c),
        cell(sk, (r) => fmt.int(r.requestsPerSecond)),
        cell(prism, (r) => fmt.int(r.requestsPerSecond)),
        cell(bare, (r) => fmt.int(r.requestsPerSecond)),
        cell(small, (r) => fmt.int(r.requestsPerSecond)),
        ratio(sk, prism),
        ratio(sk, bare),
        ratio(sk, small),
        ratio(bare, prism),
        cell(sk, lat),
        cell(prism, lat),
        cell(bare, lat),
        [sk, prism, bare].map((r) => cell(r, (x) => fmt.mb(x.peakRssBytes))).join('/'),
        flags,
      ]);
    }
  }
  const targetRows = [['target', 'route', 'value', 'met'], ...checks.map((c) => [c.what, c.route, c.value, c.met === null ? 'n/a' : c.met ? 'yes' : 'NO'])];
  const m = options.machine;
  return [
    `HTTP benchmark: ${options.durationSec} s per load after a ${options.warmupSec} s warm-up, best of ${options.rounds} rounds (targets taking turns), loopback, autocannon in the benchmark process`,
    `machine: ${m.cpuModel}, ${m.cores} cores, ${m.memoryGiB} GiB, node ${m.node}, ${m.date}; ${options.buildNote}`,
    'prism: one `prism mock -v warn` per contract; bare: bench/baseline-server.mjs (logger off) answering, as a fixed JSON body, the exact response session-kit gave',
    'for the route (judged); small: the same bare route with its small default body (for reference); peak RSS sampled every 50 ms during the load',
    '',
    table(rows, 2),
    '',
    table(targetRows, 2),
  ].join('\n');
}

/** Writes the HTTP results file. */
export function writeHttpResults(root: string, data: unknown): string {
  const file = join(root, 'bench', 'results', 'http-latest.json');
  writeFileSync(file, `${JSON.stringify(data, null, 2)}\n`);
  return file;
}
