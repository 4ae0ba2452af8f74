// The admin controls attacked from a real browser (issue 23): Debian's chromium, driven by playwright-core, against
// the built server on loopback without an admin token (the `npm start` a developer leaves running).
//   1. A page from another origin (a tiny server on another port, at http://localhost:PORT) auto-submits a form POST
//      to http://127.0.0.1:MOCK/__admin/reset and fires fetch(mode: 'no-cors') resets and a text/plain clock move:
//      requests a browser sends without a preflight. The mock refuses each (403), and its state is unchanged: the
//      session made before still validates, the clock has not moved.
//   2. DNS rebinding, simulated with chromium's resolver rules: http://rebind.evil.example:MOCK is the mock's address
//      under the attacker's name. A page of that origin reads nothing and changes nothing: 403 on every admin call,
//      even its "same-origin" JSON reset.
// The legitimate console still works: test/browser/console.browser.ts.
import { createServer, type Server } from 'node:http';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type RunningServer } from '../helpers/spawn-server.js';

const root = resolve(import.meta.dirname, '../..');
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const REBIND_HOST = 'rebind.evil.example';
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  // The attacker's name resolves to the mock's address, as after a DNS rebinding.
  `--host-resolver-rules=MAP ${REBIND_HOST} 127.0.0.1`,
];
const START = '2026-01-05T09:00:00.000Z';
const LV_ACCESS = '11111111-1111-4111-8111-111111111111';
const DEMO_USER = { clientName: 'DEMO', userName: 'demo.user', password: 'Demo-Pass-1' };

let mock: RunningServer;
let mockPort = '';
let attacker: Server;
let attackerOrigin = '';
let browser: Browser;
let page: Page;
let sessionId = '';

/** The page an attacker serves: everything a browser sends cross-site without asking the mock first (no preflight). */
const attackPage = (target: string) => `<!doctype html>
<html><body>
<form id="reset" method="POST" action="${target}/__admin/reset"><input name="confirm" value="yes"></form>
<script>
  const tried = [
    fetch('${target}/__admin/reset', { method: 'POST', mode: 'no-cors' }),
    fetch('${target}/__admin/reset', { method: 'POST', mode: 'no-cors', headers: { 'content-type': 'text/plain' }, body: '{}' }),
    fetch('${target}/__admin/clock', { method: 'POST', mode: 'no-cors', headers: { 'content-type': 'text/plain' }, body: JSON.stringify({ advanceMs: 7200000 }) }),
  ];
  Promise.allSettled(tried).then(() => document.getElementById('reset').submit());
</script>
</body></html>`;

/** The mock's state as the attacks must leave it: the session validates, the clock stands at START. */
async function expectStateUnchanged(): Promise<void> {
  expect((await fetch(`${mock.url}/session/validate/${sessionId}`)).status, 'the session made before still validates').toBe(204);
  const clock = (await (await fetch(`${mock.url}/__admin/clock`)).json()) as { now: string };
  expect(clock.now, 'the clock did not move').toBe(START);
}

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) throw new Error(`No chromium at ${CHROMIUM}: apt-get install -y --no-install-recommends chromium (or set CHROMIUM_PATH)`);
  if (!existsSync(join(root, 'dist', 'cli', 'main.js'))) throw new Error('The server is not built: run npm run build (npm run test:browser does)');
  mock = await startServer(['serve', '--port', '0', '--clock', 'fixed', '--clock-start', START, '--log-level', 'warn'], {}, { built: true });
  mockPort = new URL(mock.url).port;
  const target = `http://127.0.0.1:${mockPort}`;
  attacker = createServer((_request, response) => response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(attackPage(target)));
  await new Promise<void>((listening) => attacker.listen(0, '127.0.0.1', listening));
  // Another site than the mock's 127.0.0.1 (a loopback page, so chromium's private-network rules let it reach the mock).
  attackerOrigin = `http://localhost:${(attacker.address() as { port: number }).port}`;
  browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
  page = await browser.newPage();
  page.setDefaultTimeout(10_000);

  const login = await fetch(`${mock.url}/session/login`, { method: 'POST', headers: { 'lv-access': LV_ACCESS, 'content-type': 'application/json' }, body: JSON.stringify(DEMO_USER) });
  expect(login.status).toBe(200);
  sessionId = String(((await login.json()) as { sessionId: string }).sessionId);
});

afterAll(async () => {
  await browser?.close();
  await new Promise((closed) => (attacker ? attacker.close(closed) : closed(undefined)));
  await mock?.stop();
});

describe('a page from another site', () => {
  it('cannot reset the mock or move its clock with a form or no-cors fetches', async () => {
    const statuses: string[] = [];
    page.on('response', (response) => {
      const url = new URL(response.url());
      if (url.port === mockPort && url.pathname.startsWith('/__admin/')) statuses.push(`${response.request().method()} ${url.pathname} ${response.status()}`);
    });
    await page.goto(attackerOrigin);
    // Every attempt reached the mock (three fetches, then the form), and the state is as it was.
    await expect.poll(() => statuses.length).toBe(4);
    await expectStateUnchanged();
    expect(statuses.sort()).toEqual(['POST /__admin/clock 403', 'POST /__admin/reset 403', 'POST /__admin/reset 403', 'POST /__admin/reset 403']);
    // The form's submission navigated the page to the mock's refusal.
    await page.waitForURL(`http://127.0.0.1:${mockPort}/__admin/reset`);
    expect(await page.textContent('body')).toContain('ADMIN_CROSS_ORIGIN');
  });
});

describe('a page under a rebound name', () => {
  it('reads nothing and changes nothing', async () => {
    const rebound = `http://${REBIND_HOST}:${mockPort}`;
    const shell = await page.goto(`${rebound}/__admin/ui`);
    expect(shell?.status()).toBe(403);
    // Script of the rebound origin: to the browser these calls are same-origin, so nothing stops them but the mock.
    const answers = await page.evaluate(async () => {
      const read = await fetch('/__admin/sessions');
      const reset = await fetch('/__admin/reset', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
      const minted = await fetch('/__idp/token', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ clientName: 'DEMO', userName: 'demo.user' }) });
      return { read: [read.status, await read.text()], reset: reset.status, minted: [minted.status, await minted.text()] };
    });
    expect(answers.read[0]).toBe(403);
    expect(answers.read[1]).not.toContain(sessionId.slice(-4));
    expect(answers.reset).toBe(403);
    expect(answers.minted[0]).toBe(403);
    expect(answers.minted[1]).not.toContain('id_token');
    await expectStateUnchanged();
  });
});
