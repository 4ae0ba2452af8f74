// Exact semantics across instances: two servers on one Redis store, over real sockets, behave as one service.
// Checked: 100 concurrent session PUTs for one new author_reference, spread over both, give exactly one 201 (one
// author, one session token); 50 concurrent logins of one user and token give one sessionId; 100 concurrent comment
// creates keep num_comments exact on both; a clock move on one instance is seen at once on the other, and the
// 2-hour (LiveVox) and expires_in (LoudVoice) boundaries hold to the millisecond across instances.
// Rules: LDV-SESSION-* (seed, O4), LVX-SAME-TOKEN-SAME-SESSION (observed), LVX-SESSION-EXPIRY (documented).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ControlledClock } from '../../src/runtime/clock.js';
import { HAS_REDIS, warnIfNoRedis } from '../helpers/redis-server.js';
import { startFleet, type TestFleet } from '../helpers/store-fleet.js';
import { DEMO, LOUDVOICE_AUTH, T0 } from '../helpers/test-app.js';

warnIfNoRedis('test/store/fleet.test.ts');

/** Two servers of one store, each on its own loopback port. */
let fleet: TestFleet | undefined;
const servers: TestFleet['servers'] = [];

beforeAll(async () => {
  if (!HAS_REDIS) return;
  fleet = await startFleet({ prefix: 'fleet', clock: () => new ControlledClock('fixed', T0), idp: true });
  servers.push(...fleet.servers);
});
afterAll(() => fleet?.close());

/** The i-th request goes to instance i mod 2: every burst is spread over both. */
const at = (i: number) => servers[i % 2]!.base;
const json = { 'Content-Type': 'application/json' };
const loudvoice = (i: number, method: string, path: string, body?: unknown) =>
  fetch(at(i) + path, { method, headers: { Authorization: LOUDVOICE_AUTH, ...json }, ...(body ? { body: JSON.stringify(body) } : {}) });
const data = async (r: Response) => ((await r.json()) as { response: { result: { data: Record<string, any> } } }).response.result.data; // eslint-disable-line @typescript-eslint/no-explicit-any
const advance = async (i: number, ms: number) => expect((await fetch(`${at(i)}/__admin/clock`, { method: 'POST', headers: json, body: JSON.stringify({ advanceMs: ms }) })).status).toBe(200);

describe.skipIf(!HAS_REDIS)('a fleet of two instances on one Redis store', () => {
  it('100 concurrent session PUTs for one new author_reference over both instances: exactly one 201', async () => {
    const body = { request: { author_session: { author: { author_reference: 'FLEET-NEW', name: 'Racer' } } } };
    const responses = await Promise.all(Array.from({ length: 100 }, (_, i) => loudvoice(i, 'PUT', '/loudvoice/authors/sessions.json', body)));
    const statuses = responses.map((r) => r.status);
    expect(statuses.filter((s) => s === 201)).toHaveLength(1);
    expect(statuses.filter((s) => s === 200)).toHaveLength(99);
    const sessions = await Promise.all(responses.map(async (r) => (await data(r)).author_session));
    expect(new Set(sessions.map((s) => s.author.author_token)).size).toBe(1);
    expect(new Set(sessions.map((s) => s.author_session_token)).size).toBe(1);
    for (const i of [0, 1]) {
      const authors = (await data(await loudvoice(i, 'GET', '/loudvoice/authors.json?entries_per_page=500'))).authors.entries;
      expect(authors.filter((a: { author_reference: string }) => a.author_reference === 'FLEET-NEW')).toHaveLength(1);
    }
  });

  it('50 concurrent logins of one user and token over both instances: one sessionId', async () => {
    const responses = await Promise.all(
      Array.from({ length: 50 }, (_, i) => fetch(`${at(i)}/session/login`, { method: 'POST', headers: { 'LV-Access': DEMO.token1, ...json }, body: JSON.stringify(DEMO.user) })),
    );
    expect(responses.map((r) => r.status).every((s) => s === 200)).toBe(true);
    const ids = await Promise.all(responses.map(async (r) => ((await r.json()) as { sessionId: string }).sessionId));
    expect(new Set(ids).size).toBe(1);
  });

  it('100 concurrent comment creates over both instances: num_comments exact on both', async () => {
    const discussion = '4f1c2a7e-2b7d-4c57-9a63-7f0d2d9b1c10';
    const author = '875b8930-eff8-4c2d-a594-3f4cc4ed4d0d';
    const counts = async (i: number) => [
      (await data(await loudvoice(i, 'GET', `/loudvoice/discussions/${discussion}.json`))).discussion.num_comments,
      (await data(await loudvoice(i, 'GET', `/loudvoice/authors/${author}.json`))).author.num_comments,
    ];
    const [discussionBefore, authorBefore] = await counts(0);
    const responses = await Promise.all(
      Array.from({ length: 100 }, (_, i) =>
        loudvoice(i, 'POST', '/loudvoice/comments.json', { request: { discussion: { discussion_token: discussion }, comment: { text: `fleet ${i}`, author: { author_token: author } } } }),
      ),
    );
    expect(responses.every((r) => r.status === 201)).toBe(true);
    for (const i of [0, 1]) expect(await counts(i)).toEqual([discussionBefore + 100, authorBefore + 100]);
  });

  it('a clock move on one instance is seen at once on the other; both expiry boundaries hold to the millisecond', async () => {
    const login = await fetch(`${at(0)}/session/login`, { method: 'POST', headers: { 'LV-Access': DEMO.token2, ...json }, body: JSON.stringify(DEMO.user) });
    const { sessionId } = (await login.json()) as { sessionId: string };
    const lv = await loudvoice(1, 'PUT', '/loudvoice/authors/sessions.json', { request: { author_session: { author: { author_reference: 'FLEET-CLOCK', name: 'Clock' }, session: { expires_in: 60 } } } });
    const token = (await data(lv)).author_session.author_session_token;
    const listed = async (i: number) =>
      (await data(await loudvoice(i, 'GET', '/loudvoice/authors/sessions.json'))).author_sessions.entries.some((s: { author_session_token: string }) => s.author_session_token === token);
    const validate = async (i: number) => (await fetch(`${at(i)}/session/validate/${sessionId}`)).status;

    await advance(1, 60_000 - 1);
    const clocks = await Promise.all([0, 1].map(async (i) => ((await (await fetch(`${at(i)}/__admin/clock`)).json()) as { epochMs: number }).epochMs));
    expect(clocks[0]).toBe(clocks[1]);
    expect(await listed(0)).toBe(true);
    await advance(0, 1);
    expect(await listed(1)).toBe(false);

    await advance(1, 2 * 3_600_000 - 60_000 - 1);
    expect(await validate(0)).toBe(204);
    await advance(0, 1);
    expect(await validate(1)).toBe(404);
  });
});
