// Redaction, table-driven: each secret the journal may see is masked to at most its last four characters, in the
// places it travels (headers, paths, queries, JSON and form bodies, malformed or cut short), and nothing else changes.
import { describe, expect, it } from 'vitest';
import { maskSecret } from '../../src/core/secrets.js';
import { redactBody, redactHeader, redactPath, redactQuery, scrub, type FoundSecrets } from '../../src/journal/redaction.js';

const SESSION = '5eb4ad6c-50b7-45da-8d56-f4e9ac7d9cbd';

describe('maskSecret', () => {
  it.each([
    ['', ''],
    ['short', '…'],
    ['Demo-Pass-1', '…'],
    ['0123456789abcdef', '…cdef'],
    [SESSION, '…9cbd'],
  ])('%j -> %j', (secret, shown) => expect(maskSecret(secret)).toBe(shown));
});

describe('headers', () => {
  it.each([
    ['lv-access', '11111111-1111-4111-8111-111111111111', '…1111'],
    ['lv-session', SESSION, '…9cbd'],
    ['authorization', `Basic ${Buffer.from('aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa:bbbbbbbb-bbbb-4bbb-8bbb-bbbbbbbbbbbb').toString('base64')}`, 'Basic aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa:…bbbb'],
    ['authorization', 'Bearer s3cret-admin-token-value', 'Bearer …alue'],
    ['authorization', 'Basic %%%', 'Basic …'],
    ['authorization', 'opaque', '…'],
    ['cookie', 'sid=abcdefghijklmnopqrstuvwxyz', '…wxyz'],
    ['content-type', 'application/json', 'application/json'],
    ['lv_request_tracking_id', 'track-1', 'track-1'],
  ])('%s: %j -> %j', (name, value, shown) => expect(redactHeader(name, value)).toBe(shown));
});

describe('paths and queries', () => {
  it.each([
    [`/session/validate/${SESSION}`, '/session/validate/…9cbd'],
    [`/session/v6.0/logout/${SESSION}`, '/session/v6.0/logout/…9cbd'],
    ['/session/validate/abc', '/session/validate/…'],
    [`/loudvoice/authors/sessions/${SESSION}.json`, '/loudvoice/authors/sessions/…9cbd.json'],
    ['/loudvoice/discussions/4f1c2a7e-2b7d-4c57-9a63-7f0d2d9b1c10.json', '/loudvoice/discussions/4f1c2a7e-2b7d-4c57-9a63-7f0d2d9b1c10.json'],
    ['/session/login', '/session/login'],
  ])('%s -> %s', (path, shown) => expect(redactPath(path)).toBe(shown));

  it('masks secret query parameters only', () => {
    expect(redactQuery(`sessionId=${SESSION}&page=2&password=Demo-Pass-1-and-longer`)).toBe('sessionId=…9cbd&page=2&password=…');
    expect(redactQuery('filters=author_token:eq:875b8930-eff8-4c2d-a594-3f4cc4ed4d0d')).toBe('filters=author_token:eq:875b8930-eff8-4c2d-a594-3f4cc4ed4d0d');
    expect(redactQuery('')).toBe('');
  });
});

describe('bodies', () => {
  it.each([
    ['login', '{"clientName":"DEMO","userName":"demo.user","password":"Demo-Pass-1"}', '{"clientName":"DEMO","userName":"demo.user","password":"…"}'],
    ['formatting kept', '{\n  "password" :  "Demo-Pass-1" ,\n  "agent": true\n}', '{\n  "password" :  "…" ,\n  "agent": true\n}'],
    ['change password: no part of a password, however long', '{"password":"Demo-Pass-1","newPassword":"Brand-New-Pass-8-long","oldPassword":"x"}', '{"password":"…","newPassword":"…","oldPassword":"…"}'],
    ['empty stays empty', '{"password":""}', '{"password":""}'],
    ['not a string', '{"password":12345678,"idToken":{"a":[1,"}"]}}', '{"password":"…","idToken":"…"}'],
    ['escaped key', '{"pass\\u0077ord":"Demo-Pass-1"}', '{"pass\\u0077ord":"…"}'],
    ['escaped value', '{"password":"De\\"mo-Pass-1"}', '{"password":"…"}'],
    ['nested session token', `{"response":{"result":{"data":{"author_session":{"author_session_token":"${SESSION}","author":{"author_token":"t"}}}}}}`, '{"response":{"result":{"data":{"author_session":{"author_session_token":"…9cbd","author":{"author_token":"t"}}}}}}'],
    ['login answer', `{"sessionId":"${SESSION}","clientId":1001}`, '{"sessionId":"…9cbd","clientId":1001}'],
    ['cut short', '{"clientName":"DEMO","password":"Demo-Pa', '{"clientName":"DEMO","password":"…"'],
    ['cut after the colon', '{"password":', '{"password":'],
    ['malformed', '{password: "x", "password" "y", "password": "Demo-Pass-1"', '{password: "x", "password" "y", "password": "…"'],
    ['form-encoded', 'userName=demo.user&password=Form-Pass-6', 'userName=demo.user&password=…'],
    ['a password-like value under another key', '{"note":"password"}', '{"note":"password"}'],
  ])('%s', (_name, body, shown) => expect(redactBody(body)).toBe(shown));
});

describe('scrub', () => {
  it('masks a secret found in one place wherever else it appears, and leaves short ones alone', () => {
    const found: FoundSecrets = new Set();
    expect(redactPath(`/loudvoice/authors/sessions/${SESSION}.json`, found)).toBe('/loudvoice/authors/sessions/…9cbd.json');
    expect(scrub(`{"resource":"/loudvoice/authors/sessions/${SESSION}.json?confirm_deletion=true"}`, found)).toBe('{"resource":"/loudvoice/authors/sessions/…9cbd.json?confirm_deletion=true"}');
    found.add('abc');
    expect(scrub('abcdef', found)).toBe('abcdef');
  });
});
