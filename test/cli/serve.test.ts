// The CLI: `serve` starts on loopback with the fixtures, answers the README's first calls, stops cleanly on SIGTERM;
// bad fixtures, bad options and an unguarded non-loopback bind are refused with clear messages and exit codes; the
// test-only --variant, like --fault, needs --enable-test-faults and a known name, and every variant starts at once;
// --latency delays every API request.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { VARIANTS } from '../../src/core/variants.js';
import { DEMO } from '../helpers/test-app.js';
import { runCli, startServer } from '../helpers/spawn-server.js';

/** The fixtures' demo user logs in with the first API token. */
const loginDemo = (url: string) =>
  fetch(`${url}/session/login`, { method: 'POST', headers: { 'LV-Access': DEMO.token1, 'Content-Type': 'application/json' }, body: JSON.stringify(DEMO.user) });

describe('session-kit serve', () => {
  it('serves the fixtures on loopback: login 200, no LV-Access 401, protected read 200, then 401 after 2 h', async () => {
    const server = await startServer(['serve', '--port', '0']);
    try {
      expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      const login = await loginDemo(server.url);
      expect(login.status).toBe(200);
      const { sessionId } = (await login.json()) as { sessionId: string };
      const noAccess = await fetch(`${server.url}/session/login`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(DEMO.user) });
      expect(noAccess.status).toBe(401);
      expect((await fetch(`${server.url}/session/details`, { headers: { 'LV-Session': sessionId } })).status).toBe(200);
      const moved = await fetch(`${server.url}/__admin/clock`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{"advanceMs":7200000}' });
      expect(moved.status).toBe(200);
      expect((await fetch(`${server.url}/session/details`, { headers: { 'LV-Session': sessionId } })).status).toBe(401);
    } finally {
      expect(await server.stop('SIGTERM')).toBe(0);
    }
  });

  it('refuses a bad fixture file at start-up, naming the problem', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'fixtures-'));
    const file = join(dir, 'bad.json');
    writeFileSync(file, JSON.stringify({ livevox: { clients: [{ clientName: 'X', clientId: 1, apiTokens: ['a1b2c3d4e5', 'a1b2c3d4e6', 'a1b2c3d4e7', 'a1b2c3d4e8', 'a1b2c3d4e9', 'a1b2c3d4f0'], users: [] }] } }));
    const run = await runCli(['serve', '--port', '0', '--fixtures', file]);
    expect(run.code).toBe(1);
    expect(run.output).toContain('at most 5 API tokens');
    expect(run.output).toContain(file);
    writeFileSync(file, '{ not json');
    const notJson = await runCli(['serve', '--port', '0', '--fixtures', file]);
    expect(notJson.code).toBe(1);
    expect(notJson.output).toContain('not valid JSON');
    const missing = await runCli(['serve', '--port', '0', '--fixtures', join(dir, 'nope.json')]);
    expect(missing.code).toBe(1);
    expect(missing.output).toContain('ENOENT');
  });

  it('refuses admin controls on a non-loopback bind without an admin token (exit 2)', async () => {
    const run = await runCli(['serve', '--host', '0.0.0.0', '--port', '0']);
    expect(run.code).toBe(2);
    expect(run.output).toMatch(/refusing to serve the admin controls on 0\.0\.0\.0/);
  });

  it('refuses --variant without --enable-test-faults, and an unknown variant, with exit 2', async () => {
    const unguarded = await runCli(['serve', '--port', '0', '--variant', 'livevox-validate-200']);
    expect(unguarded.code).toBe(2);
    expect(unguarded.output).toContain('--variant is for testing the conformance kit only: it needs --enable-test-faults');
    const unknown = await runCli(['serve', '--port', '0', '--enable-test-faults', '--variant', 'livevox-validate-2000']);
    expect(unknown.code).toBe(2);
    expect(unknown.output).toContain('unknown variant "livevox-validate-2000"');
    const help = await runCli(['serve', '--help']);
    expect(help.code).toBe(0);
    expect(help.output).toContain('Test-only variants');
    expect(help.output).toContain('loudvoice-session-token-rotates');
  });

  it('starts with every variant and a fault at once, says so, and answers as the variants say', async () => {
    const all = Object.keys(VARIANTS).flatMap((name) => ['--variant', name]);
    const server = await startServer(['serve', '--port', '0', '--log-level', 'warn', '--enable-test-faults', ...all, '--fault', 'loudvoice-date-format']);
    try {
      // The banner follows the "listening on" line the start waits for.
      await vi.waitFor(() => expect(server.output()).toContain(`TEST VARIANTS ON: ${Object.keys(VARIANTS).join(', ')}`));
      expect(server.output()).toContain('TEST FAULTS ON: loudvoice-date-format');
      const login = await loginDemo(server.url);
      // livevox-login-201 is among them.
      expect(login.status).toBe(201);
      const { sessionId } = (await login.json()) as { sessionId: string };
      expect((await fetch(`${server.url}/session/validate/${sessionId}`)).status).toBe(200);
      expect((await fetch(`${server.url}/__idp/jwks.json`)).status).toBe(404);
    } finally {
      expect(await server.stop('SIGTERM')).toBe(0);
    }
  });

  it('takes --journal-size and a bare --cors (any origin) before another option, and says CORS is on', async () => {
    const server = await startServer(['serve', '--port', '0', '--cors', '--journal-size', '2']);
    try {
      await vi.waitFor(() => expect(server.output()).toContain('CORS: on for any origin'));
      const preflight = await fetch(`${server.url}/session/login`, { method: 'OPTIONS', headers: { Origin: 'http://localhost:3000', 'Access-Control-Request-Method': 'POST' } });
      expect(preflight.status).toBe(204);
      expect(preflight.headers.get('access-control-allow-origin')).toBe('*');
      for (let i = 0; i < 3; i++) await loginDemo(server.url);
      const journal = (await (await fetch(`${server.url}/__admin/requests`)).json()) as { meta: unknown };
      expect(journal.meta).toEqual({ total: 2, capacity: 2, dropped: 2 });
    } finally {
      expect(await server.stop('SIGTERM')).toBe(0);
    }
  });

  it('delays every API request by --latency (at least its value) and says so; a bad --latency is exit 2', async () => {
    const server = await startServer(['serve', '--port', '0', '--log-level', 'warn', '--latency', '50-60']);
    try {
      await vi.waitFor(() => expect(server.output()).toContain('latency: 50-60 ms before every API request'));
      const started = performance.now();
      expect((await loginDemo(server.url)).status).toBe(200);
      expect(performance.now() - started).toBeGreaterThanOrEqual(50);
      const chaos = await fetch(`${server.url}/__admin/chaos`);
      expect(await chaos.json()).toEqual({ rules: [], latency: { minMs: 50, maxMs: 60 } });
    } finally {
      expect(await server.stop('SIGTERM')).toBe(0);
    }
    const bad = await runCli(['serve', '--latency', '80-50']);
    expect(bad.code).toBe(2);
    expect(bad.output).toContain('--latency must be MS or MIN-MAX');
  });

  it('refuses unknown options and bad values with exit 2', async () => {
    expect((await runCli(['serve', '--journal-size', '0'])).output).toContain('--no-journal');
    expect((await runCli(['serve', '--bogus'])).code).toBe(2);
    expect((await runCli(['serve', '--api', 'soap'])).code).toBe(2);
    expect((await runCli(['serve', '--clock', 'sundial'])).code).toBe(2);
    expect((await runCli(['frobnicate'])).code).toBe(2);
  });
});
