/**
 * `npm run bench:store`: the shared store measured beside the memory store in one run, on this machine.
 *   - requests/s and p99 per hot route, memory vs Redis (50 connections, autocannon on loopback), both servers up and
 *     each route measured on one right after the other;
 *   - Redis script calls per request on each route (EVALSHA calls / requests: below 1 when requests share a call);
 *   - bytes per live LiveVox session and per LoudVoice author session in Redis (MEMORY USAGE of the snapshot, and its
 *     STRLEN, which the allocator's size classes do not round), and
 *     Redis memory back near its empty figure once every session has expired (the clock moved);
 *   - --workers 2 against one process on the Redis store (the load generator shares the cores: said so).
 * Writes bench/results/store-latest.json. Options: --duration S (default 3), --sessions N (default 2000).
 */
import autocannon, { type Result } from 'autocannon';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { startRedis, type TestRedis } from '../test/helpers/redis-server.js';
import { ensureBuilt } from './lib/build.js';
import { fmt, machineNote, table } from './lib/machine.js';
import { freePort, startServer, stopServer, waitUntilAnswering, type ServerProcess } from './lib/processes.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const { values } = parseArgs({ options: { duration: { type: 'string', default: '3' }, sessions: { type: 'string', default: '2000' } } });
const durationSec = Number(values.duration);
const sessions = Number(values.sessions);

const LV_ACCESS = '11111111-1111-4111-8111-111111111111';
const LDV_BASIC = `Basic ${Buffer.from('aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa:bbbbbbbb-bbbb-4bbb-8bbb-bbbbbbbbbbbb').toString('base64')}`;
const JSON_TYPE = { 'content-type': 'application/json' };
const sessionPut = (reference: string, expiresIn = 3600) =>
  JSON.stringify({ request: { author_session: { author: { author_reference: reference, name: `Author ${reference}` }, session: { expires_in: expiresIn } } } });

/** A hot route: what it sends, and what it must answer. */
interface Route {
  id: string;
  name: string;
  status: number;
  request: (lvSession: string) => { method: 'GET' | 'POST' | 'PUT'; path: string; headers: Record<string, string>; body?: string };
}
const ROUTES: Route[] = [
  { id: 'lvx-login', name: 'LiveVox login (live session reused)', status: 200, request: () => ({ method: 'POST', path: '/session/login', headers: { 'lv-access': LV_ACCESS, ...JSON_TYPE }, body: JSON.stringify({ clientName: 'DEMO', userName: 'demo.user', password: 'Demo-Pass-1' }) }) },
  { id: 'lvx-details', name: 'LiveVox protected read (refreshes)', status: 200, request: (s) => ({ method: 'GET', path: '/session/details', headers: { 'lv-session': s } }) },
  { id: 'lvx-validate', name: 'LiveVox validate (no refresh)', status: 204, request: (s) => ({ method: 'GET', path: `/session/validate/${s}`, headers: {} }) },
  { id: 'ldv-session-put', name: 'LoudVoice session PUT (existing author)', status: 200, request: () => ({ method: 'PUT', path: '/loudvoice/authors/sessions.json', headers: { authorization: LDV_BASIC, ...JSON_TYPE }, body: sessionPut('USER-123456') }) },
  { id: 'ldv-authors', name: 'LoudVoice author list (10 per page)', status: 200, request: () => ({ method: 'GET', path: '/loudvoice/authors.json?entries_per_page=10', headers: { authorization: LDV_BASIC } }) },
];

/** Fixtures with `n` extra LiveVox users, so n distinct sessions can be live at once (one per user and token). */
function benchFixtures(dir: string, n: number): string {
  const fixtures = JSON.parse(readFileSync(join(root, 'fixtures', 'default.json'), 'utf8')) as { livevox: { clients: { users: unknown[] }[] } };
  const users = fixtures.livevox.clients[0]!.users;
  for (let i = 0; i < n; i++) users.push({ userName: `bench.${i}`, password: 'Bench-Pass-1', userId: 900000 + i, agent: false });
  const path = join(dir, 'bench-fixtures.json');
  writeFileSync(path, JSON.stringify(fixtures));
  return path;
}

async function serve(args: string[]): Promise<ServerProcess> {
  const port = await freePort();
  const server = startServer('session-kit', process.execPath, [join(root, 'dist', 'cli', 'main.js'), 'serve', '--port', String(port), '--log-level', 'warn', ...args], port, root);
  await waitUntilAnswering(server, performance.now(), 60_000);
  return server;
}

const call = async (port: number, method: string, path: string, headers: Record<string, string>, body?: string) =>
  fetch(`http://127.0.0.1:${port}${path}`, { method, headers, ...(body ? { body } : {}) });

async function login(port: number, userName = 'demo.user', password = 'Demo-Pass-1'): Promise<string> {
  const r = await call(port, 'POST', '/session/login', { 'lv-access': LV_ACCESS, ...JSON_TYPE }, JSON.stringify({ clientName: 'DEMO', userName, password }));
  if (r.status !== 200) throw new Error(`login ${userName}: ${r.status} ${await r.text()}`);
  return ((await r.json()) as { sessionId: string }).sessionId;
}

/**
 * Round trips the servers made: EVALSHA calls (every request's one script). total_commands_processed would also count
 * the commands a script runs inside Redis; the background compaction (about one SET and one EVALSHA a second) is
 * left in, so the figure slightly overstates.
 */
const roundTripsSoFar = (redis: TestRedis) => Number(/cmdstat_evalsha:calls=(\d+)/.exec(redis.cli('INFO', 'commandstats'))?.[1] ?? 0);
const usedMemory = (redis: TestRedis) => Number(/used_memory:(\d+)/.exec(redis.cli('INFO', 'memory'))?.[1] ?? 0);
const memoryUsage = (redis: TestRedis, key: string) => Number(redis.cli('MEMORY', 'USAGE', key, 'SAMPLES', '0') || 0);
/** The snapshot's length itself: MEMORY USAGE rounds it up to the allocator's size class (up to a quarter more). */
const stringLength = (redis: TestRedis, key: string) => Number(redis.cli('STRLEN', key) || 0);

async function load(port: number, route: Route, lvSession: string, seconds: number, connections = 50): Promise<Result> {
  const r = route.request(lvSession);
  return autocannon({ url: `http://127.0.0.1:${port}`, connections, duration: seconds, timeout: 10, requests: [{ method: r.method, path: r.path, headers: r.headers, ...(r.body ? { body: r.body } : {}) }] });
}

interface RouteFigure { route: string; store: string; requestsPerSecond: number; p99Ms: number; non2xx: number; roundTripsPerRequest?: number }

const machine = machineNote();
const build = ensureBuilt(root);
const dir = mkdtempSync(join(tmpdir(), 'session-kit-store-bench-'));
// everysec: Redis's recommended durability for a service; the tests run with appendfsync always.
const redis = await startRedis({ appendfsync: 'everysec' });
const figures: RouteFigure[] = [];
const out: Record<string, unknown> = { machine, build: build.note, settings: { durationSec, connections: 50, sessions, redis: 'redis-server, appendonly yes, appendfsync everysec, on loopback' } };
try {
  // ---- requests/s, p99 and round trips per route, memory vs Redis ----
  // Both servers run side by side and each route is measured on one right after the other, so the ratio of a route
  // compares two periods seconds apart: the machine is shared, and its load drifts over a run.
  redis.cli('FLUSHALL');
  const servers = { memory: await serve([]), redis: await serve(['--store', redis.url]) };
  try {
    const lvSessions = { memory: await login(servers.memory.port), redis: await login(servers.redis.port) };
    for (const route of ROUTES) {
      for (const store of ['memory', 'redis'] as const) await load(servers[store].port, route, lvSessions[store], 1);
      for (const store of ['memory', 'redis'] as const) {
        const before = roundTripsSoFar(redis);
        const result = await load(servers[store].port, route, lvSessions[store], durationSec);
        const roundTrips = store === 'redis' ? (roundTripsSoFar(redis) - before) / result.requests.total : undefined;
        const figure: RouteFigure = { route: route.id, store, requestsPerSecond: result.requests.total / result.duration, p99Ms: result.latency.p99, non2xx: result.non2xx, ...(roundTrips !== undefined ? { roundTripsPerRequest: roundTrips } : {}) };
        figures.push(figure);
        console.log(`${route.id} ${store}: ${fmt.int(figure.requestsPerSecond)} req/s, p99 ${figure.p99Ms} ms${roundTrips !== undefined ? `, ${roundTrips.toFixed(2)} Redis round trips/request` : ''}${result.non2xx ? `, ${result.non2xx} non-2xx` : ''}`);
      }
    }
  } finally {
    stopServer(servers.memory);
    stopServer(servers.redis);
  }
  out.routes = figures;

  // ---- bytes per live session, and Redis memory back near empty after expiry ----
  redis.cli('FLUSHALL');
  const fixtures = benchFixtures(dir, sessions);
  const server = await serve(['--store', redis.url, '--fixtures', fixtures, '--clock', 'fixed']);
  // A snapshot interval and a bit, then until the snapshot covers the whole log: on a loaded machine compaction lags,
  // and a snapshot missing the last sessions would understate the bytes per session.
  const settle = async () => {
    await new Promise((r) => setTimeout(r, 2500));
    for (let tries = 0; tries < 100; tries++) {
      const [seq, snapseq] = redis.cli('HMGET', '{session-kit}:meta', 'seq', 'snapseq').split('\n');
      if (seq === snapseq) return;
      await new Promise((r) => setTimeout(r, 100));
    }
    console.warn('bench: the snapshot did not catch up with the log within 10 s; the byte figures below may be low');
  };
  try {
    await settle();
    const snap = '{session-kit}:snap';
    const log = '{session-kit}:log';
    const empty = { used: usedMemory(redis), snap: memoryUsage(redis, snap), snapLength: stringLength(redis, snap) };
    for (let i = 0; i < sessions; i += 50) await Promise.all(Array.from({ length: Math.min(50, sessions - i) }, (_, j) => login(server.port, `bench.${i + j}`, 'Bench-Pass-1')));
    await settle();
    const withLiveVox = { used: usedMemory(redis), snap: memoryUsage(redis, snap), snapLength: stringLength(redis, snap), log: memoryUsage(redis, log) };
    for (let i = 0; i < sessions; i += 50) {
      await Promise.all(
        Array.from({ length: Math.min(50, sessions - i) }, async (_, j) => {
          const r = await call(server.port, 'PUT', '/loudvoice/authors/sessions.json', { authorization: LDV_BASIC, ...JSON_TYPE }, sessionPut(`BENCH-${i + j}`));
          if (r.status !== 201) throw new Error(`session PUT: ${r.status}`);
        }),
      );
    }
    await settle();
    const withBoth = { used: usedMemory(redis), snap: memoryUsage(redis, snap), snapLength: stringLength(redis, snap), log: memoryUsage(redis, log) };
    // Two hours and a minute later: every LiveVox session (2 h) and author session (expires_in 1 h) has expired.
    await call(server.port, 'POST', '/__admin/clock', JSON_TYPE, JSON.stringify({ advanceMs: 2 * 3_600_000 + 60_000 }));
    await settle();
    const expired = { used: usedMemory(redis), snap: memoryUsage(redis, snap), log: memoryUsage(redis, log) };
    const perLiveVox = (withLiveVox.snap - empty.snap) / sessions;
    const perLoudVoice = (withBoth.snap - withLiveVox.snap) / sessions;
    const lengthPerLiveVox = (withLiveVox.snapLength - empty.snapLength) / sessions;
    const lengthPerLoudVoice = (withBoth.snapLength - withLiveVox.snapLength) / sessions;
    out.memory = {
      sessions,
      empty,
      withLiveVox,
      withBoth,
      expired,
      bytesPerLiveVoxSession: perLiveVox,
      bytesPerLoudVoiceAuthorSession: perLoudVoice,
      snapshotCharactersPerLiveVoxSession: lengthPerLiveVox,
      snapshotCharactersPerLoudVoiceAuthorSession: lengthPerLoudVoice,
    };
    console.log(`\nMEMORY USAGE of the snapshot: empty ${empty.snap} B; +${sessions} LiveVox sessions ${withLiveVox.snap} B (${perLiveVox.toFixed(0)} B each); +${sessions} LoudVoice author sessions ${withBoth.snap} B (${perLoudVoice.toFixed(0)} B each, author included)`);
    console.log(`STRLEN of the snapshot (before the allocator rounds it up): ${lengthPerLiveVox.toFixed(0)} B per LiveVox session, ${lengthPerLoudVoice.toFixed(0)} B per LoudVoice author session`);
    console.log(`Redis used_memory: empty ${fmt.mb(empty.used)} MB, with both ${fmt.mb(withBoth.used)} MB (log tail ${withBoth.log} B), after every session expired ${fmt.mb(expired.used)} MB (snapshot ${expired.snap} B: the ${sessions} LoudVoice authors stay, they are site data)`);
  } finally {
    stopServer(server);
  }

  // ---- --workers 2 against one process, Redis store ----
  const workers: { route: string; workers: number; requestsPerSecond: number; p99Ms: number }[] = [];
  for (const n of [1, 2]) {
    redis.cli('FLUSHALL');
    const s = await serve(['--store', redis.url, '--workers', String(n)]);
    try {
      const lvSession = await login(s.port);
      for (const route of ROUTES.filter((r) => r.id === 'lvx-details' || r.id === 'ldv-authors')) {
        await load(s.port, route, lvSession, 1);
        const result = await load(s.port, route, lvSession, durationSec);
        workers.push({ route: route.id, workers: n, requestsPerSecond: result.requests.total / result.duration, p99Ms: result.latency.p99 });
        console.log(`${route.id} --workers ${n}: ${fmt.int(result.requests.total / result.duration)} req/s, p99 ${result.latency.p99} ms`);
      }
    } finally {
      stopServer(s);
    }
  }
  out.workers = workers;

  const rows = ROUTES.map((route) => {
    const m = figures.find((f) => f.route === route.id && f.store === 'memory')!;
    const r = figures.find((f) => f.route === route.id && f.store === 'redis')!;
    return [route.id, fmt.int(m.requestsPerSecond), String(m.p99Ms), fmt.int(r.requestsPerSecond), String(r.p99Ms), r.roundTripsPerRequest!.toFixed(2)];
  });
  console.log(`\n${table([['route', 'memory req/s', 'memory p99 ms', 'redis req/s', 'redis p99 ms', 'round trips/request'], ...rows])}`);
  console.log(`machine: ${JSON.stringify(machine)}; the load generator runs on the same cores as the servers and Redis`);
  const file = join(root, 'bench', 'results', 'store-latest.json');
  writeFileSync(file, `${JSON.stringify(out, null, 2)}\n`);
  console.log(`written: ${file}`);
} finally {
  await redis.remove();
  rmSync(dir, { recursive: true, force: true });
}
