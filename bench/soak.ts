/**
 * `npm run soak` (issue 7, part 4): a bounded soak test on loopback. Starts the built server (building dist/ first if
 * it is stale), runs a mixed workload of both APIs from a few concurrent fetch loops, and reports total requests,
 * 5xx (must be 0), protocol errors and timeouts (must be 0), p50/p99 latency and the server's RSS sampled every
 * second (start, max, end, slope over the second half), and a leak verdict from the heap left after major GCs (the
 * server runs with --trace-gc): before the load vs once it stopped, per request; the RSS slope when no GC is seen.
 * Writes bench/results/soak-latest.json.
 *
 * Every cycle of the workload cleans up after itself (LiveVox logout, LoudVoice comment and author deletes with
 * confirm_deletion), so the live state stays flat and a growing RSS means a leak, not data.
 *
 * Options: --seconds N (default 60)   --workers N concurrent loops (default 8)   --strict (exit 3 when a check fails)
 * Not part of `npm test`: it takes its full duration on purpose.
 */
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { ensureBuilt } from './lib/build.js';
import { machineNote } from './lib/machine.js';
import { freePort, rssOf, startServer, stopServer, waitUntilAnswering } from './lib/processes.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const { values } = parseArgs({
  options: {
    seconds: { type: 'string', default: '60' },
    workers: { type: 'string', default: '8' },
    strict: { type: 'boolean', default: false },
  },
});
const seconds = Number(values.seconds);
const workers = Number(values.workers);
if (!Number.isFinite(seconds) || seconds < 5 || seconds > 3600) throw new Error(`--seconds must be 5..3600, not "${values.seconds}"`);
if (!Number.isInteger(workers) || workers < 1 || workers > 64) throw new Error(`--workers must be 1..64, not "${values.workers}"`);

/** Fixture credentials (fixtures/default.json). */
const LV_ACCESS = '11111111-1111-4111-8111-111111111111';
const LV_USER = { clientName: 'DEMO', userName: 'demo.user', password: 'Demo-Pass-1' };
const LV_AGENT = { clientName: 'DEMO', userName: 'demo.agent', password: 'Agent-Pass-1', agent: true };
const LDV_BASIC = `Basic ${Buffer.from('aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa:bbbbbbbb-bbbb-4bbb-8bbb-bbbbbbbbbbbb').toString('base64')}`;
const DISCUSSION = '4f1c2a7e-2b7d-4c57-9a63-7f0d2d9b1c10';
const REQUEST_TIMEOUT_MS = 10_000;

/** Everything counted during the load. */
const tally = {
  requests: 0,
  byStatus: new Map<number, number>(),
  fiveXx: 0,
  unexpected: 0,
  unexpectedSamples: [] as string[],
  protocolErrors: 0,
  timeouts: 0,
  errorSamples: [] as string[],
  latenciesMs: [] as number[],
  byOperation: new Map<string, number[]>(),
};

/** One request: timed, its status checked against the one the workload expects. */
async function call(base: string, op: string, method: string, path: string, expected: number | number[], headers: Record<string, string> = {}, body?: unknown): Promise<any> {
  const started = performance.now();
  try {
    const res = await fetch(`${base}${path}`, {
      method,
      headers: body === undefined ? headers : { ...headers, 'content-type': 'application/json' },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
      signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
    });
    const text = await res.text();
    const ms = performance.now() - started;
    tally.requests++;
    tally.latenciesMs.push(ms);
    const perOp = tally.byOperation.get(op) ?? [];
    perOp.push(ms);
    tally.byOperation.set(op, perOp);
    tally.byStatus.set(res.status, (tally.byStatus.get(res.status) ?? 0) + 1);
    if (res.status >= 500) tally.fiveXx++;
    if (!(Array.isArray(expected) ? expected : [expected]).includes(res.status)) {
      tally.unexpected++;
      if (tally.unexpectedSamples.length < 10) tally.unexpectedSamples.push(`${op}: ${method} ${path} -> ${res.status} (expected ${expected}) ${text.slice(0, 200)}`);
      return undefined;
    }
    return text === '' ? {} : JSON.parse(text);
  } catch (error) {
    const name = (error as Error).name;
    if (name === 'TimeoutError' || name === 'AbortError') tally.timeouts++;
    else tally.protocolErrors++;
    if (tally.errorSamples.length < 10) tally.errorSamples.push(`${op}: ${method} ${path}: ${name} ${(error as Error).message} ${String((error as { cause?: unknown }).cause ?? '')}`);
    return undefined;
  }
}

/** One cycle of LiveVox: login (user or agent), details, validate, the same login again (same session), logout. */
async function liveVoxCycle(base: string, i: number): Promise<void> {
  const who = i % 4 === 0 ? LV_AGENT : LV_USER;
  const login = await call(base, 'lv login', 'POST', '/session/login', 200, { 'lv-access': LV_ACCESS }, who);
  const sessionId = login?.sessionId as string | undefined;
  if (!sessionId) return;
  // The workers share two principals, and one user with one token has one session (LVX-SAME-TOKEN-SAME-SESSION), so
  // another worker may log it out at any moment: then the session is gone (401/404), as on the real service.
  await call(base, 'lv details', 'GET', '/session/details', [200, 401], { 'lv-session': sessionId });
  await call(base, 'lv validate', 'GET', `/session/v6.0/validate/${sessionId}`, [204, 404]);
  await call(base, 'lv login (reused)', 'POST', '/session/v6.0/login', 200, { 'lv-access': LV_ACCESS }, who);
  await call(base, 'lv login refused', 'POST', '/session/login', 401, { 'lv-access': LV_ACCESS }, { ...LV_USER, password: 'wrong' });
  await call(base, 'lv logout', 'DELETE', `/session/logout/${sessionId}`, [204, 404]);
}

/**
 * One cycle of LoudVoice: a session PUT for a new author_reference (201) and again (200), list pages, a comment
 * created and deleted, a delete refused without confirm_deletion, then the author deleted with it.
 */
async function loudVoiceCycle(base: string, reference: string): Promise<void> {
  const auth = { authorization: LDV_BASIC };
  const session = { request: { author_session: { author: { author_reference: reference, name: 'Soak Author', email: 'soak@example.com' }, session: { expires_in: 3600 } } } };
  const created = await call(base, 'ldv session PUT new', 'PUT', '/loudvoice/authors/sessions.json', 201, auth, session);
  if (!created) return;
  await call(base, 'ldv session PUT existing', 'PUT', '/loudvoice/authors/sessions.json', 200, auth, session);
  await call(base, 'ldv authors list', 'GET', '/loudvoice/authors.json?entries_per_page=25&order_direction=desc', 200, auth);
  await call(base, 'ldv sessions list', 'GET', '/loudvoice/authors/sessions.json?entries_per_page=25', 200, auth);
  const comment = await call(base, 'ldv comment create', 'POST', '/loudvoice/comments.json', 201, auth, {
    request: { discussion: { discussion_token: DISCUSSION }, comment: { text: `soak ${reference}`, author: { author_reference: reference } } },
  });
  await call(base, 'ldv comments list', 'GET', `/loudvoice/discussions/${DISCUSSION}/comments.json?entries_per_page=25`, 200, auth);
  const token = comment?.response?.result?.data?.comment?.comment_token as string | undefined;
  if (token) {
    await call(base, 'ldv delete refused', 'DELETE', `/loudvoice/comments/${token}.json`, 400, auth);
    await call(base, 'ldv comment delete', 'DELETE', `/loudvoice/comments/${token}.json?confirm_deletion=true`, 200, auth);
  }
  await call(base, 'ldv author delete', 'DELETE', `/loudvoice/authors/author.json?author_reference=${encodeURIComponent(reference)}&confirm_deletion=true`, 200, auth);
}

const percentile = (sorted: number[], p: number) => (sorted.length === 0 ? 0 : sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!);
const round = (n: number, digits = 2) => Math.round(n * 10 ** digits) / 10 ** digits;
const mb = (bytes: number) => round(bytes / 1024 / 1024, 1);

/** Least-squares slope of y over x. */
function slope(points: { x: number; y: number }[]): number {
  const n = points.length;
  if (n < 2) return 0;
  const mx = points.reduce((s, p) => s + p.x, 0) / n;
  const my = points.reduce((s, p) => s + p.y, 0) / n;
  const num = points.reduce((s, p) => s + (p.x - mx) * (p.y - my), 0);
  const den = points.reduce((s, p) => s + (p.x - mx) ** 2, 0);
  return den === 0 ? 0 : num / den;
}

const machine = machineNote();
const build = ensureBuilt(root);
const port = await freePort();
// --trace-gc: every major GC prints the heap left after it, the figure that tells a leak from V8 growing its heap.
// A 64 MB old space (the live state stays near 15 MB) makes V8 collect fully within the run, so the verdict can read
// the heap left after major GCs instead of guessing from RSS; a real leak would end in out-of-memory, a crash the
// soak reports as protocol errors.
const server = startServer('session-kit', process.execPath, ['--trace-gc', '--max-old-space-size=64', 'bin/session-kit.js', 'serve', '--host', '127.0.0.1', '--port', String(port), '--log-level', 'warn'], port, root);
const base = `http://127.0.0.1:${port}`;
const loadStarted = { at: Number.POSITIVE_INFINITY };
/** Heap in MB left after each Mark-Compact, with the time it happened (s since the load started). */
const heapAfterMajorGc: { t: number; mb: number }[] = [];
let gcLine = '';
server.child.stdout?.on('data', (chunk: Buffer) => {
  const lines = (gcLine + chunk.toString()).split('\n');
  gcLine = lines.pop() ?? '';
  for (const line of lines) {
    const m = /Mark-Compact [\d.]+ \([\d.]+\) -> ([\d.]+) \(/.exec(line);
    if (m) heapAfterMajorGc.push({ t: (performance.now() - loadStarted.at) / 1000, mb: Number(m[1]) });
  }
});
let exitCode = 0;
try {
  await waitUntilAnswering(server, performance.now());
  console.log(`soak: session-kit (pid ${server.pid}) on ${base}; ${workers} workers for ${seconds} s`);

  const rss: { t: number; bytes: number }[] = [];
  const started = performance.now();
  loadStarted.at = started;
  const sample = () => {
    const bytes = rssOf(server.pid);
    if (bytes !== null) rss.push({ t: (performance.now() - started) / 1000, bytes });
  };
  sample();
  const sampler = setInterval(() => {
    sample();
    const last = rss.at(-1);
    if (last && Math.round(last.t) % 10 === 0) console.log(`  ${Math.round(last.t)} s: ${tally.requests} requests, RSS ${mb(last.bytes)} MB, 5xx ${tally.fiveXx}, errors ${tally.protocolErrors + tally.timeouts}`);
  }, 1000);

  const deadline = started + seconds * 1000;
  const runTag = Date.now().toString(36);
  await Promise.all(
    Array.from({ length: workers }, async (_, w) => {
      for (let i = 0; performance.now() < deadline; i++) {
        // Half the workers lead with LiveVox, half with LoudVoice, so both APIs are loaded at every moment.
        if ((w + i) % 2 === 0) await liveVoxCycle(base, i);
        else await loudVoiceCycle(base, `SOAK-${runTag}-${w}-${i}`);
      }
    }),
  );
  const elapsed = (performance.now() - started) / 1000;
  clearInterval(sampler);
  sample();
  // Under load V8 often runs no major GC for a minute (it only scavenges and lets old space grow), so RSS climbs without
  // a leak. Once the load stops its memory reducer runs major GCs: wait for them (at most 20 s) to read what is left.
  const gcsAtEnd = heapAfterMajorGc.length;
  for (let waited = 0; waited < 20_000 && heapAfterMajorGc.length < gcsAtEnd + 2; waited += 250) await new Promise((r) => setTimeout(r, 250));
  await new Promise((r) => setTimeout(r, 500));

  const sorted = [...tally.latenciesMs].sort((a, b) => a - b);
  const secondHalf = rss.filter((s) => s.t >= elapsed / 2);
  const slopeMbPerMin = (slope(secondHalf.map((s) => ({ x: s.t, y: s.bytes }))) * 60) / 1024 / 1024;
  const startRss = rss[0]?.bytes ?? 0;
  const maxRss = Math.max(...rss.map((s) => s.bytes));
  const endRss = rss.at(-1)?.bytes ?? 0;
  // RSS alone over a minute mostly shows V8 growing its heap under allocation pressure (it gives pages back late),
  // so the verdict uses the heap left after each major GC in the second half when there are enough of them: a leak
  // of 100 bytes per request at these rates is > 10 MB/min there, GC noise well under 2. RSS is the fallback.
  const LEAK_SLOPE_MB_PER_MIN = 2;
  const gcSecondHalf = heapAfterMajorGc.filter((g) => g.t >= elapsed / 2 && g.t <= elapsed);
  const heapSlopeMbPerMin = gcSecondHalf.length >= 3 ? slope(gcSecondHalf.map((g) => ({ x: g.t, y: g.mb }))) * 60 : null;
  // Baseline: the heap after the first major GC (start-up, or early in the load); settled: after the last one in the
  // second half of the load or once it stopped. Growth between them per request served bounds any per-request leak.
  const baseline = heapAfterMajorGc.find((g) => g.t < elapsed / 2)?.mb ?? null;
  const settled = heapAfterMajorGc.filter((g) => g.t >= elapsed / 2).at(-1)?.mb ?? null;
  const bytesPerRequest = baseline !== null && settled !== null ? ((settled - baseline) * 1024 * 1024) / Math.max(1, tally.requests) : null;
  // 50 B per request is ~10 MB per minute at these rates: far above what warm-up (JIT code, caches) leaves behind.
  const LEAK_BYTES_PER_REQUEST = 50;
  let judged: number;
  let judgedOn: string;
  let leak: boolean;
  if (bytesPerRequest !== null) {
    judged = bytesPerRequest;
    judgedOn = `heap growth after GC (baseline ${baseline} MB -> settled ${settled} MB) per request < ${LEAK_BYTES_PER_REQUEST} B`;
    leak = bytesPerRequest > LEAK_BYTES_PER_REQUEST;
  } else {
    judged = heapSlopeMbPerMin ?? slopeMbPerMin;
    judgedOn = `${heapSlopeMbPerMin === null ? 'RSS' : 'heap after major GC'} slope over the second half < ${LEAK_SLOPE_MB_PER_MIN} MB/min`;
    leak = judged > LEAK_SLOPE_MB_PER_MIN;
  }
  const operations = Object.fromEntries(
    [...tally.byOperation].map(([op, ms]) => {
      const s = [...ms].sort((a, b) => a - b);
      return [op, { count: s.length, p50Ms: round(percentile(s, 50)), p99Ms: round(percentile(s, 99)) }];
    }),
  );
  const checks = [
    { what: '5xx responses', value: tally.fiveXx, met: tally.fiveXx === 0 },
    { what: 'protocol errors', value: tally.protocolErrors, met: tally.protocolErrors === 0 },
    { what: 'timeouts', value: tally.timeouts, met: tally.timeouts === 0 },
    { what: 'responses other than the workload expects', value: tally.unexpected, met: tally.unexpected === 0 },
    { what: judgedOn, value: round(judged), met: !leak },
    { what: 'server still running at the end', value: server.child.exitCode === null ? 'yes' : `exited ${server.child.exitCode}`, met: server.child.exitCode === null },
  ];
  const result = {
    machine,
    build: build.note,
    settings: { seconds, workers, requestTimeoutMs: REQUEST_TIMEOUT_MS, server: 'node bin/session-kit.js serve --log-level warn (system clock)' },
    elapsedSec: round(elapsed, 1),
    totalRequests: tally.requests,
    requestsPerSecond: round(tally.requests / elapsed, 0),
    statusCodes: Object.fromEntries([...tally.byStatus].sort(([a], [b]) => a - b)),
    fiveXx: tally.fiveXx,
    protocolErrors: tally.protocolErrors,
    timeouts: tally.timeouts,
    unexpected: tally.unexpected,
    latencyMs: { p50: round(percentile(sorted, 50)), p99: round(percentile(sorted, 99)), max: round(sorted.at(-1) ?? 0) },
    rssMb: { start: mb(startRss), max: mb(maxRss), end: mb(endRss), secondHalfSlopeMbPerMin: round(slopeMbPerMin), samples: rss.map((s) => [round(s.t, 1), mb(s.bytes)]) },
    heapAfterMajorGcMb: {
      count: heapAfterMajorGc.length,
      first: heapAfterMajorGc[0]?.mb ?? null,
      last: heapAfterMajorGc.at(-1)?.mb ?? null,
      secondHalfSlopeMbPerMin: heapSlopeMbPerMin === null ? null : round(heapSlopeMbPerMin),
      baselineBeforeLoad: baseline,
      settledAfterLoad: settled,
      growthBytesPerRequest: bytesPerRequest === null ? null : round(bytesPerRequest, 1),
      samples: heapAfterMajorGc.map((g) => [round(g.t, 1), g.mb]),
    },
    leakVerdict: `${leak ? 'LEAK SUSPECTED' : 'no leak'}: ${judgedOn}: ${round(judged)} (RSS slope over the second half ${round(slopeMbPerMin)} MB/min)`,
    operations,
    samples: { unexpected: tally.unexpectedSamples, errors: tally.errorSamples },
    checks,
  };
  const file = join(root, 'bench', 'results', 'soak-latest.json');
  writeFileSync(file, `${JSON.stringify(result, null, 2)}\n`);

  console.log(`\nsoak: ${result.totalRequests} requests in ${result.elapsedSec} s (${result.requestsPerSecond}/s)`);
  console.log(`  statuses: ${JSON.stringify(result.statusCodes)}`);
  console.log(`  5xx ${result.fiveXx}, protocol errors ${result.protocolErrors}, timeouts ${result.timeouts}, unexpected ${result.unexpected}`);
  console.log(`  latency p50 ${result.latencyMs.p50} ms, p99 ${result.latencyMs.p99} ms, max ${result.latencyMs.max} ms`);
  console.log(`  RSS start ${result.rssMb.start} MB, max ${result.rssMb.max} MB, end ${result.rssMb.end} MB`);
  console.log(`  heap after major GC: before the load ${baseline} MB, after it ${settled} MB (${result.heapAfterMajorGcMb.count} major GCs)`);
  console.log(`  ${result.leakVerdict}`);
  for (const s of [...tally.unexpectedSamples, ...tally.errorSamples]) console.log(`  ! ${s}`);
  for (const c of checks) console.log(`  ${c.met ? 'ok  ' : 'FAIL'} ${c.what}: ${c.value}`);
  console.log(`\nwritten: ${file}`);
  if (checks.some((c) => !c.met)) {
    console.log('soak: at least one check FAILED');
    if (values.strict) exitCode = 3;
  }
} finally {
  stopServer(server);
}
process.exit(exitCode);
