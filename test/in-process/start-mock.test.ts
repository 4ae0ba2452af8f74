// startMock, the mock in an integrator's own test process (issue 22, item 1). Rules checked (session-kit's own design,
// docs/in-process.md; the LiveVox behaviour is the contract's, 2-hour rolling expiry from L1):
// - it listens on 127.0.0.1 and a free port; url, livevoxUrl and loudvoiceUrl reach the server;
// - clock.advance takes ms and durations ('90s', '15m', '2h', '1d'); set, freeze, follow and now move and read the
//   server's clock through the admin API, and a move back is refused;
// - reset goes back to the fixtures (given as an object or a file path), chaos rules stay until chaos.clear;
// - requests(filter) is the journal, oldest first, with each exchange's verdict; verify throws a readable Error
//   naming what matched and the near misses; options go through serve's own checks;
// - the same works from Node's own test runner, without vitest (test/in-process/start-mock.node-test.mjs).
import { spawnSync } from 'node:child_process';
import { writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parseDuration, startMock, verifyMessage, type Mock } from '../../src/admin/http/start-mock.js';
import { loadFixtures } from '../../src/config/fixtures.js';
import { DEMO } from '../helpers/test-app.js';

const mocks: Mock[] = [];
afterEach(async () => {
  await Promise.all(mocks.splice(0).map((m) => m.close()));
});
const open = async (options: Parameters<typeof startMock>[0] = {}) => {
  const mock = await startMock(options);
  mocks.push(mock);
  return mock;
};
const login = (mock: Mock, path = '/session/login') =>
  fetch(`${mock.livevoxUrl}${path}`, { method: 'POST', headers: { 'LV-Access': DEMO.token1, 'Content-Type': 'application/json' }, body: JSON.stringify(DEMO.user) });

describe('parseDuration', () => {
  it.each([
    [7_200_000, 7_200_000],
    ['90s', 90_000],
    ['15m', 900_000],
    ['2h', 7_200_000],
    ['1.5h', 5_400_000],
    ['1d', 86_400_000],
    ['250ms', 250],
  ])('%s is %d ms', (given, ms) => expect(parseDuration(given)).toBe(ms));
  it.each(['2 hours', '-1h', 'h', '', '1w'])('refuses %j', (given) => expect(() => parseDuration(given)).toThrow(/duration/));
  it('refuses a negative or fractional ms number', () => {
    expect(() => parseDuration(-1)).toThrow(RangeError);
    expect(() => parseDuration(1.5)).toThrow(RangeError);
  });
});

describe('startMock', () => {
  it('listens on 127.0.0.1 and a free port; two mocks side by side', async () => {
    const [a, b] = [await open(), await open()];
    expect(a.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(a.url).not.toBe(b.url);
    expect([a.livevoxUrl, a.loudvoiceUrl]).toEqual([a.url, a.url]);
    expect((await login(a)).status).toBe(200);
  });

  it('a session expires after the clock advances 2 h (the 2-hour window, L1); set, freeze, follow and now', async () => {
    const mock = await open({ clock: 'fixed', clockStart: '2026-01-05T09:00:00Z' });
    expect((await mock.clock.now()).toISOString()).toBe('2026-01-05T09:00:00.000Z');
    const { sessionId } = (await (await login(mock)).json()) as { sessionId: string };
    const details = () => fetch(`${mock.url}/session/details`, { headers: { 'LV-Session': sessionId } });
    expect((await details()).status).toBe(200);
    expect((await mock.clock.advance('2h')).now).toBe('2026-01-05T11:00:00.000Z');
    expect((await details()).status).toBe(401);
    expect((await mock.clock.set(new Date('2026-01-06T00:00:00Z'))).epochMs).toBe(Date.parse('2026-01-06T00:00:00Z'));
    await expect(mock.clock.set('2026-01-01T00:00:00Z')).rejects.toThrow(/409 CLOCK_BACKWARDS/);
    expect((await mock.clock.follow()).mode).toBe('system');
    const frozen = await mock.clock.freeze();
    expect(frozen.mode).toBe('fixed');
    expect((await mock.clock.advance(1000)).epochMs).toBe(frozen.epochMs + 1000);
    expect((await mock.clock.now()).getTime()).toBe(frozen.epochMs + 1000);
  });

  it('reset goes back to the fixtures given as an object; a file path works too; bad fixtures are refused', async () => {
    const fixtures = loadFixtures();
    const mock = await open({ fixtures });
    expect(mock.fixtures.livevox.clients[0]!.clientName).toBe('DEMO');
    await login(mock);
    expect((await mock.sessions()).livevox).toHaveLength(1);
    await mock.reset();
    expect((await mock.sessions()).livevox).toHaveLength(0);

    const file = join(mkdtempSync(join(tmpdir(), 'start-mock-')), 'fixtures.json');
    writeFileSync(file, JSON.stringify(fixtures));
    expect((await login(await open({ fixtures: file }))).status).toBe(200);
    await expect(startMock({ fixtures: { livevox: { clients: 'none' } } })).rejects.toThrow(/fixtures given to startMock/);
    await expect(startMock({ journalSize: 0 })).rejects.toThrow(/--journal-size must be an integer from 1 to 100000/);
  });

  it('requests(filter) is the journal with verdicts, oldest first; chaos.add and chaos.clear', async () => {
    const mock = await open();
    await mock.chaos.add({ operationId: 'login', action: { type: 'error', status: 503 }, times: 1 });
    expect((await login(mock)).status).toBe(503);
    expect((await login(mock)).status).toBe(200);
    await fetch(`${mock.url}/session/login`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{"clientName":"DEMO"}' });
    const logins = await mock.requests({ operationId: 'login' });
    expect(logins.map((e) => e.response.status)).toEqual([503, 200, 401]);
    expect(logins[0]!.chaos?.ruleId).toBe('chaos-1');
    expect(logins[2]!.verdict.request.map((v) => v.rule)).toContain('LVX-LOGIN-ACCESS-MISSING');
    expect(await mock.requests({ status: 200 })).toHaveLength(1);
    expect((await mock.chaos.list())[0]).toMatchObject({ id: 'chaos-1', fired: 1, remaining: 0 });
    await mock.chaos.add({ api: 'livevox', action: { type: 'error', status: 500 } });
    await mock.chaos.clear();
    expect(await mock.chaos.list()).toEqual([]);
    await expect(mock.chaos.add({ action: { type: 'explode' } } as never)).rejects.toThrow(/400 CHAOS_RULE_INVALID/);
    await mock.clearRequests();
    expect(await mock.requests()).toEqual([]);
  });

  it('verify passes on the right count and throws naming what matched and the near misses', async () => {
    const mock = await open();
    await login(mock);
    await login(mock, '/session/v7.0/login');
    await fetch(`${mock.url}/session/details`);
    expect(await mock.verify({ operationId: 'login' }, { times: 1 })).toHaveLength(1);
    await expect(mock.verify({ operationId: 'changePassword' })).rejects.toThrow(/expected at least 1 request/);
    const error = await mock.verify({ operationId: 'login' }, { times: 2 }).then(() => undefined, (e: Error) => e);
    expect(error?.message).toMatch(/^verify: expected 2 request\(s\) matching \{"operationId":"login"\}, found 1\n {2}matched: #1 POST \/session\/login -> 200 \(login\) conforms\nnear misses:\n/);
    expect(error?.message).toContain('#2 POST /session/v7.0/login -> 404');
    expect(error?.message).toContain('POST /session/{version}/login (loginVersioned): version v7.0 is not one the contract serves; the nearest is v6.0 (/session/v6.0/login)');
    expect(error?.message).toMatch(/#3 GET \/session\/details -> 401 \(getSessionDetails\) breaks [^:]+: operationId is getSessionDetails, not login/);
  });

  it('verifyMessage says when the journal is empty', () => {
    expect(verifyMessage({ operationId: 'login' }, 1, [])).toMatch(/found 0 \(the journal is empty: did the client reach this mock\?\)/);
    expect(verifyMessage({ operationId: 'login' }, 0, [])).toBeUndefined();
  });

  it('with an admin token, every control sends it (the admin API is otherwise 401)', async () => {
    const mock = await open({ adminToken: 'sekret-token-1' });
    expect((await fetch(`${mock.url}/__admin/clock`)).status).toBe(401);
    await login(mock);
    expect((await mock.sessions()).livevox[0]!.sessionId).not.toMatch(/^…/);
    await mock.reset();
  });

  it('runs under node:test without vitest (test/in-process/start-mock.node-test.mjs, against the build in dist/)', () => {
    const root = resolve(import.meta.dirname, '../..');
    const run = spawnSync(process.execPath, ['--test', 'test/in-process/start-mock.node-test.mjs'], { cwd: root, encoding: 'utf8', env: { ...process.env, NODE_OPTIONS: '' } });
    expect(run.status, `${run.stdout}${run.stderr}`).toBe(0);
    expect(run.stdout).toMatch(/# pass 3\n# fail 0/);
  });
});
