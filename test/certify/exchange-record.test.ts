// The evidence of a bundle, in process: an exchange is redacted before it is written (credential headers replaced
// whole by markers that say where the value came from, every other secret by its place in the target file), becomes
// a HAR 1.2 entry, and a replay fills the markers back from the replaying target and the answers it gets now.
import { describe, expect, it } from 'vitest';
import { credentialMarker, originsOf, redactExchange, secretPlaces, type RawExchange } from '../../src/certify/exchange-record.js';
import { harEntry, toHar } from '../../src/certify/har.js';
import { replayEntries, sameStatus, sideBySide } from '../../src/certify/replay.js';
import { readTargetFile, resolveTarget } from '../../src/certify/target.js';

const recorded = resolveTarget(readTargetFile('http://127.0.0.1:1'), { SESSION_KIT_ADMIN_TOKEN: 'the-admin-token' });
const basic = (user: string, password: string) => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
const lv = recorded.livevox!;
const ld = recorded.loudvoice!;

const raw = (over: Partial<RawExchange>): RawExchange => ({
  file: 'f.test.ts',
  test: 't',
  api: 'livevox',
  startedAt: '2026-01-01T00:00:00.000Z',
  durationMs: 3,
  method: 'GET',
  url: 'http://127.0.0.1:1/x',
  requestHeaders: [],
  status: 200,
  statusText: 'OK',
  responseHeaders: [['content-type', 'application/json']],
  responseBody: '{}',
  ...over,
});

describe('redaction of an exchange', () => {
  const none = () => undefined;

  it('replaces credential headers whole, by where the value came from', () => {
    const places = secretPlaces(recorded);
    expect(credentialMarker('LV-Access', lv.primary.apiTokens[1]!, places, none)).toBe('«secret:livevox.primary.apiTokens.1»');
    expect(credentialMarker('LV-Access', 'a-made-up-wrong-token', places, none)).toBe('«redacted»');
    expect(credentialMarker('LV-Session', 'f00dcafe-0000-4000-8000-000000000000', places, (v) => (v.startsWith('f00d') ? 'p.7:/sessionId' : undefined))).toBe('«from:p.7:/sessionId»');
    expect(credentialMarker('LV-Session', 'not-a-session', places, none)).toBe('«redacted»');
    expect(credentialMarker('Authorization', basic(ld.publicKey, ld.privateKey), places, none)).toBe('Basic «basic:loudvoice.publicKey:loudvoice.privateKey»');
    expect(credentialMarker('authorization', basic(ld.publicKey, 'wrong-private-key'), places, none)).toBe('Basic «basic:loudvoice.publicKey:?»');
    expect(credentialMarker('Authorization', 'Bearer the-admin-token', places, none)).toBe('Bearer «secret:adminToken»');
    expect(credentialMarker('Authorization', 'Bearer something-else', places, none)).toBe('Bearer «redacted»');
  });

  it('replaces every secret in the URL, bodies and other headers, and leaves no secret anywhere', () => {
    const record = redactExchange(
      raw({
        method: 'POST',
        url: `http://127.0.0.1:1/x?identity_token=${ld.identityToken}`,
        requestHeaders: [['LV-Access', lv.primary.apiTokens[0]!], ['X-Echo', lv.secondary!.apiToken], ['Authorization', basic(ld.publicKey, ld.privateKey)]],
        requestBody: JSON.stringify({ password: lv.primary.user.password }),
        responseBody: JSON.stringify({ echoed: ld.privateKey }),
      }),
      'p.1',
      recorded,
      none,
    );
    const text = JSON.stringify(record);
    for (const s of recorded.secrets) expect(text).not.toContain(s);
    expect(record.url).toBe('http://127.0.0.1:1/x?identity_token=«secret:loudvoice.identityToken»');
    expect(record.requestHeaders[1]).toEqual(['X-Echo', '«secret:livevox.secondary.apiToken»']);
    expect(JSON.parse(record.requestBody!)).toEqual({ password: '«secret:livevox.primary.user.password»' });
    expect(record.id).toBe('p.1');
  });

  it('knows where each long string of a JSON answer is (the origin of a later session header)', () => {
    expect(originsOf('{"sessionId":"abcdefgh-1","n":"short","list":[{"a/b":"0123456789"}]}')).toEqual([
      ['abcdefgh-1', '/sessionId'],
      ['0123456789', '/list/0/a~1b'],
    ]);
    expect(originsOf('not json')).toEqual([]);
  });
});

describe('HAR', () => {
  it('is HAR 1.2 with the id, test and API of each exchange, the query split, the note as comment', () => {
    const record = redactExchange(raw({ method: 'PUT', url: 'http://h/a.json?page=2&q=a%20b', requestBody: '{}', requestHeaders: [['Content-Type', 'application/json']], note: 'why' }), 'p.2', recorded, () => undefined);
    const har = toHar([record], { name: 'session-kit', version: '9' });
    expect(har.log).toMatchObject({ version: '1.2', creator: { name: 'session-kit', version: '9' } });
    expect(harEntry(record)).toMatchObject({
      _id: 'p.2',
      _test: 't',
      _api: 'livevox',
      comment: 'why',
      request: { method: 'PUT', queryString: [{ name: 'page', value: '2' }, { name: 'q', value: 'a b' }], postData: { mimeType: 'application/json', text: '{}' }, bodySize: 2 },
      response: { status: 200, content: { mimeType: 'application/json', text: '{}' } },
    });
  });
});

describe('replay', () => {
  it("fills each marker from the replaying target and the new answers, swaps the ids it hands out anew, and pairs the answers", async () => {
    // The replaying target has other credentials than the recording (a vendor's own, from its environment).
    const other = resolveTarget(readTargetFile('http://127.0.0.1:2'), {});
    other.livevox!.primary.apiTokens[0] = 'replay-token-0000';
    other.loudvoice!.privateKey = 'replay-private-key';
    const login = redactExchange(raw({ method: 'POST', url: 'http://127.0.0.1:1/session/login', requestHeaders: [['LV-Access', lv.primary.apiTokens[0]!]], responseBody: '{"sessionId":"old-session-0001"}' }), 'r.1', recorded, () => undefined);
    const logout = redactExchange(raw({ method: 'DELETE', url: 'http://127.0.0.1:1/session/logout/old-session-0001', status: 204, responseBody: '' }), 'r.2', recorded, () => undefined);
    const use = redactExchange(raw({ url: 'http://127.0.0.1:1/session/details', requestHeaders: [['LV-Session', 'old-session-0001']], status: 401 }), 'r.3', recorded, (v) => (v === 'old-session-0001' ? 'r.1:/sessionId' : undefined));
    const ldv = redactExchange(raw({ url: 'http://127.0.0.1:1/loudvoice/authors.json', requestHeaders: [['Authorization', basic(ld.publicKey, ld.privateKey)]] }), 'r.4', recorded, () => undefined);
    const sent: { url: string; headers: Record<string, string> }[] = [];
    const fake = (async (url: string, init: RequestInit) => {
      const headers = Object.fromEntries(init.headers as [string, string][]);
      sent.push({ url, headers });
      if (url.endsWith('/session/login')) return new Response('{"sessionId":"new-session-0002"}', { status: 200, headers: { 'content-type': 'application/json' } });
      if (url.includes('/logout/')) return new Response(null, { status: 204 });
      return new Response('{}', { status: url.includes('details') ? 401 : 500, headers: { 'content-type': 'application/json' } });
    }) as unknown as typeof fetch;
    const steps = await replayEntries([login, logout, use, ldv].map(harEntry), other, fake);
    expect(sent.map((s) => s.url)).toEqual(['http://127.0.0.1:2/session/login', 'http://127.0.0.1:2/session/logout/new-session-0002', 'http://127.0.0.1:2/session/details', 'http://127.0.0.1:2/loudvoice/authors.json']);
    expect(sent[0]!.headers['LV-Access']).toBe('replay-token-0000');
    expect(sent[2]!.headers['LV-Session']).toBe('new-session-0002');
    expect(sent[3]!.headers.Authorization).toBe(basic(other.loudvoice!.publicKey, 'replay-private-key'));
    expect(steps.map(sameStatus)).toEqual([true, true, true, false]);
    expect(sideBySide(steps[3]!)).toMatch(/^ {2}200 +≠ 500$/m);
  });
});
