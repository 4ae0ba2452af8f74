// The console's server side: the static shell at /__admin/ui (served without the admin token, which a browser
// navigation cannot send, and holding no data), the contracts endpoint it reads, and the sessions view with the
// clock it counts down against. The page itself is tested in a real browser: test/browser/console.browser.ts.
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import type { AppConfig } from '../src/http/app.js';
import { DEMO, LOUDVOICE_AUTH, T0, appsClosedAfterEach } from './helpers/test-app.js';

const root = resolve(import.meta.dirname, '..');
const TOKEN = 'console-admin-token';
const bearer = { authorization: `Bearer ${TOKEN}` };

const openApp = appsClosedAfterEach();

/** A console directory with stand-in files: the serving logic is what is tested here, not the build. */
function consoleDir(files: Record<string, string> = { 'index.html': '<!doctype html><title>console</title>', 'console.js': 'console.log(1)', 'console.css': 'body{}' }) {
  const dir = mkdtempSync(join(tmpdir(), 'session-kit-console-'));
  for (const [name, content] of Object.entries(files)) writeFileSync(join(dir, name), content);
  return dir;
}

const open = (admin: AppConfig['admin']) => openApp({ admin });

describe('the console shell at /__admin/ui', () => {
  it('is served without the admin token (it holds no data), while every data call still needs it', async () => {
    const { app } = await open({ enabled: true, token: TOKEN, consoleDir: consoleDir() });
    for (const url of ['/__admin/ui', '/__admin/ui/']) {
      const page = await app.inject({ method: 'GET', url });
      expect(page.statusCode, url).toBe(200);
      expect(page.headers['content-type']).toBe('text/html; charset=utf-8');
      expect(page.body).toBe('<!doctype html><title>console</title>');
    }
    expect((await app.inject({ method: 'GET', url: '/__admin/ui/console.js' })).headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect((await app.inject({ method: 'GET', url: '/__admin/ui/console.css' })).headers['content-type']).toBe('text/css; charset=utf-8');
    for (const url of ['/__admin/sessions', '/__admin/contracts', '/__admin/clock']) {
      expect((await app.inject({ method: 'GET', url })).statusCode, url).toBe(401);
      expect((await app.inject({ method: 'GET', url, headers: bearer })).statusCode, url).toBe(200);
    }
  });

  it('may load only its own files and talk only to its own origin (CSP), and is revalidated on every load', async () => {
    const { app } = await open({ enabled: true, consoleDir: consoleDir() });
    const page = await app.inject({ method: 'GET', url: '/__admin/ui' });
    const csp = String(page.headers['content-security-policy']);
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("connect-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(page.headers['x-content-type-options']).toBe('nosniff');
    expect(page.headers['cache-control']).toBe('no-cache');
    const again = await app.inject({ method: 'GET', url: '/__admin/ui', headers: { 'if-none-match': String(page.headers.etag) } });
    expect(again.statusCode).toBe(304);
  });

  it('serves its three files and nothing else; other methods are 405 with Allow', async () => {
    const dir = consoleDir();
    writeFileSync(join(dir, 'secret.txt'), 'not for the browser');
    const { app } = await open({ enabled: true, consoleDir: dir });
    for (const url of ['/__admin/ui/secret.txt', '/__admin/ui/../package.json', '/__admin/ui/%2e%2e/package.json', '/__admin/uix']) {
      const res = await app.inject({ method: 'GET', url });
      expect(res.statusCode, url).toBe(404);
      expect(res.body).not.toContain('not for the browser');
      expect(res.json().code, url).toBe('ROUTE_NOT_FOUND');
    }
    const post = await app.inject({ method: 'POST', url: '/__admin/ui' });
    expect(post.statusCode).toBe(405);
    expect(post.headers.allow).toContain('GET');
  });

  it('says how to build it when the build is missing, in the admin shape', async () => {
    const { app } = await open({ enabled: true, consoleDir: consoleDir({ 'index.html': '<!doctype html>' }) });
    const res = await app.inject({ method: 'GET', url: '/__admin/ui' });
    expect(res.statusCode).toBe(404);
    expect(res.json()).toEqual({ code: 'CONSOLE_NOT_BUILT', message: expect.stringContaining('npm run build') });
  });

  it('does not exist when the admin controls are off', async () => {
    const { app } = await open({ enabled: false, consoleDir: consoleDir() });
    expect((await app.inject({ method: 'GET', url: '/__admin/ui' })).statusCode).toBe(404);
  });
});

describe('the console sources', () => {
  const sources = readdirSync(join(root, 'src/ui')).map((f) => ({ f, text: readFileSync(join(root, 'src/ui', f), 'utf8') }));

  it('never put text into the page as HTML: the journal shows what clients sent', () => {
    for (const { f, text } of sources) expect(text, f).not.toMatch(/innerHTML|outerHTML|insertAdjacentHTML|document\.write|DOMParser/);
  });

  it('reference nothing off the server: no absolute URL, no import from elsewhere', () => {
    for (const { f, text } of sources) {
      expect(text, f).not.toMatch(/(src|href)\s*=\s*["']?(https?:)?\/\//);
      expect(text, f).not.toMatch(/@import|url\(\s*["']?(https?:)?\/\//);
    }
  });
});

describe('GET /__admin/contracts', () => {
  it('lists each contract’s operations as the YAML declares them, and every rule with its grade and source', async () => {
    const { app } = await open({ enabled: true });
    const res = await app.inject({ method: 'GET', url: '/__admin/contracts' });
    expect(res.statusCode).toBe(200);
    const view = res.json();
    for (const [api, file] of [
      ['livevox', 'openapi/livevox-session.yaml'],
      ['loudvoice', 'openapi/loudvoice.yaml'],
    ] as const) {
      const doc = parse(readFileSync(join(root, file), 'utf8'));
      const declared = Object.entries(doc.paths as Record<string, Record<string, { operationId?: string; summary?: string }>>).flatMap(([path, item]) =>
        Object.entries(item)
          .filter(([, op]) => op?.operationId)
          .map(([method, op]) => ({ method: method.toUpperCase(), path, operationId: op.operationId, summary: op.summary ?? null })),
      );
      expect(view[api].operations).toEqual(declared);
      expect(view[api].title).toBe(doc.info.title);
      const ruleIds = [...(doc['x-rules'] ?? []), ...Object.values(doc.paths as Record<string, Record<string, { 'x-rules'?: unknown[] }>>).flatMap((item) => Object.values(item).flatMap((op) => op?.['x-rules'] ?? []))].map(
        (r) => (r as { id: string }).id,
      );
      expect(view[api].rules.map((r: { id: string }) => r.id).sort()).toEqual(ruleIds.sort());
      for (const rule of view[api].rules) {
        expect(['documented', 'observed', 'assumed'], rule.id).toContain(rule.grade);
        expect(rule.text.length, rule.id).toBeGreaterThan(10);
        expect(rule.source.length, rule.id).toBeGreaterThan(3);
      }
    }
    const rule = view.livevox.rules.find((r: { id: string }) => r.id === 'LVX-ACCESS-LOGIN-ONLY');
    expect(rule).toMatchObject({ grade: 'documented', operation: null, text: expect.stringContaining('LV-Access') });
  });
});

describe('GET /__admin/sessions for the console', () => {
  it('gives each session its expiry and the clock it was read at, so the time left follows the server clock', async () => {
    const { app } = await open({ enabled: true });
    const login = await app.inject({ method: 'POST', url: '/session/login', headers: { 'content-type': 'application/json', 'lv-access': DEMO.token1 }, payload: DEMO.user });
    expect(login.statusCode).toBe(200);
    const author = await app.inject({
      method: 'PUT',
      url: '/loudvoice/authors/sessions.json',
      headers: { 'content-type': 'application/json', authorization: LOUDVOICE_AUTH },
      payload: { request: { author_session: { author: { author_reference: 'CONSOLE-1', name: 'Console' } } } },
    });
    expect(author.statusCode).toBe(201);
    const expiresIn = author.json().response.result.data.author_session.expires_in as number;

    const before = (await app.inject({ method: 'GET', url: '/__admin/sessions' })).json();
    expect(before.clock).toEqual({ now: new Date(T0).toISOString(), epochMs: T0, mode: 'fixed' });
    expect(before.livevox[0].expiresAt - before.clock.epochMs).toBe(2 * 3_600_000);
    expect(before.loudvoice[0].dateExpiration - before.clock.epochMs).toBe(expiresIn * 1000);
    // The existing fields stay; the session id in the console's own short form (no admin token here).
    expect(before.livevox[0]).toMatchObject({ sessionId: `…${String(login.json().sessionId).slice(-4)}`, userName: 'demo.user', apiTokenSuffix: '1111' });

    await app.inject({ method: 'POST', url: '/__admin/clock', payload: { advanceMs: 3_600_000 - 1 } });
    const later = (await app.inject({ method: 'GET', url: '/__admin/sessions' })).json();
    expect(later.clock.epochMs).toBe(T0 + 3_600_000 - 1);
    expect(later.livevox[0].expiresAt - later.clock.epochMs).toBe(3_600_000 + 1);
  });
});
