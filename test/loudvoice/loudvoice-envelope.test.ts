// LoudVoice envelope, auth and routing, in process: the envelope on every answer (errors without result), RFC 2822
// dates, the resource echo, HTTP Basic auth before anything else with constant-time key checks, 404/405/413/415 in
// the envelope, the lenient Content-Type, the error precedence, and one site's keys seeing nothing of another's.
// Rules: LDV-ENVELOPE-*, LDV-DATE-RFC2822, LDV-RESOURCE-ECHO, LDV-AUTH-BASIC-EVERY-CALL, LDV-PING-*, LDV-ROUTE-NOT-FOUND,
// LDV-METHOD-NOT-ALLOWED, LDV-PAYLOAD-LIMIT, LDV-BODY-CONTENT-TYPE-LENIENT, LDV-ERROR-PRECEDENCE (O1, O2; some assumed).
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadFixtures } from '../../src/config/fixtures.js';
import { loudVoiceDataEnvelope, sendLoudVoiceData } from '../../src/http/loudvoice/loudvoice-envelope.js';
import { LOUDVOICE_AUTH } from '../helpers/test-app.js';
import { FIX, loudVoiceApp, sessionBody } from './harness.js';

const CREDENTIALS_INFO = 'Authentication credentials are missing or incorrect: http://docs.oneall.com/api/basic/authentication/';
const RFC2822 = /^(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d{2} (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4} \d{2}:\d{2}:\d{2} [+-]\d{4}$/;
const basic = (user: string, password: string) => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

let lv: Awaited<ReturnType<typeof loudVoiceApp>>;
beforeEach(async () => {
  lv = await loudVoiceApp();
});
afterEach(() => lv.app.close());

describe('envelope', () => {
  it('wraps a success: date, resource, status {success, code, info}, result.data (LDV-ENVELOPE-STATUS)', async () => {
    const res = await lv.call('GET', '/tools/ping.json');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    expect(res.body).toEqual({
      response: {
        request: { date: 'Mon, 05 Jan 2026 09:00:00 +0000', resource: '/tools/ping.json', status: { flag: 'success', code: 200, info: 'Your request has been processed successfully' } },
        result: { data: {} },
      },
    });
  });

  it('echoes path and query exactly as received, and formats every date as RFC 2822 (LDV-RESOURCE-ECHO, LDV-DATE-RFC2822)', async () => {
    const url = '/loudvoice/comments.json?page=1&entries_per_page=2&order_direction=desc';
    const res = await lv.call('GET', url);
    expect(res.body.response.request.resource).toBe(url);
    for (const c of res.data.comments.entries) {
      expect(c.date_creation).toMatch(RFC2822);
      expect(c.date_last_update).toBeNull();
    }
    expect(res.body.response.request.date).toMatch(RFC2822);
  });

  it('answers errors without result, with code = HTTP status (LDV-ENVELOPE-ERROR-NO-RESULT)', async () => {
    const res = await lv.call('GET', '/loudvoice/authors/nope.json');
    expect(res.status).toBe(404);
    expect(res.body).toEqual({
      response: { request: { date: expect.stringMatching(RFC2822), resource: '/loudvoice/authors/nope.json', status: { flag: 'error', code: 404, info: 'No author has been found for the author_token [nope]' } } },
    });
  });
});

describe('HTTP Basic auth (LDV-AUTH-BASIC-EVERY-CALL, LDV-PING-401)', () => {
  it.each([
    ['no header', null],
    ['wrong private key', basic('aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa', 'wrong')],
    ['wrong public key', basic('wrong', 'bbbbbbbb-bbbb-4bbb-8bbb-bbbbbbbbbbbb')],
    ['keys swapped', basic('bbbbbbbb-bbbb-4bbb-8bbb-bbbbbbbbbbbb', 'aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa')],
    ['not Basic', 'Bearer aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa'],
    ['no colon', `Basic ${Buffer.from('aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa').toString('base64')}`],
    ['garbage', 'Basic !!!'],
  ])('%s: 401 with the documented info on every path, known or not', async (_name, auth) => {
    for (const [method, url] of [
      ['GET', '/tools/ping.json'],
      ['GET', '/loudvoice/authors.json'],
      ['PUT', '/loudvoice/authors/sessions.json'],
      ['GET', '/loudvoice/no-such-thing.json'],
      ['PATCH', '/loudvoice/authors.json'],
    ] as const) {
      const res = await lv.call(method, url, method === 'PUT' ? 'not json' : undefined, { auth, unchecked: method === 'PATCH' });
      expect(res.status, `${method} ${url}`).toBe(401);
      expect(res.info).toBe(CREDENTIALS_INFO);
      expect(res.body.response.result).toBeUndefined();
    }
  });

  it('accepts the scheme in any case and changes nothing for a refused request', async () => {
    expect((await lv.call('GET', '/tools/ping.json', undefined, { auth: LOUDVOICE_AUTH.replace('Basic', 'basic') })).status).toBe(200);
    await lv.call('PUT', '/loudvoice/authors/sessions.json', sessionBody({ author_reference: 'X', name: 'X' }), { auth: basic('x', 'y') });
    expect((await lv.call('GET', '/loudvoice/authors.json')).data.authors.pagination.total_entries).toBe(1);
  });
});

describe('routing and precedence (LDV-ROUTE-NOT-FOUND, LDV-METHOD-NOT-ALLOWED, LDV-ERROR-PRECEDENCE)', () => {
  it('answers unknown paths (.xml, legacy /discussions) with 404 ROUTE_NOT_FOUND in the envelope, after auth', async () => {
    for (const url of ['/loudvoice/authors/sessions.xml', '/loudvoice/votes.json', '/tools/nope.json']) {
      const res = await lv.call('GET', url);
      expect(res.status).toBe(404);
      expect(res.info).toBe(`The requested resource [${url}] does not exist`);
    }
  });

  it('answers a wrong method with 405, an Allow header and the envelope', async () => {
    const res = await lv.call('PATCH', '/loudvoice/authors/sessions.json', undefined, { unchecked: true });
    expect(res.status).toBe(405);
    expect(res.headers['allow']).toContain('PUT');
    expect(res.info).toBe('The method [PATCH] is not supported by the resource [/loudvoice/authors/sessions.json]');
  });

  it('answers a body over 1 MiB with 413 in the envelope (LDV-PAYLOAD-LIMIT)', async () => {
    const res = await lv.call('POST', '/loudvoice/comments.json', undefined, { raw: JSON.stringify({ request: { x: 'y'.repeat(1_100_000) } }) });
    expect(res.status).toBe(413);
    expect(res.info).toBe('The body of the request is too large, the limit is 1048576 bytes');
  });

  it('parses JSON whatever the Content-Type, except multipart and XML (415) (LDV-BODY-CONTENT-TYPE-LENIENT)', async () => {
    const body = JSON.stringify(sessionBody({ author_reference: 'CT', name: 'CT' }));
    for (const type of ['application/x-www-form-urlencoded', 'text/plain', 'application/json; charset=utf-8']) {
      expect((await lv.call('PUT', '/loudvoice/authors/sessions.json', undefined, { raw: body, headers: { 'content-type': type } })).status).toBeLessThan(300);
    }
    const untyped = await lv.app.inject({ method: 'PUT', url: '/loudvoice/authors/sessions.json', headers: { authorization: LOUDVOICE_AUTH }, payload: Buffer.from(body) });
    expect(untyped.statusCode).toBe(200);
    for (const type of ['multipart/form-data; boundary=x', 'application/xml', 'text/xml', 'application/atom+xml']) {
      const res = await lv.call('PUT', '/loudvoice/authors/sessions.json', undefined, { raw: body, headers: { 'content-type': type } });
      expect(res.status).toBe(415);
      expect(res.info).toBe(`The body of the request is sent as [${type}], it must be a JSON document`);
    }
  });

  it('checks query parameters before body nodes, body nodes before confirm_deletion, lookups before uniqueness', async () => {
    const put = await lv.call('PUT', '/loudvoice/authors/author.json', { request: {} });
    expect(put.info).toBe('The parameter [author_reference] is invalid, a non-empty value is expected');
    const del = await lv.call('DELETE', '/loudvoice/comments/nope.json?delete_sub_comments=maybe');
    expect(del.info).toBe('The parameter [delete_sub_comments] is invalid, true or false is expected');
    const confirm = await lv.call('DELETE', '/loudvoice/comments/nope.json');
    expect(confirm.status).toBe(400);
    const conflict = await lv.call('POST', '/loudvoice/authors.json', { request: { author: { name: 'N', author_reference: FIX.authorReference, identity_token: '11111111-2222-4333-8444-555555555555' } } });
    expect(conflict.status).toBe(404);
  });
});

describe('site isolation', () => {
  it("one site's keys see nothing of another's: authors, sessions, discussions, comments", async () => {
    await lv.app.close();
    const fixtures = loadFixtures();
    fixtures.loudvoice.sites.push({ subdomain: 'other', publicKey: 'cccccccc-cccc-4ccc-8ccc-cccccccccccc', privateKey: 'dddddddd-dddd-4ddd-8ddd-dddddddddddd' });
    lv = await loudVoiceApp({ fixtures });
    const other = { auth: basic('cccccccc-cccc-4ccc-8ccc-cccccccccccc', 'dddddddd-dddd-4ddd-8ddd-dddddddddddd') };
    const mixed = { auth: basic('cccccccc-cccc-4ccc-8ccc-cccccccccccc', 'bbbbbbbb-bbbb-4bbb-8bbb-bbbbbbbbbbbb') };
    expect((await lv.call('GET', '/tools/ping.json', undefined, mixed)).status).toBe(401);
    expect((await lv.call('GET', '/loudvoice/authors.json', undefined, other)).data.authors.entries).toEqual([]);
    expect((await lv.call('GET', `/loudvoice/authors/${FIX.authorToken}.json`, undefined, other)).status).toBe(404);
    expect((await lv.call('GET', `/loudvoice/discussions/${FIX.discussionToken}.json`, undefined, other)).status).toBe(404);
    expect((await lv.call('GET', `/loudvoice/comments/${FIX.comment1}.json`, undefined, other)).status).toBe(404);
    expect((await lv.call('PUT', '/loudvoice/authors/sessions.json', sessionBody({ identity_token: FIX.identityToken }), other)).status).toBe(404);
    // The same reference on both sites is two authors.
    expect((await lv.call('PUT', '/loudvoice/authors/sessions.json', sessionBody({ author_reference: FIX.authorReference, name: 'Other John' }), other)).status).toBe(201);
    const s = await lv.call('PUT', '/loudvoice/authors/sessions.json', sessionBody({ author_reference: 'ONLY-OTHER', name: 'O' }), other);
    expect((await lv.call('GET', '/loudvoice/authors/sessions.json')).data.author_sessions.entries).toEqual([]);
    expect((await lv.call('DELETE', `/loudvoice/authors/sessions/${s.data.author_session.author_session_token}.json?confirm_deletion=true`)).status).toBe(404);
    expect((await lv.call('GET', '/loudvoice/authors/sessions.json', undefined, other)).data.author_sessions.pagination.total_entries).toBe(2);
  });
});

describe('success envelope written as text', () => {
  it('is byte for byte JSON.stringify of the envelope object, for any resource and data (LDV-ENVELOPE-STATUS)', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: 'binary' }),
        fc.constantFrom(200 as const, 201 as const),
        fc.dictionary(fc.string({ unit: 'binary' }), fc.jsonValue()),
        fc.integer({ min: 0, max: 4_102_444_800_000 }),
        (url, status, data, now) => {
          let sent: unknown;
          const reply = { code: () => reply, header: () => reply, send: (body: unknown) => ((sent = body), reply) };
          sendLoudVoiceData({ url } as never, reply as never, now, status, data);
          expect(sent).toBe(JSON.stringify(loudVoiceDataEnvelope(url, now, status, data)));
        },
      ),
    );
  });
});
