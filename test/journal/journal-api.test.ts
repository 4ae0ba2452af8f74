// The request journal through its admin API (in process): newest first, filters, limit, since, by id, delete; the
// ring's bounds and meta.dropped; secrets never shown; the contract verdict of a valid exchange, of a malformed
// request, of a response a test-only fault breaks; --no-journal; the admin guard; admin traffic not journaled.
import { describe, expect, it, vi } from 'vitest';
import type { FaultName } from '../../src/core/faults.js';
import { DEMO, LOUDVOICE_AUTH, T0, appsClosedAfterEach } from '../helpers/test-app.js';

const open = appsClosedAfterEach();

type App = Awaited<ReturnType<typeof open>>['app'];

const json = (method: 'POST' | 'PUT', url: string, payload: unknown, headers: Record<string, string> = {}) => ({
  method,
  url,
  headers: { 'content-type': 'application/json', ...headers },
  payload: typeof payload === 'string' ? payload : JSON.stringify(payload),
});

const login = (app: App, body: unknown = DEMO.user, token: string = DEMO.token1) => app.inject(json('POST', '/session/login', body, { 'lv-access': token }));
const startSession = (app: App, reference: string) =>
  app.inject(json('PUT', '/loudvoice/authors/sessions.json', { request: { author_session: { author: { author_reference: reference, name: 'Journal Test' } } } }, { authorization: LOUDVOICE_AUTH }));

async function entries(app: App, query = '', headers: Record<string, string> = {}) {
  const res = await app.inject({ method: 'GET', url: `/__admin/requests${query}`, headers });
  expect(res.statusCode, res.body).toBe(200);
  return res.json() as { requests: any[]; meta: { total: number; capacity: number; dropped: number } };
}

describe('reading the journal', () => {
  it('lists newest first with each exchange, filters by api, method, path prefix, status and since, and limits', async () => {
    const { app } = await open();
    await login(app);
    await startSession(app, 'J-1');
    await app.inject({ method: 'GET', url: '/loudvoice/authors.json?page=1', headers: { authorization: LOUDVOICE_AUTH } });
    await app.inject({ method: 'GET', url: '/session/details' });

    const all = await entries(app);
    expect(all.meta).toEqual({ total: 4, capacity: 1000, dropped: 0 });
    expect(all.requests.map((e) => `${e.request.method} ${e.request.path} ${e.response.status}`)).toEqual([
      'GET /session/details 401',
      'GET /loudvoice/authors.json 200',
      'PUT /loudvoice/authors/sessions.json 201',
      'POST /session/login 200',
    ]);
    const ids = all.requests.map((e) => Number(e.id));
    expect([...ids].sort((a, b) => b - a)).toEqual(ids);
    const list = all.requests[1];
    expect(list).toMatchObject({
      api: 'loudvoice',
      serverTime: new Date(T0).toISOString(),
      operation: { operationId: 'listAuthors', method: 'GET', path: '/loudvoice/authors.json' },
      request: { query: 'page=1', body: null, bodyTruncated: false },
      response: { headers: { 'content-type': 'application/json; charset=utf-8' }, bodyTruncated: false },
      chaos: null,
    });
    expect(Date.parse(list.wallTime)).toBeGreaterThan(Date.now() - 60_000);
    expect(list.durationMs).toBeGreaterThanOrEqual(0);
    expect(JSON.parse(list.response.body).response.result.data.authors).toBeDefined();
    expect(list.response.headers['content-length']).toBe(String(Buffer.byteLength(list.response.body)));

    const ids_ = async (query: string) => (await entries(app, query)).requests.map((e) => `${e.request.method} ${e.request.path}`);
    expect(await ids_('?api=livevox')).toEqual(['GET /session/details', 'POST /session/login']);
    expect(await ids_('?method=put')).toEqual(['PUT /loudvoice/authors/sessions.json']);
    expect(await ids_('?path=/loudvoice/authors')).toEqual(['GET /loudvoice/authors.json', 'PUT /loudvoice/authors/sessions.json']);
    expect(await ids_('?status=401')).toEqual(['GET /session/details']);
    expect(await ids_('?api=loudvoice&status=201')).toEqual(['PUT /loudvoice/authors/sessions.json']);
    expect(await ids_('?limit=2')).toEqual(['GET /session/details', 'GET /loudvoice/authors.json']);
    expect(await ids_(`?since=${Date.now() + 60_000}`)).toEqual([]);
    expect(await ids_(`?since=${encodeURIComponent(new Date(Date.now() - 60_000).toISOString())}`)).toHaveLength(4);
    // after/before: by id, exclusive; together they page through a journal larger than one read's limit.
    const idsOf = async (query: string) => (await entries(app, query)).requests.map((e) => Number(e.id));
    const [newest, , , oldest] = await idsOf('');
    expect(await idsOf(`?after=${oldest}`)).toEqual([newest, newest! - 1, newest! - 2]);
    expect(await idsOf(`?before=${newest}&limit=2`)).toEqual([newest! - 1, newest! - 2]);
    expect(await idsOf(`?after=${oldest}&before=${newest}`)).toEqual([newest! - 1, newest! - 2]);
    expect(await idsOf(`?after=${newest}`)).toEqual([]);

    const one = await app.inject({ method: 'GET', url: `/__admin/requests/${list.id}` });
    expect(one.statusCode).toBe(200);
    expect(one.json()).toEqual(list);
    const missing = await app.inject({ method: 'GET', url: '/__admin/requests/999999' });
    expect(missing.statusCode).toBe(404);
    expect(missing.json()).toEqual({ code: 'JOURNAL_ENTRY_NOT_FOUND', message: expect.any(String) });
    expect((await app.inject({ method: 'GET', url: '/__admin/requests/abc' })).statusCode).toBe(404);

    expect((await app.inject({ method: 'DELETE', url: '/__admin/requests', headers: { 'x-session-kit': '1' } })).statusCode).toBe(204);
    expect(await entries(app)).toEqual({ requests: [], meta: { total: 0, capacity: 1000, dropped: 0 } });
    expect((await app.inject({ method: 'GET', url: `/__admin/requests/${list.id}` })).statusCode).toBe(404);
    // Ids keep counting after a clear: an id never names two exchanges.
    await login(app);
    expect(Number((await entries(app)).requests[0].id)).toBeGreaterThan(Math.max(...ids));
  });

  it('refuses bad filter values and unknown filters with 400 in the admin shape', async () => {
    const { app } = await open();
    for (const query of ['limit=0', 'limit=1001', 'limit=x', 'api=soap', 'method=P0ST', 'path=session', 'status=99', 'status=600', 'since=yesterday', 'statuscode=200', 'limit=1&limit=2', 'after=x', 'before=-1', 'after=1e3']) {
      const res = await app.inject({ method: 'GET', url: `/__admin/requests?${query}` });
      expect(res.statusCode, query).toBe(400);
      expect(res.json(), query).toEqual({ code: 'JOURNAL_FILTER_INVALID', message: expect.any(String) });
    }
    expect((await app.inject({ method: 'POST', url: '/__admin/requests' })).statusCode).toBe(405);
  });

  it('keeps at most --journal-size entries, counting the ones pushed out in meta.dropped', async () => {
    const { app } = await open({ journalSize: 3 });
    for (let i = 0; i < 5; i++) await app.inject({ method: 'GET', url: `/session/validate/id-${i}` });
    const read = await entries(app);
    expect(read.meta).toEqual({ total: 3, capacity: 3, dropped: 2 });
    expect(read.requests.map((e) => e.id)).toEqual(['5', '4', '3']);
    expect((await app.inject({ method: 'GET', url: '/__admin/requests/2' })).statusCode).toBe(404);
    expect((await app.inject({ method: 'GET', url: '/__admin/requests/3' })).statusCode).toBe(200);
    await app.inject({ method: 'DELETE', url: '/__admin/requests', headers: { 'x-session-kit': '1' } });
    await app.inject({ method: 'GET', url: '/session/validate/again' });
    expect((await entries(app)).meta).toEqual({ total: 1, capacity: 3, dropped: 0 });
  });

  it('does not journal admin or identity-provider requests', async () => {
    const { app } = await open();
    await app.inject({ method: 'GET', url: '/__admin/clock' });
    await app.inject({ method: 'GET', url: '/__admin/sessions' });
    await app.inject(json('POST', '/__idp/token', { clientName: 'DEMO', userName: 'demo.user' }));
    await entries(app);
    expect((await entries(app)).meta.total).toBe(0);
  });

  it('with --no-journal keeps nothing: an empty list with capacity 0, and no entry by id', async () => {
    const { app } = await open({ journalSize: 0 });
    await login(app);
    expect(await entries(app)).toEqual({ requests: [], meta: { total: 0, capacity: 0, dropped: 0 } });
    expect((await app.inject({ method: 'GET', url: '/__admin/requests/1' })).statusCode).toBe(404);
    expect((await app.inject({ method: 'DELETE', url: '/__admin/requests', headers: { 'x-session-kit': '1' } })).statusCode).toBe(204);
  });

  it('is behind the admin token when one is set', async () => {
    const { app } = await open({ admin: { enabled: true, token: 'journal-admin-token' } });
    await login(app);
    for (const [method, url] of [['GET', '/__admin/requests'], ['GET', '/__admin/requests/1'], ['DELETE', '/__admin/requests']] as const) {
      const refused = await app.inject({ method, url });
      expect(refused.statusCode, `${method} ${url}`).toBe(401);
      expect(refused.json().code).toBe('ADMIN_UNAUTHORIZED');
    }
    const read = await entries(app, '', { authorization: 'Bearer journal-admin-token' });
    expect(read.meta.total).toBe(1);
  });
});

describe('secrets in the journal', () => {
  it('shows no password, API token, session id, ID token, site private key or author session token, by list or by id', async () => {
    const { app } = await open();
    const first = await login(app);
    const sessionId: string = first.json().sessionId;
    await login(app, { ...DEMO.user, password: 'Wrong-Pass-77' }, DEMO.token2);
    await app.inject({ method: 'GET', url: '/session/details', headers: { 'lv-session': sessionId } });
    await app.inject({ method: 'GET', url: `/session/v6.0/validate/${sessionId}` });
    await app.inject(json('POST', '/session/password', { ...DEMO.user, newPassword: 'Brand-New-Pass-8', oldPassword: 'Old-Pass-Field-1' }, { 'lv-access': DEMO.token1 }));
    // A body cut short and a form-encoded one still have their secrets masked.
    await app.inject(json('POST', '/session/login', '{"clientName":"DEMO","password":"Cut-Short-Pass-5', { 'lv-access': DEMO.token1 }));
    await app.inject({ method: 'POST', url: '/session/login', headers: { 'lv-access': DEMO.token1, 'content-type': 'application/x-www-form-urlencoded' }, payload: 'userName=demo.user&password=Form-Pass-6' });
    const minted = await app.inject(json('POST', '/__idp/token', { clientName: 'DEMO', userName: 'demo.user' }));
    const idToken: string = minted.json().id_token;
    await app.inject(json('POST', '/session/sso/login', { clientName: 'DEMO', idToken }, { 'lv-access': DEMO.token1 }));
    const put = await startSession(app, 'J-SECRET');
    const authorSessionToken: string = put.json().response.result.data.author_session.author_session_token;
    await app.inject({ method: 'DELETE', url: `/loudvoice/authors/sessions/${authorSessionToken}.json?confirm_deletion=true`, headers: { authorization: LOUDVOICE_AUTH } });
    await app.inject({ method: 'GET', url: '/loudvoice/authors.json', headers: { authorization: `Basic ${Buffer.from('aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa:guessed-private-key').toString('base64')}` } });
    await app.inject({ method: 'GET', url: '/session/details', headers: { 'lv-session': sessionId, cookie: 'sid=cookie-secret-value-123' } });

    const list = await app.inject({ method: 'GET', url: '/__admin/requests' });
    const read = list.json() as { requests: { id: string }[] };
    expect(read.requests).toHaveLength(12);
    const byId = await Promise.all(read.requests.map((e) => app.inject({ method: 'GET', url: `/__admin/requests/${e.id}` })));
    const secrets = [
      DEMO.token1,
      DEMO.token2,
      DEMO.user.password,
      'Wrong-Pass-77',
      'Brand-New-Pass-8',
      'Old-Pass-Field-1',
      'Cut-Short-Pass',
      'Form-Pass-6',
      idToken,
      idToken.split('.')[2]!,
      sessionId,
      authorSessionToken,
      'bbbbbbbb-bbbb-4bbb-8bbb-bbbbbbbbbbbb',
      LOUDVOICE_AUTH.slice(6),
      'guessed-private-key',
      'cookie-secret-value',
    ];
    for (const raw of [list.body, ...byId.map((r) => r.body)]) {
      for (const secret of secrets) expect(raw.includes(secret), `the journal shows ${secret.slice(0, 14)}…`).toBe(false);
    }
    // Enough is left to tell them apart, and the public site key stays readable.
    expect(list.body).toContain(`…${sessionId.slice(-4)}`);
    expect(list.body).toContain(`…${authorSessionToken.slice(-4)}`);
    expect(list.body).toContain('Basic aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa:…bbbb');
  });
});

describe('contract verdicts', () => {
  it('a valid login is ok, matched to its operation; a versioned path to the versioned operation', async () => {
    const { app } = await open();
    await login(app);
    await app.inject(json('POST', '/session/v5.0/login', DEMO.user, { 'lv-access': DEMO.token1 }));
    const [versioned, plain] = (await entries(app)).requests;
    expect(plain.operation).toEqual({ operationId: 'login', method: 'POST', path: '/session/login' });
    expect(plain.verdict).toEqual({ request: [], response: [], ok: true, unchecked: [] });
    expect(versioned.operation).toEqual({ operationId: 'loginVersioned', method: 'POST', path: '/session/{version}/login' });
    expect(versioned.verdict.ok).toBe(true);
  });

  it('a malformed request shows each violation with the rule it breaks', async () => {
    const { app } = await open();
    await app.inject(json('POST', '/session/login', { clientName: 'DEMO', password: 12345 }));
    await app.inject(json('PUT', '/loudvoice/authors/sessions.json', { author_session: { author: { author_reference: 'J-2' } } }, { authorization: LOUDVOICE_AUTH }));
    await app.inject({ method: 'GET', url: '/loudvoice/authors.json?entries_per_page=9999', headers: { authorization: LOUDVOICE_AUTH } });
    await app.inject({ method: 'GET', url: '/session/v9.9/details' });
    const [version, page, unwrapped, badLogin] = (await entries(app)).requests;
    expect(badLogin.verdict.ok).toBe(false);
    expect(badLogin.verdict.request).toEqual(
      expect.arrayContaining([
        { rule: 'LVX-LOGIN-ACCESS-MISSING', where: 'header LV-Access', message: expect.stringContaining('missing') },
        { rule: 'LVX-LOGIN-BODY-INVALID', where: 'body/userName', message: expect.stringContaining('required') },
        { rule: 'LVX-LOGIN-BODY-INVALID', where: 'body/password', message: expect.stringContaining('string') },
      ]),
    );
    // The server refused it as the contract says (401 first): nothing wrong on the response side.
    expect(badLogin.verdict.response).toEqual([]);
    expect(unwrapped.verdict.request).toContainEqual(expect.objectContaining({ rule: 'LDV-BODY-WRAPPED-REQUEST', where: 'body/request' }));
    expect(page.verdict.request).toEqual([{ rule: 'LDV-PAGINATION-PARAMS-REFUSED', where: 'query/entries_per_page', message: expect.stringContaining('500') }]);
    expect(version.operation.operationId).toBe('getSessionDetailsVersioned');
    expect(version.verdict.request).toContainEqual(expect.objectContaining({ rule: 'LVX-VERSION-SEGMENT', where: 'path/version' }));
  });

  it('an unknown path or method is a request the contract does not define', async () => {
    const { app } = await open();
    await app.inject({ method: 'GET', url: '/session/login' });
    await app.inject({ method: 'GET', url: '/loudvoice/nothing.json', headers: { authorization: LOUDVOICE_AUTH } });
    const [unknownPath, wrongMethod] = (await entries(app)).requests;
    expect(wrongMethod.verdict.request).toEqual([{ rule: 'OPERATION-UNDECLARED', where: 'method', message: expect.any(String) }]);
    expect(wrongMethod.verdict.response).toEqual([]);
    expect(unknownPath.verdict.request).toEqual([{ rule: 'OPERATION-UNDECLARED', where: 'path', message: expect.any(String) }]);
    expect(unknownPath.verdict.response).toEqual([]);
  });

  it('a response a defect breaks is a response violation naming the rule', async () => {
    const faults = new Set<FaultName>(['livevox-login-field-case', 'loudvoice-status-code-mismatch', 'loudvoice-plain-404']);
    const { app } = await open({ faults });
    await login(app);
    await startSession(app, 'J-FAULT');
    await app.inject({ method: 'GET', url: '/loudvoice/nothing.json', headers: { authorization: LOUDVOICE_AUTH } });
    const [plain404, put, badLogin] = (await entries(app)).requests;
    expect(badLogin.verdict.request).toEqual([]);
    expect(badLogin.verdict.response).toContainEqual({ rule: 'LVX-LOGIN-SUCCESS', where: 'body/sessionId', message: expect.stringContaining('required') });
    expect(badLogin.verdict.ok).toBe(false);
    expect(put.verdict.response).toContainEqual(expect.objectContaining({ rule: 'LDV-ENVELOPE-STATUS', where: 'body/response/request/status/code' }));
    expect(plain404.verdict.response).toContainEqual(expect.objectContaining({ rule: 'LDV-ENVELOPE-EVERY-RESPONSE' }));
  });

  it('over real sockets too: the response headers as sent, and a valid exchange is ok', async () => {
    const { app } = await open();
    const base = await app.listen({ host: '127.0.0.1', port: 0 });
    const res = await fetch(`${base}/session/login`, { method: 'POST', headers: { 'LV-Access': DEMO.token1, 'Content-Type': 'application/json' }, body: JSON.stringify(DEMO.user) });
    const sent = await res.text();
    const [entry] = ((await (await fetch(`${base}/__admin/requests`)).json()) as { requests: any[] }).requests;
    expect(entry.response.headers).toMatchObject({ 'content-type': res.headers.get('content-type'), 'content-length': String(Buffer.byteLength(sent)) });
    expect(entry.request.headers['lv-access']).toBe('…1111');
    expect(entry.verdict).toEqual({ request: [], response: [], ok: true, unchecked: [] });
  });

  it('a request answered before its body was read is not blamed for a missing body', async () => {
    const { app } = await open();
    await app.inject(json('PUT', '/loudvoice/authors/sessions.json', { request: { author_session: { author: { author_reference: 'J-3', name: 'N' } } } }));
    const [entry] = (await entries(app)).requests;
    expect(entry.response.status).toBe(401);
    expect(entry.request.body).toBeNull();
    expect(entry.verdict.request).toEqual([{ rule: 'LDV-AUTH-BASIC-EVERY-CALL', where: 'header Authorization', message: expect.any(String) }]);
    expect(entry.verdict.unchecked).toEqual([expect.stringContaining('not read')]);
  });

  it('records what chaos did: an injected error is judged on its shape only, a dropped connection as status 0', async () => {
    const { app } = await open();
    const base = await app.listen({ host: '127.0.0.1', port: 0 });
    const rule = async (action: unknown) => (await app.inject(json('POST', '/__admin/chaos', { api: 'livevox', path: '/session/login', action, times: 1 }))).json().id as string;
    const unavailable = await rule({ type: 'error', status: 503 });
    const refused = await fetch(`${base}/session/login`, { method: 'POST', headers: { 'LV-Access': DEMO.token1, 'Content-Type': 'application/json' }, body: JSON.stringify(DEMO.user) });
    expect(refused.status).toBe(503);
    const dropped = await rule({ type: 'drop' });
    await expect(fetch(`${base}/session/login`, { method: 'POST', headers: { 'LV-Access': DEMO.token1, 'Content-Type': 'application/json' }, body: JSON.stringify(DEMO.user) })).rejects.toThrow();
    await vi.waitFor(async () => expect((await entries(app)).meta.total).toBe(2));
    const [drop, error] = (await entries(app)).requests;
    expect(error.chaos).toMatchObject({ ruleId: unavailable, action: { type: 'error', status: 503 } });
    expect(error.verdict.response).toEqual([]);
    expect(error.verdict.request).toEqual([]);
    expect(error.verdict.unchecked).toEqual(expect.arrayContaining([expect.stringContaining(unavailable), expect.stringContaining('not read')]));
    expect(drop).toMatchObject({ chaos: { ruleId: dropped, action: { type: 'drop' } }, response: { status: 0, body: null } });
    expect(drop.verdict.unchecked).toContainEqual(expect.stringContaining('no response'));
  });

  it('judges hostile traffic without failing: every entry of odd requests reads back with a verdict', async () => {
    const { app } = await open();
    const auth = { authorization: LOUDVOICE_AUTH };
    const odd = [
      { method: 'GET' as const, url: '/session/validate/%E2%9C%93%20%00x' },
      { method: 'HEAD' as const, url: '/session/details' },
      { method: 'OPTIONS' as const, url: '/loudvoice/authors.json', headers: auth },
      { method: 'DELETE' as const, url: '/loudvoice/authors/sessions/x.json?confirm_deletion=maybe&confirm_deletion=true', headers: auth },
      { method: 'PUT' as const, url: '/loudvoice/authors/sessions.json', headers: { ...auth, 'content-type': 'multipart/form-data; boundary=x' }, payload: '--x--' },
      { method: 'POST' as const, url: '/session/login', headers: { 'content-type': 'application/json', 'lv-access': `${DEMO.token1}, ${DEMO.token2}` }, payload: '['.repeat(100) },
      { method: 'POST' as const, url: '/session/login', headers: { 'content-type': 'application/json' }, payload: Buffer.from([0xff, 0xfe, 0x00, 0x7b]) },
      { method: 'GET' as const, url: `/loudvoice/authors.json?page=${'9'.repeat(400)}&__proto__=x`, headers: auth },
      { method: 'GET' as const, url: '/configuration/v6.0/callCenters?count=1e3&offset=-1', headers: { 'lv-session': '' } },
    ];
    for (const request of odd) await app.inject(request);
    const read = await entries(app, '?limit=1000');
    expect(read.requests).toHaveLength(odd.length);
    for (const entry of read.requests) expect(typeof entry.verdict.ok, `${entry.request.method} ${entry.request.path}`).toBe('boolean');
    const repeated = read.requests.find((e) => e.request.body?.startsWith('[['));
    expect(repeated.verdict.request).toContainEqual(expect.objectContaining({ rule: 'LVX-HEADER-REPEATED' }));
    expect(JSON.stringify(read)).not.toContain(DEMO.token2);
  });

  it('keeps the verdict: a second read gives the same entry', async () => {
    const { app } = await open();
    await login(app);
    const first = await entries(app);
    const second = await entries(app);
    expect(second.requests).toEqual(first.requests);
  });
});
