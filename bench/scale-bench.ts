/**
 * The scale benchmark of issue 6, in-process (it measures the core's memory, so it builds the app itself):
 * - bytes per live LiveVox session at 1,000,000 sessions, and per LoudVoice author with a session at 1,000,000;
 * - the time of a request at that size against an empty server with the same fixtures, interleaved round by round;
 * - the memory reclaimed once the clock passes every expiry and a sweep runs.
 *
 * Run with `npm run bench:scale` (node --expose-gc --import tsx). Options: --sessions N --authors N --clients N
 * --rounds N --per-round N. Heap figures come from process.memoryUsage() after forced full collections.
 */
import type { FastifyInstance, InjectOptions } from 'fastify';
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { DEFAULT_FIXTURES_PATH, loadFixtures, type Fixtures } from '../src/config/fixtures.js';
import type { LiveVoxClientSeed } from '../src/core/livevox/model.js';
import { buildApp, DEFAULT_CONFIG } from '../src/http/app.js';
import type { ServerState } from '../src/state/server-state.js';
import { ControlledClock } from '../src/runtime/clock.js';
import { cryptoIds } from '../src/runtime/ids.js';
import { fmt, machineNote, table } from './lib/machine.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const { values } = parseArgs({
  options: {
    sessions: { type: 'string', default: '1000000' },
    authors: { type: 'string', default: '1000000' },
    clients: { type: 'string', default: '2000' },
    rounds: { type: 'string', default: '15' },
    'per-round': { type: 'string', default: '2000' },
    'users-scan-check': { type: 'string', default: '200000' },
    fill: { type: 'string', default: 'served' },
  },
});
const SESSIONS = Number(values.sessions);
const AUTHORS = Number(values.authors);
const CLIENTS = Number(values.clients);
const ROUNDS = Number(values.rounds);
const PER_ROUND = Number(values['per-round']);
const TOKENS_PER_CLIENT = 5;
const USERS_PER_CLIENT = Math.ceil(SESSIONS / (CLIENTS * TOKENS_PER_CLIENT));
const PASSWORD = 'Bench-Pass-1';
/**
 * `served` (default): each login result is serialized as the HTTP reply serializes it. That matters: randomUUID()
 * returns a rope of ~20 concatenated pieces (~480 B), and serializing it flattens it in place (~56 B), so a session
 * that was never sent to a client costs ~420 B more than one a real login created. `core`: the raw core cost.
 */
const FILL = values.fill === 'core' ? 'core' : 'served';
const LDV_BASIC = `Basic ${Buffer.from('aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa:bbbbbbbb-bbbb-4bbb-8bbb-bbbbbbbbbbbb').toString('base64')}`;

const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) {
  console.error('bench:scale needs --expose-gc: run it with "npm run bench:scale"');
  process.exit(2);
}

type App = FastifyInstance & { state: ServerState };

/** The core's API-token check, as the login route does it before reading the body. */
function access(app: App, token: string) {
  const checked = app.state.livevox.checkAccessToken(token);
  if (!checked.ok) throw new Error(`token ${token}: ${checked.error}`);
  return checked.value;
}

/** Heap and RSS after full collections, with a turn of the event loop between them for finalizers. */
async function settledMemory(): Promise<{ heapUsed: number; heapTotal: number; rss: number; external: number }> {
  for (let i = 0; i < 4; i++) {
    gc!();
    await new Promise((r) => setImmediate(r));
  }
  const m = process.memoryUsage();
  return { heapUsed: m.heapUsed, heapTotal: m.heapTotal, rss: m.rss, external: m.external };
}

const hex = (n: number, width: number) => n.toString(16).padStart(width, '0');
/** A deterministic UUID-shaped API token for client `c`, token `t`. */
const apiToken = (c: number, t: number) => `${hex(c, 8)}-${hex(t, 4)}-4000-8000-${hex(c * 8 + t, 12)}`;

/** LiveVox clients with enough (client, user, token) identities for `SESSIONS` distinct sessions. */
function benchClients(clients: number, usersPerClient: number): LiveVoxClientSeed[] {
  const out: LiveVoxClientSeed[] = [];
  for (let c = 0; c < clients; c++) {
    const users = [];
    for (let u = 0; u < usersPerClient; u++) users.push({ userName: `u${u}`, password: PASSWORD, userId: 1_000_000 + c * usersPerClient + u, agent: false });
    out.push({ clientName: `BENCH-${c}`, clientId: 100_000 + c, apiTokens: Array.from({ length: TOKENS_PER_CLIENT }, (_, t) => apiToken(c, t)), users });
  }
  return out;
}

async function makeApp(fixtures: Fixtures, clockStart: number): Promise<{ app: App; clock: ControlledClock }> {
  const clock = new ControlledClock('fixed', clockStart);
  const app = await buildApp({ ...DEFAULT_CONFIG, fixtures, admin: { enabled: false }, sweepIntervalMs: 0, logLevel: false }, { clock, ids: cryptoIds });
  await app.ready();
  return { app, clock };
}

/** One timed operation: a request built from the i-th of a rotating set, answered with `status`. */
interface Op {
  name: string;
  status: number;
  request: (app: 'empty' | 'full', i: number) => InjectOptions;
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};
const percentile = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!;
};

/** Per-request time on both apps, alternating which goes first each round so drift and noise hit both alike. */
async function timeInterleaved(op: Op, apps: { empty: App; full: App }) {
  const roundMeans: Record<'empty' | 'full', number[]> = { empty: [], full: [] };
  const samples: Record<'empty' | 'full', number[]> = { empty: [], full: [] };
  const wrong: string[] = [];
  // Warm-up: JIT both paths before anything counts; it also tells how slow the slower app is.
  let slowestUs = 0;
  for (const which of ['empty', 'full'] as const) {
    const t0 = performance.now();
    for (let i = 0; i < 200; i++) await apps[which].inject(op.request(which, i));
    slowestUs = Math.max(slowestUs, ((performance.now() - t0) / 200) * 1000);
  }
  // Bounded in time: a request that scans a million entries must not turn this into an hour (<= ~2 s per round).
  const perRound = Math.max(20, Math.min(PER_ROUND, Math.floor(2_000_000 / slowestUs)));
  for (let round = 0; round < ROUNDS; round++) {
    const order = round % 2 === 0 ? (['empty', 'full'] as const) : (['full', 'empty'] as const);
    for (const which of order) {
      const t0 = performance.now();
      for (let i = 0; i < perRound; i++) {
        const s = performance.now();
        const res = await apps[which].inject(op.request(which, round * perRound + i));
        samples[which].push(performance.now() - s);
        if (res.statusCode !== op.status && wrong.length < 3) wrong.push(`${which}: ${res.statusCode} ${res.body.slice(0, 200)}`);
      }
      roundMeans[which].push(((performance.now() - t0) / perRound) * 1000);
    }
  }
  const empty = median(roundMeans.empty);
  const full = median(roundMeans.full);
  return {
    op: op.name,
    emptyUsPerRequest: Math.round(empty * 10) / 10,
    fullUsPerRequest: Math.round(full * 10) / 10,
    ratio: Math.round((full / empty) * 100) / 100,
    emptyP99Us: Math.round(percentile(samples.empty, 99) * 1000),
    fullP99Us: Math.round(percentile(samples.full, 99) * 1000),
    fullMaxUs: Math.round(Math.max(...samples.full) * 1000),
    requestsPerRound: perRound,
    ...(wrong.length ? { wrongStatus: wrong } : {}),
  };
}

const machine = machineNote();
const report: string[] = [];
const say = (line: string) => {
  console.log(line);
  report.push(line);
};

say(`Scale benchmark: ${fmt.int(SESSIONS)} LiveVox sessions, ${fmt.int(AUTHORS)} LoudVoice authors; ${machine.cpuModel}, ${machine.cores} cores, node ${machine.node}, ${machine.date}`);

const start = Date.parse('2026-01-05T09:00:00Z');
const m0 = await settledMemory();
const defaults = loadFixtures(DEFAULT_FIXTURES_PATH);
const fixtures: Fixtures = {
  livevox: { clients: [...defaults.livevox.clients, ...benchClients(CLIENTS, USERS_PER_CLIENT)] },
  loudvoice: defaults.loudvoice,
};
const { app: empty } = await makeApp(fixtures, start);
const { app: full, clock: fullClock } = await makeApp(fixtures, start);
const mEmpty = await settledMemory();
say(`fixtures (${fmt.int(CLIENTS)} clients x ${USERS_PER_CLIENT} users x ${TOKENS_PER_CLIENT} tokens) and two apps: heap +${fmt.mb(mEmpty.heapUsed - m0.heapUsed)} MB; empty-server baseline heap ${fmt.mb(mEmpty.heapUsed)} MB, RSS ${fmt.mb(mEmpty.rss)} MB`);

// ---- LiveVox: 1M live sessions, logged in through the core (the HTTP edge would only add time, not state). ----
const readIds: { empty: string[]; full: string[] } = { empty: [], full: [] };
const readIdentities: { client: number; user: number; token: number }[] = [];
const keepEvery = Math.max(1, Math.floor(SESSIONS / 1000));

/** Logs `SESSIONS` distinct identities in on the full app; keeps every `keepEvery`-th session id for the timed reads. */
function fillLiveVox(): number {
  readIds.full = [];
  readIdentities.length = 0;
  let created = 0;
  const tFill = performance.now();
  fill: for (let c = 0; c < CLIENTS; c++) {
    for (let t = 0; t < TOKENS_PER_CLIENT; t++) {
      for (let u = 0; u < USERS_PER_CLIENT; u++) {
        if (created === SESSIONS) break fill;
        const result = full.state.livevox.login(access(full, apiToken(c, t)), { clientName: `BENCH-${c}`, userName: `u${u}`, password: PASSWORD, agent: false });
        if (!result.ok) throw new Error(`login ${c}/${t}/${u} failed: ${result.error}`);
        if (FILL === 'served') JSON.stringify(result.value);
        if (created % keepEvery === 0) {
          readIds.full.push(result.value.sessionId);
          readIdentities.push({ client: c, user: u, token: t });
        }
        created++;
      }
    }
  }
  return performance.now() - tFill;
}

const fillMs = fillLiveVox();
const mSessions = await settledMemory();
const liveCount = full.state.livevox.liveSessionCount();
const perSessionHeap = (mSessions.heapUsed - mEmpty.heapUsed) / SESSIONS;
const perSessionRss = (mSessions.rss - mEmpty.rss) / SESSIONS;
say(
  `LiveVox (${FILL} fill): ${fmt.int(liveCount)} live sessions created in ${(fillMs / 1000).toFixed(1)} s; heap ${fmt.mb(mSessions.heapUsed)} MB, RSS ${fmt.mb(mSessions.rss)} MB; ` +
    `${perSessionHeap.toFixed(0)} heap bytes/session, ${perSessionRss.toFixed(0)} RSS bytes/session`,
);

/** Moves the full server's clock, sweeps, and measures right away and after 5 idle seconds. */
async function expireAndMeasure(advanceMs: number) {
  const before = await settledMemory();
  fullClock.advance(advanceMs);
  const t0 = performance.now();
  full.state.expire();
  const sweepMs = performance.now() - t0;
  const immediately = await settledMemory();
  // V8 and the allocator hand freed pages back lazily: give them the idle seconds a real server would have.
  await new Promise((r) => setTimeout(r, 5000));
  return { sweepMs, before, immediately, afterIdle: await settledMemory() };
}

// ---- LiveVox expiry, measured right after the fill: what the sessions took must come back. (The timed requests
// below come after a second fill: the garbage of 60,000 injected requests is not session state, and both apps share
// this process, so it would blur the comparison with the empty figure.) Past the 2-hour window, not LoudVoice's 14 days.
const lvExpiry = await expireAndMeasure(3 * 60 * 60 * 1000);
const liveAfter = full.state.livevox.liveSessionCount();
const lvReclaimedHeap = (mSessions.heapUsed - lvExpiry.afterIdle.heapUsed) / (mSessions.heapUsed - mEmpty.heapUsed);
const lvReclaimedRss = (mSessions.rss - lvExpiry.afterIdle.rss) / (mSessions.rss - mEmpty.rss);
say(
  `LiveVox expiry: clock +3 h, sweep took ${lvExpiry.sweepMs.toFixed(0)} ms (one synchronous call); ${liveAfter} sessions live; heap ${fmt.mb(lvExpiry.afterIdle.heapUsed)} MB ` +
    `(empty ${fmt.mb(mEmpty.heapUsed)}); RSS ${fmt.mb(lvExpiry.immediately.rss)} MB right after, ${fmt.mb(lvExpiry.afterIdle.rss)} MB after 5 s idle (empty ${fmt.mb(mEmpty.rss)}); ` +
    `reclaimed ${(lvReclaimedHeap * 100).toFixed(0)}% of the heap growth, ${(lvReclaimedRss * 100).toFixed(0)}% of the RSS growth`,
);
const refillMs = fillLiveVox();
say(`LiveVox: ${fmt.int(full.state.livevox.liveSessionCount())} live sessions again (refilled in ${(refillMs / 1000).toFixed(1)} s) for the timed requests`);

// The empty server gets the same 1,000 identities logged in, so both answer the same reads (1,000 is nothing).
for (const id of readIdentities) {
  const result = empty.state.livevox.login(access(empty, apiToken(id.client, id.token)), { clientName: `BENCH-${id.client}`, userName: `u${id.user}`, password: PASSWORD, agent: false });
  if (!result.ok) throw new Error(`empty login failed: ${result.error}`);
  readIds.empty.push(result.value.sessionId);
}

// ---- LiveVox: per-request time at 1M vs empty. ----
const timings: Awaited<ReturnType<typeof timeInterleaved>>[] = [];
const runOp = async (op: Op) => {
  const t = await timeInterleaved(op, { empty, full });
  timings.push(t);
  say(`  ${op.name}: empty ${t.emptyUsPerRequest} us, full ${t.fullUsPerRequest} us per request (${t.ratio}x)${t.wrongStatus ? `  WRONG STATUS: ${t.wrongStatus.join(' | ')}` : ''}`);
};
await runOp({
  name: 'LiveVox GET /session/details',
  status: 200,
  request: (which, i) => ({ method: 'GET', url: '/session/details', headers: { 'lv-session': readIds[which][i % readIds[which].length]! } }),
});
await runOp({
  name: 'LiveVox POST /session/login (live session reused)',
  status: 200,
  request: (_which, i) => {
    const id = readIdentities[i % readIdentities.length]!;
    return {
      method: 'POST',
      url: '/session/login',
      headers: { 'lv-access': apiToken(id.client, id.token), 'content-type': 'application/json' },
      payload: JSON.stringify({ clientName: `BENCH-${id.client}`, userName: `u${id.user}`, password: PASSWORD }),
    };
  },
});
// The refilled LiveVox sessions go before LoudVoice is measured, so what LoudVoice's expiry frees is its own.
fullClock.advance(3 * 60 * 60 * 1000);
full.state.expire();

// ---- LoudVoice: 1M authors with a session (the probe checks the route first; the timed requests go through inject). ----
const putBody = (reference: string) => JSON.stringify({ request: { author_session: { author: { author_reference: reference, allow_create_new: true, name: 'Bench Author' } } } });
const sessionPut = (reference: string): InjectOptions => ({
  method: 'PUT',
  url: '/loudvoice/authors/sessions.json',
  headers: { authorization: LDV_BASIC, 'content-type': 'application/json' },
  payload: putBody(reference),
});
const probe = await empty.inject(sessionPut('PROBE-1'));
const loudvoiceAvailable = probe.statusCode === 201 && AUTHORS > 0;
const authorsEvery = Math.max(1, Math.floor(AUTHORS / 1000));
let perAuthorHeap: number | null = null;
let perAuthorRss: number | null = null;
/** What expiry frees per LoudVoice session (the session's own cost) and what stays per author (not session state). */
let perLdvSessionHeap: number | null = null;
let perAuthorRemainingHeap: number | null = null;
let ldvSessionsLeft: number | null = null;
let ldv: Record<string, unknown> = { available: false, probeStatus: probe.statusCode };
if (!loudvoiceAvailable) {
  say(AUTHORS === 0 ? 'LoudVoice: --authors 0, not measured' : `LoudVoice: not available (PUT /loudvoice/authors/sessions.json answers ${probe.statusCode}): authors not measured`);
} else {
  const mBefore = await settledMemory();
  // Through the core, like the LiveVox fill: the HTTP edge adds time, not state, and 1,000,000 app.inject() calls
  // would leave light-my-request's own off-heap memory in the RSS figures (~15 KB per injected request here, never
  // returned to the OS; the same requests over real sockets leave none). Each reply is serialized as the edge would.
  const site = full.state.loudvoice.authenticate('aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa', 'bbbbbbbb-bbbb-4bbb-8bbb-bbbbbbbbbbbb');
  if (!site.ok) throw new Error(`the fixture site did not authenticate: ${site.error}`);
  const tAuthors = performance.now();
  for (let k = 0; k < AUTHORS; k++) {
    const started = site.value.startSession({
      author: { kind: 'details', authorReference: `SCALE-${k}`, allowCreateNew: true, fields: { name: 'Bench Author' } },
      expiresIn: 14 * 24 * 60 * 60,
    });
    if (!started.ok || !started.value.created) throw new Error(`author ${k}: ${started.ok ? 'not created' : started.error}`);
    JSON.stringify(started.value);
  }
  const authorsFillMs = performance.now() - tAuthors;
  // The empty server gets the same 1,000 authors the timed PUTs refresh.
  for (let k = 0; k < AUTHORS; k += authorsEvery) await empty.inject(sessionPut(`SCALE-${k}`));
  const mAuthors = await settledMemory();
  perAuthorHeap = (mAuthors.heapUsed - mBefore.heapUsed) / AUTHORS;
  perAuthorRss = (mAuthors.rss - mBefore.rss) / AUTHORS;
  say(
    `LoudVoice: ${fmt.int(AUTHORS)} authors with sessions created in ${(authorsFillMs / 1000).toFixed(1)} s; heap ${fmt.mb(mAuthors.heapUsed)} MB, RSS ${fmt.mb(mAuthors.rss)} MB; ` +
      `${perAuthorHeap.toFixed(0)} heap bytes/author, ${perAuthorRss.toFixed(0)} RSS bytes/author`,
  );
  await runOp({ name: 'LoudVoice PUT authors/sessions.json (existing author)', status: 200, request: (_w, i) => sessionPut(`SCALE-${(i % 1000) * authorsEvery}`) });
  await runOp({
    name: 'LoudVoice GET authors.json?entries_per_page=25',
    status: 200,
    request: () => ({ method: 'GET', url: '/loudvoice/authors.json?entries_per_page=25', headers: { authorization: LDV_BASIC } }),
  });
  // Past the default 14-day expires_in: the sessions go; the authors stay (they are not session state).
  const ldvExpiry = await expireAndMeasure(15 * 24 * 60 * 60 * 1000);
  const sessionsLeft = await full.inject({ method: 'GET', url: '/loudvoice/authors/sessions.json?entries_per_page=1', headers: { authorization: LDV_BASIC } });
  const totalLeft = /"total_entries":(\d+)/.exec(sessionsLeft.body)?.[1];
  say(
    `LoudVoice expiry: clock +15 days, sweep took ${ldvExpiry.sweepMs.toFixed(0)} ms; ${totalLeft ?? '?'} author sessions live; heap ${fmt.mb(ldvExpiry.afterIdle.heapUsed)} MB ` +
      `(before the authors ${fmt.mb(mBefore.heapUsed)}); ${((ldvExpiry.afterIdle.heapUsed - mBefore.heapUsed) / AUTHORS).toFixed(0)} heap bytes/author remain (the authors themselves); ` +
      `RSS ${fmt.mb(ldvExpiry.afterIdle.rss)} MB`,
  );
  perLdvSessionHeap = (mAuthors.heapUsed - ldvExpiry.afterIdle.heapUsed) / AUTHORS;
  perAuthorRemainingHeap = (ldvExpiry.afterIdle.heapUsed - mBefore.heapUsed) / AUTHORS;
  ldvSessionsLeft = totalLeft === undefined ? null : Number(totalLeft);
  say(
    `LoudVoice per live session (heap freed by expiry): ${perLdvSessionHeap.toFixed(0)} B; per author (stays): ${perAuthorRemainingHeap.toFixed(0)} B; ` +
      `at expiry the heap gave back ${fmt.mb(ldvExpiry.before.heapUsed - ldvExpiry.afterIdle.heapUsed)} MB and RSS ${fmt.mb(ldvExpiry.before.rss - ldvExpiry.afterIdle.rss)} MB ` +
      `(RSS also holds the timed inject() requests' memory, see above)`,
  );
  ldv = {
    authors: AUTHORS,
    heapBytesPerSession: Math.round(perLdvSessionHeap),
    heapBytesPerAuthorWithoutSession: Math.round(perAuthorRemainingHeap),
    fillMs: Math.round(authorsFillMs),
    heapBytesPerAuthor: Math.round(perAuthorHeap),
    rssBytesPerAuthor: Math.round(perAuthorRss),
    memory: { before: mBefore, withAuthors: mAuthors, beforeExpiry: ldvExpiry.before, afterExpiryImmediately: ldvExpiry.immediately, afterExpiry: ldvExpiry.afterIdle },
    expiry: { sweepMs: Math.round(ldvExpiry.sweepMs), liveSessionsAfter: totalLeft === undefined ? null : Number(totalLeft), heapBytesPerAuthorRemaining: Math.round((ldvExpiry.afterIdle.heapUsed - mBefore.heapUsed) / AUTHORS) },
  };
}

// ---- Side check: the protected read's cost against the number of users in the session's client. ----
// LiveVoxCore.details() finds the user with userById(), a loop over the client's users; this shows whether that
// loop is on the request path, by comparing a client of 100 users with one of `users-scan-check` users.
const bigUsers = Number(values['users-scan-check']);
let usersScan: (Awaited<ReturnType<typeof timeInterleaved>> & { users: number }) | null = null;
if (bigUsers > 0) {
  const small = await makeApp({ livevox: { clients: benchClients(1, 100) }, loudvoice: { sites: [] } }, start);
  const big = await makeApp({ livevox: { clients: benchClients(1, bigUsers) }, loudvoice: { sites: [] } }, start);
  // The last user of the client: the one a loop over the users reaches last.
  const login = (app: App, users: number) => {
    const r = app.state.livevox.login(access(app, apiToken(0, 0)), { clientName: 'BENCH-0', userName: `u${users - 1}`, password: PASSWORD, agent: false });
    if (!r.ok) throw new Error(r.error);
    return r.value.sessionId;
  };
  const ids = { empty: login(small.app, 100), full: login(big.app, bigUsers) };
  const t = await timeInterleaved(
    { name: 'details, 100 vs many users in the client', status: 200, request: (which) => ({ method: 'GET', url: '/session/details', headers: { 'lv-session': ids[which] } }) },
    { empty: small.app, full: big.app },
  );
  usersScan = { ...t, users: bigUsers };
  say(`  details with 100 users in the client: ${t.emptyUsPerRequest} us; with ${fmt.int(bigUsers)} users: ${t.fullUsPerRequest} us (${t.ratio}x)`);
  await small.app.close();
  await big.app.close();
}

// ---- Targets. ----
const RSS_NEAR = 0.1;
const checks = [
  { what: '< 400 bytes per live LiveVox session (heap)', value: `${perSessionHeap.toFixed(0)} B (RSS ${perSessionRss.toFixed(0)} B)`, met: perSessionHeap < 400 },
  {
    what: '< 400 bytes per live LoudVoice author session (heap its expiry frees)',
    value:
      perLdvSessionHeap === null
        ? AUTHORS === 0
          ? 'n/a (--authors 0)'
          : 'n/a (LoudVoice routes not available)'
        : `${perLdvSessionHeap.toFixed(0)} B (author with session ${perAuthorHeap!.toFixed(0)} B, RSS ${perAuthorRss!.toFixed(0)} B; author alone ${perAuthorRemainingHeap!.toFixed(0)} B)`,
    met: perLdvSessionHeap === null ? null : perLdvSessionHeap < 400,
  },
  ...timings.map((t) => ({ what: `per-request at full size within 1.5x of empty: ${t.op}`, value: `${t.ratio}x`, met: t.ratio <= 1.5 && !t.wrongStatus })),
  {
    what: `LiveVox: RSS after expiry + sweep (+5 s idle) near the empty server (within ${RSS_NEAR * 100}% of the growth)`,
    value: `${fmt.mb(lvExpiry.afterIdle.rss)} MB vs ${fmt.mb(mEmpty.rss)} MB empty (${(lvReclaimedRss * 100).toFixed(0)}% reclaimed; heap ${(lvReclaimedHeap * 100).toFixed(0)}%)`,
    met: lvReclaimedRss >= 1 - RSS_NEAR,
  },
  { what: 'every LiveVox session gone after expiry', value: `${liveAfter} live`, met: liveAfter === 0 },
  ...(perLdvSessionHeap === null ? [] : [{ what: 'every LoudVoice author session gone after expiry', value: `${ldvSessionsLeft ?? '?'} live`, met: ldvSessionsLeft === 0 }]),
];
say('');
say(table([['target', 'value', 'met'], ...checks.map((c) => [c.what, c.value, c.met === null ? 'n/a' : c.met ? 'yes' : 'NO'])], 1));

const file = join(root, 'bench', 'results', AUTHORS === 0 ? 'scale-livevox-latest.json' : 'scale-latest.json');
writeFileSync(
  file,
  `${JSON.stringify(
    {
      machine,
      settings: { sessions: SESSIONS, authors: AUTHORS, clients: CLIENTS, usersPerClient: USERS_PER_CLIENT, tokensPerClient: TOKENS_PER_CLIENT, rounds: ROUNDS, perRound: PER_ROUND },
      livevox: {
        fill: FILL,
        liveSessions: liveCount,
        fillMs: Math.round(fillMs),
        heapBytesPerSession: Math.round(perSessionHeap),
        rssBytesPerSession: Math.round(perSessionRss),
        memory: { start: m0, empty: mEmpty, withSessions: mSessions, afterExpiryImmediately: lvExpiry.immediately, afterExpiry: lvExpiry.afterIdle },
        expiry: { sweepMs: Math.round(lvExpiry.sweepMs), liveAfter, reclaimedHeapFraction: lvReclaimedHeap, reclaimedRssFraction: lvReclaimedRss },
      },
      loudvoice: ldv,
      perRequest: timings,
      usersScan,
      targets: checks,
    },
    null,
    2,
  )}\n`,
);
say(`\nwritten: ${file}`);
await empty.close();
await full.close();
