// Security: ids and tokens are UUID v4 from the CSPRNG and never repeat; secrets are compared exactly (whatever
// their length); nothing secret reaches the logs, even at debug level with request logging on.
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { loadFixtures } from '../../src/config/fixtures.js';
import { digestSecret, digestsEqual, secretEquals, secretMatches } from '../../src/core/secrets.js';
import { buildApp, DEFAULT_CONFIG } from '../../src/http/app.js';
import { ControlledClock } from '../../src/runtime/clock.js';
import { cryptoIds } from '../../src/runtime/ids.js';
import { TestIdentityProvider } from '../../src/sso/test-identity-provider.js';
import { DEMO, LOUDVOICE_AUTH } from '../helpers/test-app.js';

const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

/** A server with the production id source and every log line captured. */
async function loggedApp() {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk, _enc, done) {
      lines.push(String(chunk));
      done();
    },
  });
  const idp = await TestIdentityProvider.create();
  const app = await buildApp(
    { ...DEFAULT_CONFIG, fixtures: loadFixtures(), logLevel: 'trace', logRequests: true, logStream: stream, sweepIntervalMs: 0 },
    { clock: new ControlledClock('system'), ids: cryptoIds, idp },
  );
  return { app, lines };
}

describe('identifiers', () => {
  it('session ids, author tokens and author session tokens are distinct UUID v4 from the CSPRNG', async () => {
    const { app } = await loggedApp();
    const seen = new Set<string>();
    for (let i = 0; i < 30; i++) {
      const put = await app.inject({
        method: 'PUT',
        url: '/loudvoice/authors/sessions.json',
        headers: { authorization: LOUDVOICE_AUTH, 'content-type': 'application/json' },
        payload: JSON.stringify({ request: { author_session: { author: { author_reference: `SEC-${i}`, name: 'S' } } } }),
      });
      const s = put.json().response.result.data.author_session;
      for (const id of [s.author_session_token, s.author.author_token]) {
        expect(id).toMatch(UUID_V4);
        expect(seen.has(id)).toBe(false);
        seen.add(id);
      }
    }
    const login = await app.inject({ method: 'POST', url: '/session/login', headers: { 'lv-access': DEMO.token1, 'content-type': 'application/json' }, payload: JSON.stringify(DEMO.user) });
    expect(login.json().sessionId).toMatch(UUID_V4);
    await app.close();
  });
});

describe('secret comparison', () => {
  it('is exact for equal, different, prefix and longer secrets', () => {
    expect(secretEquals('s3cret', 's3cret')).toBe(true);
    for (const other of ['s3cre', 's3cret!', 'S3cret', '', 's3cret\u0000']) expect(secretEquals(other, 's3cret')).toBe(false);
  });

  it('matches a secret against its stored digest, exactly; digests differing anywhere, or of another length, differ', () => {
    const stored = digestSecret('pässwörd-✓');
    expect(stored).toMatch(/^[A-Za-z0-9+/]{43}=$/);
    expect(secretMatches('pässwörd-✓', stored)).toBe(true);
    for (const other of ['pässwörd-', 'passwörd-✓', 'pässwörd-✓ ', '']) expect(secretMatches(other, stored)).toBe(false);
    for (let i = 0; i < stored.length; i++) {
      const changed = stored.slice(0, i) + (stored[i] === 'A' ? 'B' : 'A') + stored.slice(i + 1);
      expect(digestsEqual(changed, stored), `differs at ${i}`).toBe(false);
    }
    expect(digestsEqual(stored.slice(0, 43), stored)).toBe(false);
    expect(digestsEqual(`${stored}=`, stored)).toBe(false);
  });
});

describe('logs', () => {
  it('never contain API tokens, passwords, site keys, Basic credentials, ID tokens or whole session ids', async () => {
    const { app, lines } = await loggedApp();
    const login = await app.inject({ method: 'POST', url: '/session/login', headers: { 'lv-access': DEMO.token1, 'content-type': 'application/json' }, payload: JSON.stringify(DEMO.user) });
    const sessionId: string = login.json().sessionId;
    await app.inject({ method: 'POST', url: '/session/login', headers: { 'lv-access': DEMO.token2, 'content-type': 'application/json' }, payload: JSON.stringify({ ...DEMO.user, password: 'Wrong-Pass-77' }) });
    await app.inject({ method: 'GET', url: '/session/details', headers: { 'lv-session': sessionId } });
    await app.inject({ method: 'GET', url: `/session/validate/${sessionId}` });
    await app.inject({ method: 'POST', url: '/session/password', headers: { 'lv-access': DEMO.token1, 'content-type': 'application/json' }, payload: JSON.stringify({ ...DEMO.user, newPassword: 'Brand-New-Pass-8' }) });
    const minted = await app.inject({ method: 'POST', url: '/__idp/token', headers: { 'content-type': 'application/json' }, payload: JSON.stringify({ clientName: 'DEMO', userName: 'demo.agent' }) });
    const idToken: string = minted.json().id_token;
    await app.inject({ method: 'POST', url: '/session/sso/login', headers: { 'lv-access': DEMO.token1, 'content-type': 'application/json' }, payload: JSON.stringify({ clientName: 'DEMO', idToken, agent: true }) });
    await app.inject({ method: 'GET', url: '/loudvoice/authors.json', headers: { authorization: LOUDVOICE_AUTH } });
    await app.inject({ method: 'GET', url: '/loudvoice/authors.json', headers: { authorization: 'Basic ' + Buffer.from('aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa:guessed-private').toString('base64') } });
    await app.inject({ method: 'DELETE', url: `/session/logout/${sessionId}` });
    await app.close();

    const log = lines.join('');
    expect(lines.length, 'request logging produced lines').toBeGreaterThan(10);
    const secrets = [
      DEMO.token1,
      DEMO.token2,
      DEMO.user.password,
      'Wrong-Pass-77',
      'Brand-New-Pass-8',
      'aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa',
      'bbbbbbbb-bbbb-4bbb-8bbb-bbbbbbbbbbbb',
      LOUDVOICE_AUTH.slice(6),
      'guessed-private',
      idToken,
      idToken.split('.')[2]!,
      sessionId,
    ];
    for (const secret of secrets) expect(log.includes(secret), `the logs contain ${secret.slice(0, 12)}…`).toBe(false);
    expect(log).toContain(`…${sessionId.slice(-4)}`);
  });
});
