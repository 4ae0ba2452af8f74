// Faults of the shared store, with a real redis-server killed and started again. Checked: while Redis is down every
// request is answered promptly with 503 in its API's own shape (LiveVox {code, message}; the LoudVoice envelope
// with status.code 503) and nothing else; GET /__admin/health says down (503) then up; the client reconnects by
// itself; and across a kill -9 of redis-server in the middle of a load of writes spread over two instances, no
// acknowledged write is lost or half-applied (Redis runs with appendfsync always): every comment answered 201 is
// there on both instances, and the counters equal the comments listed. Rules: SERVICE_UNAVAILABLE (503, the catalogue's), our store design.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ControlledClock } from '../../src/runtime/clock.js';
import { HAS_REDIS, warnIfNoRedis, type TestRedis } from '../helpers/redis-server.js';
import { startFleet, type TestFleet } from '../helpers/store-fleet.js';
import { DEMO, LOUDVOICE_AUTH } from '../helpers/test-app.js';
import { errors } from '../../src/generated/livevox-session-catalogue.js';

warnIfNoRedis('test/store/store-faults.test.ts');

let fleet: TestFleet | undefined;
let redis: TestRedis;
const servers: TestFleet['servers'] = [];
beforeAll(async () => {
  if (!HAS_REDIS) return;
  fleet = await startFleet({ prefix: 'faults', clock: () => new ControlledClock('system'), timeoutMs: 1000 });
  redis = fleet.redis;
  servers.push(...fleet.servers);
});
afterAll(() => fleet?.close());

const json = { 'Content-Type': 'application/json' };
const discussion = '4f1c2a7e-2b7d-4c57-9a63-7f0d2d9b1c10';
const comment = (i: number, text: string) =>
  fetch(`${servers[i % 2]!.base}/loudvoice/comments.json`, {
    method: 'POST',
    headers: { Authorization: LOUDVOICE_AUTH, ...json },
    body: JSON.stringify({ request: { discussion: { discussion_token: discussion }, comment: { text, author: { author_reference: 'USER-123456' } } } }),
    signal: AbortSignal.timeout(5000),
  });
const loudvoiceGet = (i: number, path: string) => fetch(servers[i]!.base + path, { headers: { Authorization: LOUDVOICE_AUTH }, signal: AbortSignal.timeout(5000) });
const login = (i: number) => fetch(`${servers[i]!.base}/session/login`, { method: 'POST', headers: { 'LV-Access': DEMO.token1, ...json }, body: JSON.stringify(DEMO.user), signal: AbortSignal.timeout(5000) });

/** Retries until Redis answers again (the client reconnects by itself, with a short backoff). */
async function untilUp(i: number): Promise<void> {
  for (let tries = 0; tries < 100; tries++) {
    const health = await fetch(`${servers[i]!.base}/__admin/health`);
    if (health.status === 200) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error('the store did not come back');
}

describe.skipIf(!HAS_REDIS)('faults of the Redis store', () => {
  it('while Redis is down: 503 in each API shape, promptly; health says down; then it reconnects by itself', async () => {
    const before = await login(0);
    expect(before.status).toBe(200);
    const { sessionId } = (await before.json()) as { sessionId: string };
    await redis.stop();

    const started = Date.now();
    const lv = await login(1);
    expect(lv.status).toBe(503);
    expect(await lv.json()).toEqual({ code: errors.SERVICE_UNAVAILABLE.code, message: errors.SERVICE_UNAVAILABLE.message });
    expect(lv.headers.get('retry-after')).toBe('1');
    const details = await fetch(`${servers[0]!.base}/session/details`, { headers: { 'LV-Session': sessionId } });
    expect(details.status).toBe(503);
    const ldv = await comment(0, 'while down');
    expect(ldv.status).toBe(503);
    const envelope = (await ldv.json()) as { response: { request: { status: { flag: string; code: number } }; result?: unknown } };
    expect(envelope.response.request.status).toMatchObject({ flag: 'error', code: 503 });
    expect(envelope.response.result).toBeUndefined();
    expect((await loudvoiceGet(1, '/loudvoice/authors.json')).status).toBe(503);
    const health = await fetch(`${servers[0]!.base}/__admin/health`);
    expect(health.status).toBe(503);
    expect(await health.json()).toMatchObject({ store: 'redis', status: 'down' });
    expect(Date.now() - started).toBeLessThan(3000);

    await redis.start();
    await untilUp(0);
    await untilUp(1);
    const after = await fetch(`${servers[1]!.base}/session/details`, { headers: { 'LV-Session': sessionId } });
    expect(after.status).toBe(200);
  });

  it('a kill -9 of redis-server in the middle of a load: no acknowledged write lost or half-applied, no other 5xx', async () => {
    const acknowledged: string[] = [];
    const statuses = new Map<number, number>();
    let running = true;
    let n = 0;
    const writer = async () => {
      while (running && n < 400) {
        const i = n++;
        try {
          const r = await comment(i, `load ${i}`);
          statuses.set(r.status, (statuses.get(r.status) ?? 0) + 1);
          const body = (await r.json()) as { response: { result?: { data: { comment: { comment_token: string } } } } };
          if (r.status === 201) acknowledged.push(body.response.result!.data.comment.comment_token);
        } catch (error) {
          statuses.set(-1, (statuses.get(-1) ?? 0) + 1); // no answer at all (a hang past 5 s): counted, must not happen
        }
      }
    };
    const writers = Array.from({ length: 6 }, writer);
    await new Promise((r) => setTimeout(r, 400));
    await redis.stop('SIGKILL');
    await new Promise((r) => setTimeout(r, 300));
    await redis.start();
    await new Promise((r) => setTimeout(r, 600));
    running = false;
    await Promise.all(writers);
    await untilUp(0);
    await untilUp(1);

    expect([...statuses.keys()].every((s) => s === 201 || s === 503)).toBe(true);
    expect(statuses.get(503) ?? 0).toBeGreaterThan(0);
    expect(acknowledged.length).toBeGreaterThan(0);
    for (const i of [0, 1]) {
      const listed = (await (await loudvoiceGet(i, `/loudvoice/discussions/${discussion}/comments.json?entries_per_page=500&page=1`)).json()) as {
        response: { result: { data: { comments: { pagination: { total_entries: number }; entries: { comment_token: string }[] } } } };
      };
      const all = listed.response.result.data.comments;
      const tokens = new Set(all.entries.map((c) => c.comment_token));
      for (const token of acknowledged) expect(tokens.has(token)).toBe(true);
      const counted = (await (await loudvoiceGet(i, `/loudvoice/discussions/${discussion}.json`)).json()) as { response: { result: { data: { discussion: { num_comments: number } } } } };
      expect(counted.response.result.data.discussion.num_comments).toBe(all.pagination.total_entries);
      expect(all.entries.length).toBe(all.pagination.total_entries);
    }
  });
});
