// The console at /__admin/ui in a real browser: Debian's chromium (never a downloaded one) driven by playwright-core,
// against the built server (bin/session-kit.js and dist/, as an installed package runs), over real sockets.
// The steps run in order and build on each other, as an integrator would use the console:
//   0. the page asks for the admin token once and then shows the server clock;
//   1. a login made with a plain HTTP client (Node's fetch) makes its session appear, counting down from 2 h;
//   2. +2 h clicked on the page makes it vanish (LiveVox's 2-hour inactivity expiry, documented);
//   3. the journal entry of that login shows its contract verdict;
//   4. a malformed request shows its violation, with the rule it breaks;
//   5. a chaos rule added from the page makes the next request fail (503 in LiveVox's shape), then is removed;
//   6. reset (two clicks) forgets a live session.
// Throughout: the page requests nothing from any host but the server (offline, no CDN), never shows a session id,
// API token, password or the admin token, and throws no script error.
// Run: npm run test:browser (SESSION_KIT_SCREENSHOTS=docs also refreshes docs/console.png).
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type RunningServer } from '../helpers/spawn-server.js';

const root = resolve(import.meta.dirname, '../..');
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const SCREENSHOTS = process.env.SESSION_KIT_SCREENSHOTS === 'docs' ? join(root, 'docs') : join(root, 'reports', 'browser');
const START = '2026-01-05T09:00:00.000Z';
const ADMIN_TOKEN = `console-${randomBytes(12).toString('hex')}`;
const LV_ACCESS = '11111111-1111-4111-8111-111111111111';
const DEMO_USER = { clientName: 'DEMO', userName: 'demo.user', password: 'Demo-Pass-1' };
const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]']);

let server: RunningServer;
let context: BrowserContext;
let page: Page;
let profile: string;
const requestedUrls: string[] = [];
const scriptErrors: string[] = [];
/** Secrets that must never appear on the page. */
const secrets = [ADMIN_TOKEN, LV_ACCESS, DEMO_USER.password];

/** A LiveVox login with a plain HTTP client, as an integrator's app would make it. */
async function login(body: unknown = DEMO_USER) {
  const res = await fetch(`${server.url}/session/login`, {
    method: 'POST',
    headers: { 'lv-access': LV_ACCESS, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

const sessionRow = (sessionId: string) => page.locator('#sessions-livevox tr[data-session]', { hasText: sessionId.slice(-4) });
const journalRow = (method: string, path: string, status: number) =>
  page.locator('#journal-list tr.entry').filter({ has: page.locator('td.path', { hasText: new RegExp(`^${path.replace(/[/.]/g, '\\$&')}$`) }) }).filter({ has: page.locator('td.status', { hasText: String(status) }) }).filter({ hasText: method });

async function pageShowsNoSecret(extra: string[] = []): Promise<void> {
  const text = await page.content();
  for (const secret of [...secrets, ...extra]) expect(text, 'a secret is on the page').not.toContain(secret);
}

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) throw new Error(`No chromium at ${CHROMIUM}: apt-get install -y --no-install-recommends chromium (or set CHROMIUM_PATH)`);
  if (!existsSync(join(root, 'dist', 'ui', 'console.js'))) throw new Error('The console is not built: run npm run build (npm run test:browser does)');
  server = await startServer(['serve', '--port', '0', '--clock', 'fixed', '--clock-start', START, '--admin-token', ADMIN_TOKEN, '--log-level', 'warn'], {}, { built: true });
  profile = mkdtempSync(join(tmpdir(), 'session-kit-chromium-'));
  context = await chromium.launchPersistentContext(profile, { executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS, viewport: { width: 1400, height: 960 } });
  context.on('request', (request) => requestedUrls.push(request.url()));
  page = context.pages()[0] ?? (await context.newPage());
  page.on('pageerror', (error) => scriptErrors.push(error.message));
  page.setDefaultTimeout(10_000);
  mkdirSync(SCREENSHOTS, { recursive: true });
});

afterAll(async () => {
  await context?.close();
  await server?.stop();
  if (profile) rmSync(profile, { recursive: true, force: true });
});

describe('the console in a real browser', () => {
  it('0. asks for the admin token once, then shows the server clock', async () => {
    // The address the server's banner gives for the console.
    const announced = /console: (\S+) \(it asks for the admin token\)/.exec(server.output())?.[1];
    expect(announced).toBe(`${server.url}/__admin/ui`);
    await page.goto(announced!);
    const dialog = page.locator('#token-dialog');
    await dialog.waitFor({ state: 'visible' });
    await page.fill('#token-input', ADMIN_TOKEN);
    await page.click('#token-form button[type=submit]');
    await dialog.waitFor({ state: 'hidden' });
    await expect.poll(() => page.textContent('#clock-now')).toBe('2026-01-05 09:00:00Z');
    expect(await page.textContent('#clock-mode')).toBe('fixed');
    // The contracts are readable: operations and rules with their provenance.
    await page.locator('#contract-body tr#rule-LVX-ACCESS-LOGIN-ONLY').waitFor();
    expect(await page.locator('#contract-body tr#rule-LVX-ACCESS-LOGIN-ONLY .grade').textContent()).toBe('documented');
    await pageShowsNoSecret();
  });

  let sessionId = '';

  it('1. a login made with a plain HTTP client makes its session appear, with 2 h left', async () => {
    const res = await login();
    expect(res.status).toBe(200);
    sessionId = String(res.body.sessionId);
    const row = sessionRow(sessionId);
    await row.waitFor();
    expect(await row.locator('td.left').textContent()).toBe('2:00:00');
    expect(await row.textContent()).toContain('demo.user');
    // Only the last 4 characters of the session id are shown.
    await pageShowsNoSecret([sessionId]);
  });

  it('2. +2 h clicked on the page makes it vanish', async () => {
    await sessionRow(sessionId).waitFor();
    await page.click('button[data-advance="7200000"]');
    await sessionRow(sessionId).waitFor({ state: 'detached' });
    expect(await page.textContent('#clock-now')).toBe('2026-01-05 11:00:00Z');
    // The server agrees: the session is gone there too.
    const details = await fetch(`${server.url}/session/details`, { headers: { 'lv-session': sessionId } });
    expect(details.status).toBe(401);
  });

  it('3. the journal entry of that login shows its contract verdict', async () => {
    const row = journalRow('POST', '/session/login', 200).first();
    await row.waitFor();
    expect(await row.locator('.verdict').textContent()).toBe('✓ conforms');
    await row.click();
    const detail = page.locator('#journal-detail');
    await detail.locator('.verdict.ok').waitFor();
    expect(await detail.locator('.meta').textContent()).toContain('login (POST /session/login)');
    expect(await detail.textContent()).toContain('"userName": "demo.user"');
    await pageShowsNoSecret([sessionId]);
  });

  it('4. a malformed request shows its violation and the rule it breaks', async () => {
    const res = await login({ clientName: 'DEMO', userName: 'demo.user' });
    expect(res.status).toBe(400);
    const row = journalRow('POST', '/session/login', 400).first();
    await row.waitFor();
    expect(await row.locator('.verdict').textContent()).toMatch(/^✗ \d+ violations?$/);
    await row.click();
    const violation = page.locator('#journal-detail tr.violation', { hasText: 'password' }).first();
    await violation.waitFor();
    expect(await violation.locator('td').first().textContent()).toBe('request');
  });

  it('5. a chaos rule added from the page makes the next request fail, once', async () => {
    const form = page.locator('#chaos-form');
    await form.locator('select[name=api]').selectOption('livevox');
    await form.locator('select[name=method]').selectOption('POST');
    await form.locator('input[name=path]').fill('/session/login');
    await form.locator('select[name=type]').selectOption('error');
    await form.locator('select[name=status]').selectOption('503');
    await form.locator('input[name=times]').fill('1');
    await form.locator('button[type=submit]').click();
    const rule = page.locator('#chaos-list tr[data-rule]');
    await rule.waitFor();
    expect(await page.textContent('#chaos-error')).toBe('');

    const failed = await login();
    expect(failed.status).toBe(503);
    expect(failed.body).toEqual({ code: expect.any(Number), message: expect.any(String) });
    await expect.poll(() => rule.locator('td.fired').textContent()).toBe('1');
    await journalRow('POST', '/session/login', 503).first().waitFor();
    const next = await login();
    expect(next.status).toBe(200);
    // The picture for the README: a live session, the journal with the violation open, a rule that fired.
    await sessionRow(String(next.body.sessionId)).waitFor();
    await page.screenshot({ path: join(SCREENSHOTS, 'console.png') });

    await rule.locator('button', { hasText: 'Remove' }).click();
    await rule.waitFor({ state: 'detached' });
    expect(await (await fetch(`${server.url}/__admin/chaos`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } })).json()).toMatchObject({ rules: [] });
  });

  it('6. reset, clicked twice, forgets the live sessions', async () => {
    const live = sessionRow(String((await login()).body.sessionId));
    await live.waitFor();
    await page.click('#reset');
    expect(await page.textContent('#reset')).toBe('Click again to reset');
    await page.click('#reset');
    await live.waitFor({ state: 'detached' });
    expect(await page.locator('#sessions-livevox tr[data-session]').count()).toBe(0);
  });

  it('made no request to any host but the server, and threw no script error', () => {
    expect(requestedUrls.length).toBeGreaterThan(5);
    const offHost = requestedUrls.filter((u) => /^(https?|wss?):/.test(u) && !LOOPBACK.has(new URL(u).hostname));
    expect(offHost).toEqual([]);
    expect(scriptErrors).toEqual([]);
  });
});
