// LoudVoice authentication and the response envelope.
// - HTTP Basic auth with the site's public key (username) and private key (password) on every call; missing or
//   wrong credentials are 401 with the documented info text (vendor docs O1, O2); /tools/ping.json checks keys
//   (observed: OneAll's WordPress plugin).
// - Every response, success or error, is the {"response": {"request": {date, resource, status}}} envelope; errors
//   have no result; status.code equals the HTTP status; dates are RFC 2822 with a numeric offset; resource echoes
//   the path and query (vendor docs O2, O4).
// - Unknown paths are 404 in the envelope (vendor docs O2); wrong methods 405 with Allow (assumed); credentials
//   checked before routing, on unknown paths too (assumed). status.info always present (assumed).
import fc from 'fast-check';
import { beforeAll, describe, it } from 'vitest';
import { check, expect } from '../harness/checks.js';
import { kitHttp, rule } from '../harness/context.js';
import { everyResponseMatchesTheContract } from '../harness/contract-check.js';
import type { KitHttp, KitResponse } from '../harness/http.js';
import { assertProperty } from '../harness/property.js';
import { CREDENTIALS_INFO, LoudVoiceCalls, loudvoiceOf, RFC2822, statusOf } from './loudvoice-client.js';

let http: KitHttp;
let ldv: LoudVoiceCalls;
beforeAll(async () => {
  http = await kitHttp('loudvoice');
  ldv = new LoudVoiceCalls(http);
});

const PATHS = [
  { method: 'GET' as const, path: '/tools/ping.json' },
  { method: 'GET' as const, path: '/loudvoice/authors.json' },
  { method: 'GET' as const, path: '/loudvoice/authors/sessions.json' },
  { method: 'PUT' as const, path: '/loudvoice/authors/sessions.json', json: { request: { author_session: { author: { author_reference: 'x', name: 'X' } } } } },
  { method: 'GET' as const, path: '/loudvoice/discussions.json?page=1' },
  { method: 'GET' as const, path: '/loudvoice/no-such-thing.json' },
];

/** Checks the envelope of any answer, success or error, each part against its own rule. */
async function checkEnvelope(res: KitResponse, path: string): Promise<void> {
  await check('LDV-ENVELOPE-EVERY-RESPONSE', () => {
    expect(res.headers.get('content-type') ?? '').toContain('application/json');
    expect(res.body?.response?.request, 'response.request').toBeTypeOf('object');
    expect(res.body.response.request.status, 'response.request.status').toBeTypeOf('object');
  });
  const request = res.body?.response?.request;
  if (typeof request?.status !== 'object') return;
  await check('LDV-ENVELOPE-STATUS', () => {
    expect(request.status.code, 'status.code equals the HTTP status').toBe(res.status);
    expect(request.status.flag).toBe(res.status < 300 ? 'success' : 'error');
  });
  await check('LDV-ENVELOPE-INFO', () => expect(request.status.info).toBeTypeOf('string'));
  await check('LDV-DATE-RFC2822', () => expect(request.date, 'request.date is RFC 2822 with a numeric offset').toMatch(RFC2822));
  // The vendor shows the echo on a successful list (O4); what an error echoes is not documented.
  if (res.status < 300) await check('LDV-RESOURCE-ECHO', () => expect(request.resource, 'request.resource echoes path and query').toBe(path));
  await check('LDV-ENVELOPE-ERROR-NO-RESULT', () => {
    if (res.status >= 400) expect(res.body.response.result, 'errors have no result').toBeUndefined();
    // result.data of a resource's answer; ping is a tool seen only in OneAll's plugin.
    else if (!path.startsWith('/tools/')) expect(res.body.response.result?.data, 'success has result.data').toBeTypeOf('object');
  });
}

const ENVELOPE_RULES = ['LDV-ENVELOPE-EVERY-RESPONSE', 'LDV-ENVELOPE-STATUS', 'LDV-ENVELOPE-INFO', 'LDV-ENVELOPE-ERROR-NO-RESULT', 'LDV-DATE-RFC2822', 'LDV-RESOURCE-ECHO'];

describe('LoudVoice authentication', () => {
  it(rule(['LDV-AUTH-BASIC-EVERY-CALL', 'LDV-AUTH-BEFORE-ROUTING', 'LDV-PING-401', ...ENVELOPE_RULES], 'missing, malformed or wrong credentials are 401 with the documented info text, on every path'), async () => {
    const { publicKey, privateKey } = loudvoiceOf(http.target);
    const basic = (u: string, p: string) => `Basic ${Buffer.from(`${u}:${p}`).toString('base64')}`;
    const badAuth = fc.oneof(
      fc.constant(undefined),
      fc.constant(basic(publicKey, `${privateKey}x`)),
      fc.constant(basic(privateKey, publicKey)),
      fc.constant(basic(publicKey, '')),
      fc.constant(`Bearer ${privateKey}`),
      fc.constant('Basic !!!not-base64!!!'),
      fc.uuid().map((u) => basic(publicKey, u)),
      fc.uuid().map((u) => basic(u, privateKey)),
    );
    await assertProperty(
      http,
      fc.asyncProperty(fc.constantFrom(...PATHS), badAuth, async (call, auth) => {
        const res = await http.send({ method: call.method, path: call.path, headers: { Authorization: auth }, ...(call.json ? { json: call.json } : {}) });
        // An unknown path without credentials: 401 or 404 are both correct (routing first is LDV-AUTH-BEFORE-ROUTING).
        const known = !call.path.includes('no-such-thing');
        const ruleId = !known ? 'LDV-AUTH-BEFORE-ROUTING' : call.path.startsWith('/tools/ping') ? 'LDV-PING-401' : 'LDV-AUTH-BASIC-EVERY-CALL';
        await check(ruleId, () => expect(res.status).toBe(401));
        if (known) await check('LDV-AUTH-BASIC-EVERY-CALL', () => expect(res.status === 401 ? statusOf(res).info : CREDENTIALS_INFO).toBe(CREDENTIALS_INFO));
        await checkEnvelope(res, call.path);
      }),
      { numRuns: 30 },
    );
  });

  it(rule(['LDV-PING-200', ...ENVELOPE_RULES], 'GET /tools/ping.json with the right keys answers 200'), async () => {
    const res = await ldv.send('GET', '/tools/ping.json');
    await check('LDV-PING-200', () => expect(res.status).toBe(200));
    await checkEnvelope(res, '/tools/ping.json');
  });
});

describe('LoudVoice envelope', () => {
  it(
    rule(ENVELOPE_RULES, 'every answer, success or error, is the envelope with an RFC 2822 date and the resource echoed'),
    async () => {
      const calls: { method: 'GET' | 'PUT' | 'DELETE' | 'POST'; path: string; json?: unknown; body?: string }[] = [
        ...PATHS,
        { method: 'GET', path: '/loudvoice/authors.json?entries_per_page=2&order_direction=desc' },
        { method: 'GET', path: '/loudvoice/authors.json?entries_per_page=501' },
        { method: 'PUT', path: '/loudvoice/authors/sessions.json', body: '{"request":' },
        { method: 'DELETE', path: '/loudvoice/authors/sessions/00000000-0000-4000-8000-000000000000.json?confirm_deletion=true' },
        { method: 'POST', path: '/tools/ping.json', json: {} },
      ];
      for (const call of calls) {
        const res = await http.send({ method: call.method, path: call.path, headers: { Authorization: ldv.auth }, ...(call.json !== undefined ? { json: call.json } : {}), ...(call.body !== undefined ? { body: call.body } : {}) });
        await checkEnvelope(res, call.path);
      }
    },
  );

  it(rule(['LDV-ROUTE-NOT-FOUND', 'LDV-METHOD-NOT-ALLOWED', ...ENVELOPE_RULES], 'unknown paths are 404 and wrong methods 405 with Allow, in the envelope'), async () => {
    // Not .xml: OneAll documents other formats behind other suffixes, so a vendor may serve them.
    for (const path of ['/loudvoice/nothing.json', '/loudvoice/authors/a/b/c.json']) {
      const res = await ldv.send('GET', path);
      await check('LDV-ROUTE-NOT-FOUND', () => expect(res.status, path).toBe(404));
      await checkEnvelope(res, path);
    }
    const wrong = await ldv.send('POST', '/tools/ping.json', {});
    await check('LDV-METHOD-NOT-ALLOWED', () => {
      expect(wrong.status).toBe(405);
      expect(wrong.headers.get('allow')).toContain('GET');
    });
    await checkEnvelope(wrong, '/tools/ping.json');
  });
});

everyResponseMatchesTheContract('loudvoice', () => http);
