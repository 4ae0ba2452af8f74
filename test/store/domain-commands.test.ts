// The replicated log holds domain commands, never HTTP requests:
// - a LoudVoice write on one instance of a Redis fleet is applied on another through the core's command, with no
//   route handler involved (the other "instance" here has no fastify app at all, only the state and the store);
// - the log entry of that write is the core's command (an operation and its parsed inputs), not the route and body;
// - a Redis store written by the previous release (log format 1: LoudVoice writes as HTTP requests) is refused at
//   start with what to do, and the state applier refuses such an entry by name instead of guessing at it.
// Our own design rules (README "Running a fleet", GitHub issue 21), not vendor rules.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadFixtures } from '../../src/config/fixtures.js';
import { buildApp, DEFAULT_CONFIG } from '../../src/http/app.js';
import { ControlledClock } from '../../src/runtime/clock.js';
import { cryptoIds } from '../../src/runtime/ids.js';
import { ServerState } from '../../src/state/server-state.js';
import { stateFingerprint } from '../../src/store/fingerprint.js';
import { createRedisStore } from '../../src/store/redis-store.js';
import { NO_FAULTS } from '../../src/core/faults.js';
import { NO_VARIANTS } from '../../src/core/variants.js';
import { HAS_REDIS, startRedis, warnIfNoRedis, type TestRedis } from '../helpers/redis-server.js';
import { LOUDVOICE_AUTH, T0, testApp } from '../helpers/test-app.js';

warnIfNoRedis('test/store/domain-commands.test.ts');

const fixtures = loadFixtures();
const shared = { api: 'both', fixtures, faults: NO_FAULTS, variants: NO_VARIANTS };
const json = { 'content-type': 'application/json', authorization: LOUDVOICE_AUTH };
const sessionPut = (reference: string) =>
  JSON.stringify({ request: { author_session: { author: { author_reference: reference, name: 'Logged Author' }, session: { expires_in: 600 } } } });

describe.skipIf(!HAS_REDIS)('the Redis log holds domain commands', () => {
  let redis: TestRedis;
  beforeAll(async () => {
    redis = await startRedis();
  });
  afterAll(async () => {
    await redis?.remove();
  });

  it('A LoudVoice write on one instance of a Redis fleet is applied on the other through the core\'s command, with no route handler involved', async () => {
    const prefix = 'domain-commands';
    const a = await buildApp(
      { ...DEFAULT_CONFIG, fixtures, sweepIntervalMs: 0, redis: { url: redis.url, prefix } },
      { clock: new ControlledClock('fixed', T0), ids: cryptoIds },
    );
    // B: the state and the store of a second instance, and nothing else: no fastify app, so no route can run.
    const b = createRedisStore(
      { url: redis.url, prefix },
      { clock: new ControlledClock('fixed', T0), ids: cryptoIds, fingerprint: stateFingerprint(shared) },
      (ports) => new ServerState(fixtures, { ...ports, faults: NO_FAULTS, variants: NO_VARIANTS }),
    );
    b.state.store = b.store;
    try {
      await b.store.connect();
      await b.store.open();
      const put = await a.inject({ method: 'PUT', url: '/loudvoice/authors/sessions.json', headers: json, payload: sessionPut('LOGGED-1') });
      expect(put.statusCode).toBe(201);
      const made = put.json().response.result.data.author_session;

      // The entry A committed: "time seed json", the json being the core's command.
      const entries = redis.cli('LRANGE', `{${prefix}}:log`, '0', '-1').trim().split('\n');
      const command = JSON.parse(entries.at(-1)!.split(' ').slice(2).join(' ')) as Record<string, unknown>;
      expect(command).toMatchObject({ k: 'ldv', site: 'demo', op: 'startSession', input: { author: { kind: 'details', authorReference: 'LOGGED-1' }, expiresIn: 600 } });
      for (const http of ['route', 'params', 'query', 'body', 'contentType']) expect(command, `no HTTP in the log: ${http}`).not.toHaveProperty(http);

      // B applies it through ServerState.apply -> the core: the same author and session, the same tokens.
      await b.store.sync();
      const site = b.state.loudvoice.site('demo')!;
      const author = site.getAuthor({ reference: 'LOGGED-1' });
      expect(author.ok && author.value.authorToken).toBe(made.author.author_token);
      expect(site.liveSessions().map((s) => s.authorSessionToken)).toContain(made.author_session_token);
    } finally {
      await b.store.close();
      await a.close();
    }
  });

  it('a refused LoudVoice write is not logged (only writes the core decides on are)', async () => {
    const prefix = 'refused-write';
    const a = await buildApp({ ...DEFAULT_CONFIG, fixtures, sweepIntervalMs: 0, redis: { url: redis.url, prefix } }, { clock: new ControlledClock('fixed', T0), ids: cryptoIds });
    try {
      const bad = await a.inject({ method: 'POST', url: '/loudvoice/authors.json', headers: json, payload: '{"request":' });
      expect(bad.statusCode).toBe(400);
      expect(redis.cli('LLEN', `{${prefix}}:log`).trim()).toBe('0');
    } finally {
      await a.close();
    }
  });

  it('a store written by the previous release (LoudVoice writes logged as HTTP requests) is refused at start with what to do', async () => {
    const prefix = 'previous-release';
    // The store as the previous release left it, written by hand: its meta (log format 1 fingerprint) and a log
    // entry holding a LoudVoice write as the route and the request's data.
    const meta = { seq: '1', base: '0', gen: 'old-gen', fp: stateFingerprint(shared, 1), mode: 'fixed', initmode: 'fixed', offset: '0', start: String(T0), last: '0', epoch: '0', snapseq: '0' };
    redis.cli('HSET', `{${prefix}}:meta`, ...Object.entries(meta).flat());
    const old = { k: 'ldv', route: 'PUT /loudvoice/authors/sessions.json', site: 'demo', params: {}, query: {}, body: JSON.parse(sessionPut('OLD-1')) };
    redis.cli('RPUSH', `{${prefix}}:log`, `${T0} 00000000-0000-4000-8000-000000000001 ${JSON.stringify(old)}`);
    await expect(
      buildApp({ ...DEFAULT_CONFIG, fixtures, sweepIntervalMs: 0, redis: { url: redis.url, prefix } }, { clock: new ControlledClock('fixed', T0), ids: cryptoIds }),
    ).rejects.toThrow(/written by an earlier session-kit release.*logs domain commands.*FLUSHDB/);
    // The store is left as it was: refusing never destroys someone's data.
    expect(redis.cli('LLEN', `{${prefix}}:log`).trim()).toBe('1');
  });
});

describe('the state applier', () => {
  it('refuses a LoudVoice entry of the previous release by name, and changes nothing', async () => {
    const { app } = await testApp();
    try {
      const before = JSON.stringify(app.state.snapshot());
      const old = { k: 'ldv', route: 'PUT /loudvoice/authors/sessions.json', site: 'demo', params: {}, query: {}, body: JSON.parse(sessionPut('OLD-2')) };
      expect(() => app.state.apply(old)).toThrow('unknown LoudVoice command: "PUT /loudvoice/authors/sessions.json"');
      expect(JSON.stringify(app.state.snapshot())).toBe(before);
    } finally {
      await app.close();
    }
  });
});
