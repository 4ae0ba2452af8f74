// The snapshot a Redis store keeps, through a real redis-server. Checked: an instance that starts from the compact
// snapshot alone (the log trimmed to nothing) holds exactly the state of the instance that wrote it, reads the same
// shared clock, and expires a LoudVoice author session and a LiveVox session at the same millisecond; a store whose
// snapshot the earlier release wrote (the `--state` JSON layout) starts with its state kept; a snapshot of an unknown
// (newer) format stops the start with the reason. Our own design rules (docs/fleet.md "How it works"), not vendor rules.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SNAPSHOT_HEADER } from '../../src/store/redis-snapshot.js';
import type { RedisStore } from '../../src/store/redis-store.js';
import { HAS_REDIS, startRedis, warnIfNoRedis, type TestRedis } from '../helpers/redis-server.js';
import { DEMO, LOUDVOICE_AUTH, testApp } from '../helpers/test-app.js';

warnIfNoRedis('test/store/redis-snapshot.test.ts');

/** An app as testApp builds it (its type carries the `state` decoration). */
type App = Awaited<ReturnType<typeof testApp>>['app'];

let redis: TestRedis;
const apps: App[] = [];
beforeAll(async () => {
  if (HAS_REDIS) redis = await startRedis();
});
afterAll(async () => {
  for (const app of apps) await app.close();
  await redis?.remove();
});

/** An instance on the store `prefix` that keeps no log behind its snapshots, so a newcomer loads the snapshot alone. */
async function instance(prefix: string): Promise<App> {
  const { app } = await testApp({ redis: { url: redis.url, prefix, keepEntries: 0, snapshotIntervalMs: 3_600_000 } });
  apps.push(app);
  return app;
}
const storeOf = (app: App) => app.state.store as RedisStore;
const stateOf = (app: App) => JSON.stringify(app.state.snapshot());
const clockOf = async (app: App) => (await app.inject({ method: 'GET', url: '/__admin/clock' })).json<{ epochMs: number }>().epochMs;
const advance = async (app: App, ms: number) => expect((await app.inject({ method: 'POST', url: '/__admin/clock', payload: { advanceMs: ms } })).statusCode).toBe(200);

/** Some state of both APIs: a LiveVox session, a changed password, author sessions. */
async function fill(app: App): Promise<{ sessionId: string; authorSession: string }> {
  const login = await app.inject({ method: 'POST', url: '/session/login', headers: { 'lv-access': DEMO.token1 }, payload: DEMO.user });
  expect(login.statusCode).toBe(200);
  let authorSession = '';
  for (let i = 0; i < 5; i++) {
    const r = await app.inject({
      method: 'PUT',
      url: '/loudvoice/authors/sessions.json',
      headers: { authorization: LOUDVOICE_AUTH },
      payload: { request: { author_session: { author: { author_reference: `SNAP-${i}`, name: `Snap ${i}` }, session: { expires_in: 60 } } } },
    });
    expect(r.statusCode).toBe(201);
    authorSession = r.json<{ response: { result: { data: { author_session: { author_session_token: string } } } } }>().response.result.data.author_session.author_session_token;
  }
  return { sessionId: login.json<{ sessionId: string }>().sessionId, authorSession };
}

describe.skipIf(!HAS_REDIS)('the Redis snapshot', () => {
  it('an instance started from the compact snapshot alone holds the same state, clock and expiry boundaries', async () => {
    const prefix = `snap-${randomUUID()}`;
    const a = await instance(prefix);
    const { sessionId, authorSession } = await fill(a);
    await advance(a, 30_000);
    await storeOf(a).compact();
    expect(redis.cli('GET', `{${prefix}}:snap`).startsWith(SNAPSHOT_HEADER.trim())).toBe(true);
    expect(redis.cli('LLEN', `{${prefix}}:log`)).toBe('0');

    const b = await instance(prefix);
    expect(stateOf(b)).toBe(stateOf(a));
    expect(await clockOf(b)).toBe(await clockOf(a));
    const listed = async (app: App) =>
      (await app.inject({ method: 'GET', url: '/loudvoice/authors/sessions.json', headers: { authorization: LOUDVOICE_AUTH } }))
        .json<{ response: { result: { data: { author_sessions: { entries: { author_session_token: string }[] } } } } }>()
        .response.result.data.author_sessions.entries.some((s) => s.author_session_token === authorSession);
    // expires_in 60 s from its start, 30 s of which have passed.
    await advance(b, 30_000 - 1);
    expect(await listed(b)).toBe(true);
    await advance(b, 1);
    expect(await listed(b)).toBe(false);
    // The LiveVox session: 2 hours from its login.
    await advance(b, 2 * 3_600_000 - 60_000 - 1);
    expect((await b.inject({ method: 'GET', url: `/session/validate/${sessionId}` })).statusCode).toBe(204);
    await advance(b, 1);
    expect((await b.inject({ method: 'GET', url: `/session/validate/${sessionId}` })).statusCode).toBe(404);
  });

  it('a store whose snapshot the earlier release wrote (the --state JSON layout) starts with its state kept', async () => {
    const prefix = `old-${randomUUID()}`;
    const a = await instance(prefix);
    await fill(a);
    await storeOf(a).compact();
    const seq = Number(redis.cli('HGET', `{${prefix}}:meta`, 'snapseq'));
    const time = await clockOf(a);
    // What the earlier release wrote in place of the compact snapshot, at the same point of the log.
    const old = JSON.stringify({ seq, time, state: a.state.snapshot() });
    expect(redis.cli('SET', `{${prefix}}:snap`, old)).toBe('OK');

    const b = await instance(prefix);
    expect(stateOf(b)).toBe(stateOf(a));
    expect(storeOf(b).appliedSeq).toBe(seq);
  });

  it('a snapshot of an unknown format stops the start with the reason', async () => {
    const prefix = `new-${randomUUID()}`;
    const a = await instance(prefix);
    await fill(a);
    await storeOf(a).compact();
    expect(redis.cli('SET', `{${prefix}}:snap`, 'session-kit snapshot 9\n[]')).toBe('OK');
    await expect(testApp({ redis: { url: redis.url, prefix } })).rejects.toThrow(/format 9, written by a newer session-kit release/);
  });
});
