// LoudVoice author sessions, in process: the three session-start variants with the exact 200/201 author semantics
// (seed), allow_create_new and its older spelling, unknown tokens, node-named 400s, one live session per author and
// its refresh, the expiry boundary on a manual clock, the live-only list and its filter, confirmed deletes, and a
// property test of the 201/200 rule. Rules: LDV-SESSION-* (seed and O4; boundary and token-kept are our choices).
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { T0 } from '../helpers/test-app.js';
import { FIX, loudVoiceApp, sessionBody } from './harness.js';

let lv: Awaited<ReturnType<typeof loudVoiceApp>>;
beforeEach(async () => {
  lv = await loudVoiceApp();
});
afterEach(() => lv.app.close());

const put = (body: unknown, raw?: string) => lv.call('PUT', '/loudvoice/authors/sessions.json', body, raw === undefined ? {} : { raw });
const list = (query = '') => lv.call('GET', `/loudvoice/authors/sessions.json${query}`);
const authorsList = () => lv.call('GET', '/loudvoice/authors.json');

describe('details variant (LDV-SESSION-201-NEW-AUTHOR, LDV-SESSION-200-EXISTING-AUTHOR)', () => {
  it('creates an unknown author_reference (201), then answers 200 for the same PUT', async () => {
    const first = await put(sessionBody({ author_reference: 'NEW-1', name: 'New One', email: 'new@example.com' }));
    expect(first.status).toBe(201);
    const s = first.data.author_session;
    expect(s.author).toMatchObject({ author_reference: 'NEW-1', name: 'New One', email: 'new@example.com', num_comments: 0, date_last_update: null });
    expect(s).toMatchObject({ date_last_update: null, expires_in: 1209600, date_creation: 'Mon, 05 Jan 2026 09:00:00 +0000', date_expiration: 'Mon, 19 Jan 2026 09:00:00 +0000' });
    const second = await put(sessionBody({ author_reference: 'NEW-1', name: 'New One', email: 'new@example.com' }));
    expect(second.status).toBe(200);
    expect(second.data.author_session.author.author_token).toBe(s.author.author_token);
    const authors = (await authorsList()).data.authors.entries.filter((a: { author_reference: string }) => a.author_reference === 'NEW-1');
    expect(authors).toHaveLength(1);
  });

  it('updates a known author with the fields sent (200), leaves the others, and sets date_last_update only on change (LDV-SESSION-AUTHOR-DETAILS-SYNC)', async () => {
    lv.clock.advance(1000);
    const same = await put(sessionBody({ author_reference: FIX.authorReference, name: 'John Doe' }));
    expect(same.status).toBe(200);
    expect(same.data.author_session.author.date_last_update).toBeNull();
    const changed = await put(sessionBody({ author_reference: FIX.authorReference, description: 'Changed', website_url: '' }));
    expect(changed.status).toBe(200);
    expect(changed.data.author_session.author).toMatchObject({
      author_token: FIX.authorToken,
      name: 'John Doe',
      email: 'john.doe@example.com',
      description: 'Changed',
      website_url: null,
      date_last_update: 'Mon, 05 Jan 2026 09:00:01 +0000',
    });
  });

  it('refuses an unknown reference with allow_create_new false (404) and creates nothing (LDV-SESSION-ALLOW-CREATE-NEW-FALSE)', async () => {
    const before = (await authorsList()).data.authors.pagination.total_entries;
    const res = await put(sessionBody({ author_reference: 'NOPE', allow_create_new: false, name: 'Nope' }));
    expect(res.status).toBe(404);
    expect(res.info).toBe('The node [request->author_session->author->author_reference] is invalid, no author has been found for that reference and allow_create_new is false');
    expect((await authorsList()).data.authors.pagination.total_entries).toBe(before);
    expect((await list()).data.author_sessions.entries).toEqual([]);
  });

  it('accepts allow_create_author_reference as the older spelling; allow_create_new wins when both are sent (LDV-SESSION-ALLOW-CREATE-LEGACY-FLAG)', async () => {
    expect((await put(sessionBody({ author_reference: 'L1', allow_create_author_reference: false, name: 'L' }))).status).toBe(404);
    expect((await put(sessionBody({ author_reference: 'L1', allow_create_author_reference: true, name: 'L' }))).status).toBe(201);
    expect((await put(sessionBody({ author_reference: 'L2', allow_create_new: true, allow_create_author_reference: false, name: 'L' }))).status).toBe(201);
    expect((await put(sessionBody({ author_reference: 'L3', allow_create_new: false, allow_create_author_reference: true, name: 'L' }))).status).toBe(404);
  });

  it('creates a new author every time without author_reference (201), and needs the reference when creation is off (LDV-SESSION-NO-REFERENCE-NEW-AUTHOR)', async () => {
    const a = await put(sessionBody({ name: 'Anon' }));
    const b = await put(sessionBody({ name: 'Anon' }));
    expect([a.status, b.status]).toEqual([201, 201]);
    expect(a.data.author_session.author.author_token).not.toBe(b.data.author_session.author.author_token);
    expect(a.data.author_session.author.author_reference).toBeNull();
    const off = await put(sessionBody({ name: 'Anon', allow_create_new: false }));
    expect(off.status).toBe(400);
    expect(off.info).toBe('The node [request->author_session->author->author_reference] is missing, it is required for this request');
  });

  it('needs a name for a new author (400, nothing created), but not for an existing one (LDV-SESSION-NAME-REQUIRED)', async () => {
    const res = await put(sessionBody({ author_reference: 'NO-NAME' }));
    expect(res.status).toBe(400);
    expect(res.info).toBe('The node [request->author_session->author->name] is required for new authors');
    expect((await lv.call('GET', '/loudvoice/authors/author.json?author_reference=NO-NAME')).status).toBe(404);
    expect((await put(sessionBody({ author_reference: FIX.authorReference }))).status).toBe(200);
  });
});

describe('identity and author_token variants', () => {
  it('creates the author from the identity profile on first use (201), then reuses it (200) (LDV-SESSION-IDENTITY-FIRST-USE-201)', async () => {
    const first = await put(sessionBody({ identity_token: FIX.identityToken }));
    expect(first.status).toBe(201);
    expect(first.data.author_session.author).toMatchObject({
      identity_token: FIX.identityToken,
      name: 'Jane Social',
      email: 'jane.social@example.com',
      picture_url: 'https://www.example.com/jane/avatar.png',
    });
    const again = await put(sessionBody({ identity_token: FIX.identityToken.toUpperCase() }));
    expect(again.status).toBe(200);
    expect(again.data.author_session.author.author_token).toBe(first.data.author_session.author.author_token);
  });

  it('refuses an unknown identity token with 404 naming the node (LDV-SESSION-IDENTITY-UNKNOWN-404)', async () => {
    const res = await put(sessionBody({ identity_token: '11111111-2222-4333-8444-555555555555' }));
    expect(res.status).toBe(404);
    expect(res.info).toBe('The node [request->author_session->author->identity_token] is invalid, no Social Login identity has been found for that token');
  });

  it('starts a session for an existing author_token (200) and refuses an unknown one (404, nothing created) (LDV-SESSION-AUTHOR-TOKEN-*)', async () => {
    const res = await put(sessionBody({ author_token: FIX.authorToken, name: 'ignored' }));
    expect(res.status).toBe(200);
    expect(res.data.author_session.author).toMatchObject({ author_token: FIX.authorToken, name: 'John Doe' });
    const unknown = await put(sessionBody({ author_token: '11111111-2222-4333-8444-555555555555' }));
    expect(unknown.status).toBe(404);
    expect(unknown.info).toBe('The node [request->author_session->author->author_token] is invalid, no author has been found for that token');
    expect((await authorsList()).data.authors.pagination.total_entries).toBe(1);
  });

  it('refuses author_token and identity_token together, and a missing author node (LDV-SESSION-VARIANT-EXCLUSIVE)', async () => {
    const both = await put(sessionBody({ author_token: FIX.authorToken, identity_token: FIX.identityToken }));
    expect(both.status).toBe(400);
    expect(both.info).toMatch(/^The node \[request->author_session->author\] is invalid, /);
    const missing = await put({ request: { author_session: {} } });
    expect(missing.info).toBe('The node [request->author_session->author] is missing, it is required for this request');
  });
});

describe('400s name the offending node (LDV-BODY-INVALID-400, LDV-BODY-WRAPPED-REQUEST)', () => {
  it.each([
    ['malformed JSON', undefined, '{"request":', 'The body of the request could not be parsed, it must be a valid JSON document with a top-level [request] node'],
    ['not wrapped in request', { author_session: {} }, undefined, 'The node [request] is missing, it is required for this request'],
    ['an array body', [1, 2], undefined, 'The node [request] is missing, it is required for this request'],
    ['no author_session', { request: { author: {} } }, undefined, 'The node [request->author_session] is missing, it is required for this request'],
    ['author_session not an object', { request: { author_session: [] } }, undefined, 'The node [request->author_session] is invalid, an object is expected'],
    ['name not a string', sessionBody({ author_reference: 'X', name: 42 }), undefined, 'The node [request->author_session->author->name] is invalid, a non-empty string is expected'],
    ['invalid email', sessionBody({ author_reference: 'X', name: 'X', email: 'not-an-email' }), undefined, 'The node [request->author_session->author->email] is invalid, an email address is expected'],
    ['invalid URL', sessionBody({ author_reference: 'X', name: 'X', picture_url: 'ftp://x' }), undefined, 'The node [request->author_session->author->picture_url] is invalid, a fully qualified http or https URL is expected'],
    ['author_token not a UUID', sessionBody({ author_token: 'abc' }), undefined, 'The node [request->author_session->author->author_token] is invalid, a UUID is expected'],
    ['expires_in 0', sessionBody({ author_reference: 'X', name: 'X' }, { expires_in: 0 }), undefined, 'The node [request->author_session->session->expires_in] is invalid, an integer between 1 and 31536000 is expected'],
    ['expires_in a string', sessionBody({ author_reference: 'X', name: 'X' }, { expires_in: '60' }), undefined, 'The node [request->author_session->session->expires_in] is invalid, an integer between 1 and 31536000 is expected'],
    ['expires_in fractional', sessionBody({ author_reference: 'X', name: 'X' }, { expires_in: 1.5 }), undefined, 'The node [request->author_session->session->expires_in] is invalid, an integer between 1 and 31536000 is expected'],
    ['allow_create_new not a boolean', sessionBody({ author_reference: 'X', name: 'X', allow_create_new: 'yes' }), undefined, 'The node [request->author_session->author->allow_create_new] is invalid, true or false is expected'],
    // An optional node is absent or an object: null is not "use the defaults".
    ['session null', { request: { author_session: { author: { author_reference: 'X', name: 'X' }, session: null } } }, undefined, 'The node [request->author_session->session] is invalid, an object is expected'],
  ])('%s', async (_name, body, raw, info) => {
    const res = await put(body, raw);
    expect(res.status).toBe(400);
    expect(res.info).toBe(info);
    expect((await authorsList()).data.authors.pagination.total_entries).toBe(1);
  });

  it('never answers 500 for odd input: huge strings, odd Unicode, deep nesting, nulls everywhere', async () => {
    const bodies = [
      sessionBody({ author_reference: 'x'.repeat(500_000), name: '\u{1F600}\uD800' }),
      sessionBody({ author_reference: null, name: null }),
      { request: null },
      { request: { author_session: { author: null, session: null } } },
      JSON.parse('{"request":{"author_session":{"author":{"__proto__":{"x":1},"name":"P"}}}}'),
      sessionBody({ author_reference: ['a'], name: { a: 1 } }),
    ];
    for (const body of bodies) expect((await put(body)).status).toBeLessThan(500);
  });

  it('treats null and "" as none for URLs and emails (LDV-BODY-EMPTY-MEANS-NONE) and ignores unknown fields', async () => {
    const res = await put(sessionBody({ author_reference: 'WP-1', name: 'admin', email: null, website_url: '', picture_url: null, ip_address: '203.0.113.10' }));
    expect(res.status).toBe(201);
    expect(res.data.author_session.author).toMatchObject({ email: null, website_url: null, picture_url: null });
  });
});

describe('one live session per author, refresh and expiry', () => {
  it('keeps the token on refresh, sets date_last_update and pushes date_expiration; expires_in may change (LDV-SESSION-REFRESH-EXTENDS)', async () => {
    const first = (await put(sessionBody({ author_reference: 'R', name: 'R' }, { expires_in: 60 }))).data.author_session;
    lv.clock.advance(30_000);
    const again = (await put(sessionBody({ author_reference: 'R' }, { expires_in: 120 }))).data.author_session;
    expect(again.author_session_token).toBe(first.author_session_token);
    expect(again).toMatchObject({
      date_creation: first.date_creation,
      date_last_update: 'Mon, 05 Jan 2026 09:00:30 +0000',
      expires_in: 120,
      date_expiration: 'Mon, 05 Jan 2026 09:02:30 +0000',
    });
    expect((await list()).data.author_sessions.pagination.total_entries).toBe(1);
  });

  it('is live at expires_in − 1 ms after the last activity and gone at exactly expires_in (LDV-SESSION-EXPIRY-BOUNDARY)', async () => {
    const s = (await put(sessionBody({ author_reference: 'E', name: 'E' }, { expires_in: 10 }))).data.author_session;
    lv.clock.advance(9_999);
    expect((await list()).data.author_sessions.entries.map((e: { author_session_token: string }) => e.author_session_token)).toEqual([s.author_session_token]);
    lv.clock.advance(1);
    expect((await list()).data.author_sessions.entries).toEqual([]);
    expect((await lv.call('DELETE', `/loudvoice/authors/sessions/${s.author_session_token}.json?confirm_deletion=true`)).status).toBe(404);
    // The next PUT starts a new session with a new token (LDV-SESSION-LIST-LIVE-ONLY), and the author already exists: 200.
    const next = await put(sessionBody({ author_reference: 'E' }, { expires_in: 10 }));
    expect(next.status).toBe(200);
    expect(next.data.author_session.author_session_token).not.toBe(s.author_session_token);
    expect(next.data.author_session.date_last_update).toBeNull();
  });

  it('counts only session PUTs as activity: reads and lists do not extend a session (LDV-SESSION-ACTIVITY)', async () => {
    await put(sessionBody({ author_reference: 'A', name: 'A' }, { expires_in: 5 }));
    for (let i = 0; i < 4; i++) {
      lv.clock.advance(1000);
      await list();
      await lv.call('GET', '/loudvoice/authors/author.json?author_reference=A');
    }
    lv.clock.advance(1000);
    expect((await list()).data.author_sessions.entries).toEqual([]);
  });

  it('expires sessions with different expires_in in expiry order, whatever the creation order; the admin view agrees', async () => {
    await put(sessionBody({ author_reference: 'LONG', name: 'L' }, { expires_in: 100 }));
    await put(sessionBody({ author_reference: 'SHORT', name: 'S' }, { expires_in: 10 }));
    lv.clock.advance(10_000);
    const refs = (await list()).data.author_sessions.entries.map((e: { author: { author_reference: string } }) => e.author.author_reference);
    expect(refs).toEqual(['LONG']);
    const admin = await lv.app.inject({ method: 'GET', url: '/__admin/sessions' });
    expect(admin.json().loudvoice).toEqual([expect.objectContaining({ site: 'demo', authorReference: 'LONG', expiresIn: 100 })]);
    expect(JSON.stringify(admin.json())).not.toContain('bbbbbbbb');
    const clock = await lv.app.inject({ method: 'POST', url: '/__admin/clock', payload: { advanceMs: 90_000 } });
    expect(clock.statusCode).toBe(200);
    expect((await lv.app.inject({ method: 'GET', url: '/__admin/sessions' })).json().loudvoice).toEqual([]);
  });
});

describe('list and delete', () => {
  it('filters by author_token:eq:… (at most one entry; unknown author: empty) and refuses other filters (LDV-SESSION-LIST-FILTER*)', async () => {
    const a = (await put(sessionBody({ author_reference: 'F1', name: 'F' }))).data.author_session;
    await put(sessionBody({ author_reference: 'F2', name: 'F' }));
    const filtered = await list(`?filters=author_token:eq:${a.author.author_token}`);
    expect(filtered.body.response.request.resource).toBe(`/loudvoice/authors/sessions.json?filters=author_token:eq:${a.author.author_token}`);
    expect(filtered.data.author_sessions.entries.map((e: { author_session_token: string }) => e.author_session_token)).toEqual([a.author_session_token]);
    expect((await list('?filters=author_token:eq:11111111-2222-4333-8444-555555555555')).data.author_sessions.entries).toEqual([]);
    for (const bad of ['name:eq:x', 'author_token:ne:' + a.author.author_token, 'author_token:eq:nope', '']) {
      const res = await list(`?filters=${encodeURIComponent(bad)}`);
      expect(res.status).toBe(400);
      expect(res.info).toBe(`The filter [${bad}] is not supported, the only supported filter is author_token:eq:<author_token>`);
    }
  });

  it('ends a session only with confirm_deletion=true (200, the node as it was), and keeps the author (LDV-SESSION-DELETE-*)', async () => {
    const s = (await put(sessionBody({ author_reference: 'D', name: 'D' }))).data.author_session;
    const url = `/loudvoice/authors/sessions/${s.author_session_token}.json`;
    for (const q of ['', '?confirm_deletion=false', '?confirm_deletion=1', '?confirm_deletion=TRUE']) {
      const res = await lv.call('DELETE', url + q);
      expect(res.status).toBe(400);
      expect(res.info).toBe('The parameter [confirm_deletion] must be set to true to delete this resource, nothing has been deleted');
    }
    expect((await list()).data.author_sessions.pagination.total_entries).toBe(1);
    const del = await lv.call('DELETE', `${url}?confirm_deletion=true`);
    expect(del.status).toBe(200);
    expect(del.data.author_session).toEqual(s);
    expect((await list()).data.author_sessions.entries).toEqual([]);
    const again = await lv.call('DELETE', `${url}?confirm_deletion=true`);
    expect(again.status).toBe(404);
    expect(again.info).toBe(`No author session has been found for the author_session_token [${s.author_session_token}], it does not exist or has expired`);
    expect((await lv.call('GET', '/loudvoice/authors/author.json?author_reference=D')).status).toBe(200);
  });

  it('gives exactly one 201 for 100 concurrent PUTs of one new reference', async () => {
    const results = await Promise.all(Array.from({ length: 100 }, () => put(sessionBody({ author_reference: 'RACE', name: 'Race' }))));
    expect(results.filter((r) => r.status === 201)).toHaveLength(1);
    expect(results.filter((r) => r.status === 200)).toHaveLength(99);
    expect(new Set(results.map((r) => r.data.author_session.author_session_token)).size).toBe(1);
  });
});

describe('property: 201 exactly once per new reference', () => {
  it('any sequence of session PUTs over a few references gives one 201 per new reference, 200 otherwise, and one author each', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.record({ ref: fc.constantFrom('P-1', 'P-2', 'P-3', FIX.authorReference), advance: fc.nat(2_000_000_000), expiresIn: fc.integer({ min: 1, max: 31_536_000 }) }), { maxLength: 25 }),
        async (steps) => {
          await lv.app.inject({ method: 'POST', url: '/__admin/reset', payload: {} });
          const seen = new Set<string>([FIX.authorReference]);
          for (const step of steps) {
            lv.clock.advance(step.advance);
            const res = await put(sessionBody({ author_reference: step.ref, name: step.ref }, { expires_in: step.expiresIn }));
            expect(res.status).toBe(seen.has(step.ref) ? 200 : 201);
            seen.add(step.ref);
          }
          const refs = (await lv.call('GET', '/loudvoice/authors.json?entries_per_page=500')).data.authors.entries.map((a: { author_reference: string }) => a.author_reference);
          expect([...refs].sort()).toEqual([...seen].sort());
        },
      ),
      { numRuns: 40, seed: 4 },
    );
    expect(lv.clock.now()).toBeGreaterThanOrEqual(T0);
  });
});
