// Conflicting writes are serialised like a real service would: over real sockets (not inject), 100 concurrent
// session PUTs for one new author_reference give one 201 and one author; concurrent logins of one user with one
// token give one sessionId; concurrent comment creates keep num_comments exact.
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO, LOUDVOICE_AUTH, testApp } from '../helpers/test-app.js';

let app: FastifyInstance;
let base: string;
beforeAll(async () => {
  ({ app } = await testApp());
  base = await app.listen({ port: 0, host: '127.0.0.1' });
});
afterAll(() => app.close());

const loudvoice = (method: string, path: string, body?: unknown) =>
  fetch(base + path, { method, headers: { Authorization: LOUDVOICE_AUTH, 'Content-Type': 'application/json' }, ...(body ? { body: JSON.stringify(body) } : {}) });

describe('concurrency over real connections', () => {
  it('100 concurrent session PUTs for one new author_reference: exactly one 201, 99 × 200, one author, one session', async () => {
    const reference = 'CONCURRENT-NEW';
    const responses = await Promise.all(
      Array.from({ length: 100 }, () => loudvoice('PUT', '/loudvoice/authors/sessions.json', { request: { author_session: { author: { author_reference: reference, name: 'Racer' } } } })),
    );
    const statuses = responses.map((r) => r.status);
    expect(statuses.filter((s) => s === 201)).toHaveLength(1);
    expect(statuses.filter((s) => s === 200)).toHaveLength(99);
    const bodies = await Promise.all(responses.map((r) => r.json() as Promise<{ response: { result: { data: { author_session: { author_session_token: string; author: { author_token: string } } } } } }>));
    expect(new Set(bodies.map((b) => b.response.result.data.author_session.author.author_token)).size).toBe(1);
    expect(new Set(bodies.map((b) => b.response.result.data.author_session.author_session_token)).size).toBe(1);
    const list = (await (await loudvoice('GET', '/loudvoice/authors.json?entries_per_page=500')).json()) as { response: { result: { data: { authors: { entries: { author_reference: string }[] } } } } };
    expect(list.response.result.data.authors.entries.filter((a) => a.author_reference === reference)).toHaveLength(1);
  });

  it('50 concurrent logins of one user with one token: one sessionId', async () => {
    const responses = await Promise.all(
      Array.from({ length: 50 }, () =>
        fetch(`${base}/session/login`, { method: 'POST', headers: { 'LV-Access': DEMO.token1, 'Content-Type': 'application/json' }, body: JSON.stringify(DEMO.user) }),
      ),
    );
    expect(responses.every((r) => r.status === 200)).toBe(true);
    const ids = await Promise.all(responses.map(async (r) => ((await r.json()) as { sessionId: string }).sessionId));
    expect(new Set(ids).size).toBe(1);
  });

  it('100 concurrent comment creates: num_comments of the discussion and the author stay exact', async () => {
    const discussion = '4f1c2a7e-2b7d-4c57-9a63-7f0d2d9b1c10';
    const author = '875b8930-eff8-4c2d-a594-3f4cc4ed4d0d';
    const count = async (path: string, node: 'discussion' | 'author') =>
      ((await (await loudvoice('GET', path)).json()) as { response: { result: { data: Record<string, { num_comments: number }> } } }).response.result.data[node]!.num_comments;
    const discussionBefore = await count(`/loudvoice/discussions/${discussion}.json`, 'discussion');
    const authorBefore = await count(`/loudvoice/authors/${author}.json`, 'author');
    const responses = await Promise.all(
      Array.from({ length: 100 }, (_, i) =>
        loudvoice('POST', '/loudvoice/comments.json', { request: { discussion: { discussion_token: discussion }, comment: { text: `race ${i}`, author: { author_token: author } } } }),
      ),
    );
    expect(responses.every((r) => r.status === 201)).toBe(true);
    expect(await count(`/loudvoice/discussions/${discussion}.json`, 'discussion')).toBe(discussionBefore + 100);
    expect(await count(`/loudvoice/authors/${author}.json`, 'author')).toBe(authorBefore + 100);
  });
});
