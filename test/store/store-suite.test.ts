// One suite, two adapters of the store port (as Hono runs one router suite over every router): the memory store
// and the Redis store must give the same answers for the same requests, at the same clock readings. Checked here:
// LiveVox's reuse of a live session, the 2-hour boundary to the millisecond, password changes ending sessions;
// LoudVoice's 201-then-200 session start, the expires_in boundary, comment counters; clock moves (never back) and
// reset. What only one adapter can do is listed in its skip list with the reason (Hono's shape).
// Rules: LVX-SAME-TOKEN-SAME-SESSION, LVX-SESSION-EXPIRY (documented 2 h), LDV-SESSION-* (seed, O4), our admin API.
import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO, LOUDVOICE_AUTH, T0, testApp } from '../helpers/test-app.js';
import { HAS_REDIS, startRedis, warnIfNoRedis, type TestRedis } from '../helpers/redis-server.js';
import type { RedisStore } from '../../src/store/redis-store.js';

warnIfNoRedis('test/store/store-suite.test.ts');

let redis: TestRedis | undefined;
beforeAll(async () => {
  if (HAS_REDIS) redis = await startRedis();
});
afterAll(async () => redis?.remove());

/** How each adapter builds a fresh server (its own empty store), and what it cannot do, with the reason. */
const adapters = [
  {
    name: 'memory',
    build: () => testApp(),
    skip: {
      'a second server on the same store sees every change, the clock included': 'the memory store lives and dies with its process',
      'expired sessions leave the store, at the moved clock': 'nothing to measure outside the process (expiry in memory is tested in test/livevox and test/loudvoice)',
    } as Record<string, string>,
  },
  {
    name: 'redis',
    // A fresh prefix per server: an empty store on the suite's one redis-server.
    build: (prefix = `t${randomUUID()}`) => testApp({ redis: { url: redis!.url, prefix } }),
    skip: HAS_REDIS ? {} : ({ '*': 'redis-server is not on PATH' } as Record<string, string>),
  },
] as const;

const HOUR = 3_600_000;

describe.each(adapters)('store: $name', (adapter) => {
  const skipped = (name: string) => '*' in adapter.skip || name in adapter.skip;
  const test = (name: string, fn: () => Promise<void>) => (skipped(name) ? it.skip(`${name} (skipped: ${adapter.skip[name] ?? adapter.skip['*']})`, fn) : it(name, fn));

  let app: FastifyInstance;
  const apps: FastifyInstance[] = [];
  const fresh = async () => {
    const built = await adapter.build();
    apps.push(built.app);
    app = built.app;
    return built;
  };
  afterAll(async () => {
    for (const a of apps) await a.close();
  });

  const login = async (token: string = DEMO.token1) => {
    const r = await app.inject({ method: 'POST', url: '/session/login', headers: { 'lv-access': token }, payload: DEMO.user });
    expect(r.statusCode).toBe(200);
    return r.json<{ sessionId: string }>().sessionId;
  };
  const details = (id: string) => app.inject({ method: 'GET', url: '/session/details', headers: { 'lv-session': id } });
  const advance = async (ms: number) => expect((await app.inject({ method: 'POST', url: '/__admin/clock', payload: { advanceMs: ms } })).statusCode).toBe(200);
  const loudvoice = (method: 'GET' | 'PUT' | 'POST', url: string, body?: unknown) =>
    app.inject({ method, url, headers: { authorization: LOUDVOICE_AUTH }, ...(body ? { payload: body } : {}) });
  const startSession = (reference: string, expiresIn = 60) =>
    loudvoice('PUT', '/loudvoice/authors/sessions.json', { request: { author_session: { author: { author_reference: reference, name: reference }, session: { expires_in: expiresIn } } } });

  test('LiveVox: one live session per user and token; the 2-hour window ends at the exact millisecond', async () => {
    await fresh();
    const id = await login();
    expect(await login()).toBe(id);
    expect(await login(DEMO.token2)).not.toBe(id);
    await advance(2 * HOUR - 1);
    expect((await details(id)).statusCode).toBe(200); // refreshes: a new 2-hour window from here
    await advance(2 * HOUR - 1);
    expect((await app.inject({ method: 'GET', url: `/session/validate/${id}` })).statusCode).toBe(204); // no refresh
    await advance(1);
    expect((await details(id)).statusCode).toBe(401);
    expect((await app.inject({ method: 'GET', url: `/session/validate/${id}` })).statusCode).toBe(404);
    expect(await login()).not.toBe(id);
  });

  test('LiveVox: a password change ends the sessions and only the new password logs in', async () => {
    await fresh();
    const id = await login();
    const change = await app.inject({ method: 'POST', url: '/session/password', headers: { 'lv-access': DEMO.token1 }, payload: { ...DEMO.user, newPassword: 'Changed-Pass-9' } });
    expect(change.statusCode).toBe(204);
    expect((await details(id)).statusCode).toBe(401);
    expect((await app.inject({ method: 'POST', url: '/session/login', headers: { 'lv-access': DEMO.token1 }, payload: DEMO.user })).statusCode).toBe(401);
    expect((await app.inject({ method: 'POST', url: '/session/login', headers: { 'lv-access': DEMO.token1 }, payload: { ...DEMO.user, password: 'Changed-Pass-9' } })).statusCode).toBe(200);
  });

  test('LoudVoice: 201 then 200 with the same token; expires_in ends the session at the exact millisecond', async () => {
    await fresh();
    const first = await startSession('SUITE-1', 60);
    expect(first.statusCode).toBe(201);
    const again = await startSession('SUITE-1', 60);
    expect(again.statusCode).toBe(200);
    const token = first.json().response.result.data.author_session.author_session_token;
    expect(again.json().response.result.data.author_session.author_session_token).toBe(token);
    const listed = async () => (await loudvoice('GET', '/loudvoice/authors/sessions.json')).json().response.result.data.author_sessions.entries.map((s: { author_session_token: string }) => s.author_session_token);
    await advance(60_000 - 1);
    expect(await listed()).toContain(token);
    await advance(1);
    expect(await listed()).not.toContain(token);
  });

  test('LoudVoice: comment counters follow every create', async () => {
    await fresh();
    const discussion = '4f1c2a7e-2b7d-4c57-9a63-7f0d2d9b1c10';
    const count = async () => (await loudvoice('GET', `/loudvoice/discussions/${discussion}.json`)).json().response.result.data.discussion.num_comments as number;
    const before = await count();
    for (let i = 0; i < 5; i++) {
      const r = await loudvoice('POST', '/loudvoice/comments.json', { request: { discussion: { discussion_token: discussion }, comment: { text: `c${i}`, author: { author_reference: 'USER-123456' } } } });
      expect(r.statusCode).toBe(201);
    }
    expect(await count()).toBe(before + 5);
  });

  test('the clock: moves forward, refuses to go back, switches mode; reset brings back the fixtures and the real time', async () => {
    await fresh();
    const clock = async () => (await app.inject({ method: 'GET', url: '/__admin/clock' })).json<{ epochMs: number; mode: string }>();
    expect(await clock()).toEqual(expect.objectContaining({ epochMs: T0, mode: 'fixed' }));
    await advance(1000);
    expect((await clock()).epochMs).toBe(T0 + 1000);
    const back = await app.inject({ method: 'POST', url: '/__admin/clock', payload: { now: new Date(T0).toISOString() } });
    expect(back.statusCode).toBe(409);
    expect((await app.inject({ method: 'POST', url: '/__admin/clock', payload: { now: new Date(T0 + 5000).toISOString() } })).json().epochMs).toBe(T0 + 5000);
    expect((await startSession('SUITE-RESET')).statusCode).toBe(201);
    expect((await app.inject({ method: 'POST', url: '/__admin/reset', payload: {} })).statusCode).toBe(204);
    const after = await clock();
    expect(Math.abs(after.epochMs - Date.now())).toBeLessThan(5000);
    expect((await startSession('SUITE-RESET')).statusCode).toBe(201);
  });

  test('a second server on the same store sees every change, the clock included', async () => {
    const prefix = `t${randomUUID()}`;
    const one = await (adapter.build as (p?: string) => ReturnType<typeof testApp>)(prefix);
    apps.push(one.app);
    app = one.app;
    const id = await login();
    expect((await startSession('SUITE-SHARED')).statusCode).toBe(201);
    await advance(HOUR);
    const two = await (adapter.build as (p?: string) => ReturnType<typeof testApp>)(prefix);
    apps.push(two.app);
    app = two.app;
    expect((await details(id)).statusCode).toBe(200);
    expect((await startSession('SUITE-SHARED')).statusCode).toBe(200);
    expect((await app.inject({ method: 'GET', url: '/__admin/clock' })).json().epochMs).toBe(T0 + HOUR + 0);
    // Everything a snapshot holds is there after a snapshot too: the second server's log is trimmed behind it.
    const store = (two.app as unknown as { state: { store: RedisStore } }).state.store;
    await store.compact();
    const three = await (adapter.build as (p?: string) => ReturnType<typeof testApp>)(prefix);
    apps.push(three.app);
    app = three.app;
    expect((await details(id)).statusCode).toBe(200);
    expect((await startSession('SUITE-SHARED')).statusCode).toBe(200);
  });

  test('expired sessions leave the store, at the moved clock', async () => {
    const prefix = `t${randomUUID()}`;
    const built = await (adapter.build as (p?: string) => ReturnType<typeof testApp>)(prefix);
    apps.push(built.app);
    app = built.app;
    const store = (built.app as unknown as { state: { store: RedisStore } }).state.store;
    const bytes = () => Number(redis!.cli('STRLEN', `{${prefix}}:snap`));
    await store.compact();
    const empty = bytes();
    const id = await login();
    for (let i = 0; i < 50; i++) expect((await startSession(`RECLAIM-${i}`, 60)).statusCode).toBe(201);
    await store.compact();
    const full = bytes();
    expect(full).toBeGreaterThan(empty + 50 * 100);
    expect(Number(redis!.cli('LLEN', `{${prefix}}:log`))).toBeGreaterThan(0);
    // One minute later the author sessions are gone from the snapshot; two hours later the LiveVox session too.
    await advance(60_000);
    await store.compact();
    const authorsOnly = bytes();
    expect(authorsOnly).toBeLessThan(full - 50 * 80);
    await advance(2 * HOUR);
    await store.compact();
    expect(bytes()).toBeLessThan(authorsOnly);
    expect((await details(id)).statusCode).toBe(401);
  });
});
