// LoudVoice authors, in process: list, create (unique author_reference: 409; identity link), read, update and delete
// by author_token and by ?author_reference=, confirmed deletes that end sessions and turn comments into guest
// comments. Rules: LDV-AUTHOR-* (O5; statuses of conflicts assumed), LDV-DELETE-*, LDV-LAST-UPDATE-ON-CHANGE.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FIX, loudVoiceApp, sessionBody } from './harness.js';

let lv: Awaited<ReturnType<typeof loudVoiceApp>>;
beforeEach(async () => {
  lv = await loudVoiceApp();
});
afterEach(() => lv.app.close());

const create = (author: Record<string, unknown>) => lv.call('POST', '/loudvoice/authors.json', { request: { author } });
const byToken = (token: string, q = '') => `/loudvoice/authors/${token}.json${q}`;
const byRef = (ref: string, q = '') => `/loudvoice/authors/author.json?author_reference=${encodeURIComponent(ref)}${q}`;

describe('create and read', () => {
  it('creates an author (201) with num_comments 0 and null dates, readable by token and by reference (LDV-AUTHOR-CREATE-201)', async () => {
    const res = await create({ author_reference: 'A-1', name: 'Ann', email: 'ann@example.com', website_url: 'https://ann.example/' });
    expect(res.status).toBe(201);
    const a = res.data.author;
    expect(a).toMatchObject({ author_reference: 'A-1', name: 'Ann', num_comments: 0, date_last_comment: null, date_last_update: null, identity_token: null, description: null });
    expect((await lv.call('GET', byToken(a.author_token))).data.author).toEqual(a);
    expect((await lv.call('GET', byRef('A-1'))).data.author).toEqual(a);
    expect((await lv.call('GET', '/loudvoice/authors.json')).data.authors.entries.map((e: { name: string }) => e.name)).toEqual(['John Doe', 'Ann']);
  });

  it('refuses a duplicate author_reference with 409 and creates nothing (LDV-AUTHOR-REFERENCE-UNIQUE)', async () => {
    const res = await create({ author_reference: FIX.authorReference, name: 'Dup' });
    expect(res.status).toBe(409);
    expect(res.info).toBe(`The node [request->author->author_reference] is invalid, the author_reference [${FIX.authorReference}] is already used by another author`);
    expect((await lv.call('GET', '/loudvoice/authors.json')).data.authors.pagination.total_entries).toBe(1);
  });

  it('needs a name unless identity_token gives one (LDV-AUTHOR-CREATE-NAME-REQUIRED, LDV-AUTHOR-IDENTITY-LINK)', async () => {
    const res = await create({ author_reference: 'NO-NAME' });
    expect(res.status).toBe(400);
    expect(res.info).toBe('The node [request->author->name] is required for new authors');
    const linked = await create({ identity_token: FIX.identityToken });
    expect(linked.status).toBe(201);
    expect(linked.data.author).toMatchObject({ name: 'Jane Social', email: 'jane.social@example.com', identity_token: FIX.identityToken });
    expect((await create({ identity_token: FIX.identityToken, name: 'Twice' })).status).toBe(409);
    expect((await create({ identity_token: '11111111-2222-4333-8444-555555555555' })).status).toBe(404);
    // The identity's session now finds that author: 200, not 201.
    expect((await lv.call('PUT', '/loudvoice/authors/sessions.json', sessionBody({ identity_token: FIX.identityToken }))).status).toBe(200);
  });

  it('answers 404 RESOURCE_NOT_FOUND for an unknown token or reference, 400 for a missing reference (LDV-AUTHOR-READ*)', async () => {
    expect((await lv.call('GET', byToken('11111111-2222-4333-8444-555555555555'))).info).toBe('No author has been found for the author_token [11111111-2222-4333-8444-555555555555]');
    expect((await lv.call('GET', byRef('NOPE'))).info).toBe('No author has been found for the author_reference [NOPE]');
    const missing = await lv.call('GET', '/loudvoice/authors/author.json');
    expect(missing.status).toBe(400);
    expect(missing.info).toBe('The parameter [author_reference] is invalid, a non-empty value is expected');
  });
});

describe('update', () => {
  it('changes only the fields sent, clears with null or "", and sets date_last_update on change only (LDV-AUTHOR-UPDATE-200)', async () => {
    lv.clock.advance(5000);
    const same = await lv.call('PUT', byToken(FIX.authorToken), { request: { author: { name: 'John Doe' } } });
    expect(same.data.author.date_last_update).toBeNull();
    const res = await lv.call('PUT', byRef(FIX.authorReference), { request: { author: { description: null, website_url: '', email: 'new@example.com' } } });
    expect(res.status).toBe(200);
    expect(res.data.author).toMatchObject({ name: 'John Doe', description: null, website_url: null, email: 'new@example.com', date_last_update: 'Mon, 05 Jan 2026 09:00:05 +0000' });
    const cleared = await lv.call('PUT', byToken(FIX.authorToken), { request: { author: { author_reference: null } } });
    expect(cleared.data.author.author_reference).toBeNull();
    expect((await lv.call('GET', byRef(FIX.authorReference))).status).toBe(404);
  });

  it('clears author_reference only with null: "" is refused (400) and the reference stays (LDV-AUTHOR-UPDATE-PARTIAL)', async () => {
    const res = await lv.call('PUT', byToken(FIX.authorToken), { request: { author: { author_reference: '' } } });
    expect(res.status).toBe(400);
    expect(res.info).toBe('The node [request->author->author_reference] is invalid, a non-empty string or null is expected');
    expect((await lv.call('GET', byRef(FIX.authorReference))).status).toBe(200);
    expect((await lv.call('POST', '/loudvoice/authors.json', { request: { author: { author_reference: '', name: 'E' } } })).status).toBe(400);
  });

  it('takes URLs and emails exactly as UrlOrNone and EmailOrNone define them (src/http/loudvoice/field-formats.ts)', async () => {
    const update = (author: Record<string, unknown>) => lv.call('PUT', byToken(FIX.authorToken), { request: { author } });
    // An internationalised host is a URL here (an IRI), as WordPress stores it.
    expect((await update({ website_url: 'https://bücher.example/straße' })).data.author.website_url).toBe('https://bücher.example/straße');
    for (const url of ['http://', 'https://', 'http://exa mple.com/', 'ftp://example.com/', 'http://example.com/\u0001']) {
      expect((await update({ website_url: url })).status, url).toBe(400);
    }
    expect((await update({ email: 'user@example.com' })).status).toBe(200);
    // A dotless domain, non-ASCII or a space: format email read as the common dot-atom form.
    for (const email of ['user@localhost', 'ü@example.com', 'a b@example.com']) expect((await update({ email })).status, email).toBe(400);
  });

  it('refuses to clear the name and a reference taken by another author (400, 409)', async () => {
    expect((await lv.call('PUT', byToken(FIX.authorToken), { request: { author: { name: null } } })).status).toBe(400);
    expect((await lv.call('PUT', byToken(FIX.authorToken), { request: { author: { name: '' } } })).status).toBe(400);
    await create({ author_reference: 'B', name: 'B' });
    const res = await lv.call('PUT', byRef('B'), { request: { author: { author_reference: FIX.authorReference } } });
    expect(res.status).toBe(409);
    expect((await lv.call('GET', byRef('B'))).status).toBe(200);
  });
});

describe('delete (LDV-AUTHOR-DELETE-*, LDV-DELETE-CONFIRM)', () => {
  it('refuses without confirm_deletion=true and deletes nothing', async () => {
    for (const url of [byToken(FIX.authorToken), byRef(FIX.authorReference), byToken(FIX.authorToken, '?confirm_deletion=yes')]) {
      const res = await lv.call('DELETE', url);
      expect(res.status).toBe(400);
    }
    expect((await lv.call('GET', byToken(FIX.authorToken))).status).toBe(200);
  });

  it('deletes by token: answers the author as it was, ends its session, turns its comments into guest comments', async () => {
    const session = (await lv.call('PUT', '/loudvoice/authors/sessions.json', sessionBody({ author_token: FIX.authorToken }))).data.author_session;
    const before = (await lv.call('GET', byToken(FIX.authorToken))).data.author;
    const res = await lv.call('DELETE', byToken(FIX.authorToken, '?confirm_deletion=true'));
    expect(res.status).toBe(200);
    expect(res.data.author).toEqual(before);
    expect((await lv.call('GET', byToken(FIX.authorToken))).status).toBe(404);
    expect((await lv.call('GET', '/loudvoice/authors/sessions.json')).data.author_sessions.entries).toEqual([]);
    expect((await lv.call('DELETE', `/loudvoice/authors/sessions/${session.author_session_token}.json?confirm_deletion=true`)).status).toBe(404);
    const comment = (await lv.call('GET', `/loudvoice/comments/${FIX.comment1}.json`)).data.comment;
    expect(comment.author).toEqual({ author_token: null, author_reference: null, name: 'John Doe', email: 'john.doe@example.com', website_url: 'https://www.example.com/', picture_url: 'https://www.example.com/john/avatar.png' });
  });

  it('deletes by reference, and the reference is free again', async () => {
    expect((await lv.call('DELETE', byRef(FIX.authorReference, '&confirm_deletion=true'))).status).toBe(200);
    expect((await lv.call('DELETE', byRef(FIX.authorReference, '&confirm_deletion=true'))).status).toBe(404);
    expect((await create({ author_reference: FIX.authorReference, name: 'Again' })).status).toBe(201);
  });
});
