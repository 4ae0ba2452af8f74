// `session-kit journal check` / `journal har` and `serve --journal-file` as an integrator's CI runs them: a real mock
// process, a "client test" that talks to it over real sockets (one request breaks the contract on purpose), then the
// CLI as its own process. Checks: exit 1 naming the request and its rule, exit 0 on valid traffic, --allow and
// --allow-file, --api, --since, --junit (well-formed, counts), GitHub annotations and step summary, exit 2 with one
// line for bad usage and unreadable targets, the admin token; the journal file holds every exchange, redacted,
// after SIGTERM, gates the same way after the mock stopped, and converts to HAR 1.2.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, startServer, type RunningServer } from '../helpers/spawn-server.js';
import { assertHar12 } from '../helpers/har.js';

const LV_ACCESS = '11111111-1111-4111-8111-111111111111';
const PASSWORD = 'Demo-Pass-1';
const PRIVATE_KEY = 'bbbbbbbb-bbbb-4bbb-8bbb-bbbbbbbbbbbb';
const LOUDVOICE_AUTH = `Basic ${Buffer.from(`aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa:${PRIVATE_KEY}`).toString('base64')}`;

let dir: string;
let server: RunningServer;
let journalFile: string;
/** Every exchange the client test made, in order, with what the mock answered. */
const sent: { what: string; status: number }[] = [];
let sessionId = '';
let authorSessionToken = '';
/** The id of the newest entry before the contract-breaking request. */
let idBeforeBadRequest = 0;
let timeBeforeBadRequest = '';

async function call(what: string, method: string, path: string, headers: Record<string, string>, body?: string): Promise<any> {
  const res = await fetch(`${server.url}${path}`, { method, headers, ...(body !== undefined ? { body } : {}) });
  const text = await res.text();
  sent.push({ what, status: res.status });
  return text === '' ? null : JSON.parse(text);
}

/** An integrator's client test: valid LiveVox and LoudVoice calls, then one LiveVox login whose body lacks userName. */
async function clientTest(): Promise<void> {
  const lv = { 'content-type': 'application/json', 'lv-access': LV_ACCESS };
  const login = await call('login', 'POST', '/session/login', lv, JSON.stringify({ clientName: 'DEMO', userName: 'demo.user', password: PASSWORD }));
  sessionId = login.sessionId;
  await call('details', 'GET', '/session/details', { 'lv-access': LV_ACCESS, 'lv-session': sessionId });
  await call('validate', 'GET', `/session/validate/${sessionId}`, {});
  const started = await call('start author session', 'PUT', '/loudvoice/authors/sessions.json', { 'content-type': 'application/json', authorization: LOUDVOICE_AUTH }, JSON.stringify({ request: { author_session: { author: { author_reference: 'CI-1', name: 'CI' } } } }));
  authorSessionToken = started.response.result.data.author_session.author_session_token;
  idBeforeBadRequest = sent.length;
  await new Promise((r) => setTimeout(r, 5));
  timeBeforeBadRequest = new Date().toISOString();
  await call('login without userName', 'POST', '/session/login', lv, JSON.stringify({ clientName: 'DEMO', password: PASSWORD }));
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'journal-check-'));
  journalFile = join(dir, 'reports', 'journal.ndjson');
  server = await startServer(['serve', '--port', '0', '--log-level', 'warn', '--journal-file', journalFile]);
  await clientTest();
}, 60_000);

afterAll(async () => {
  if (server?.child.exitCode === null) await server.stop();
  rmSync(dir, { recursive: true, force: true });
});

const check = (args: string[], env: NodeJS.ProcessEnv = {}) => runCli(['journal', 'check', ...args], { GITHUB_ACTIONS: '', ...env });

describe('journal check against a running mock', () => {
  it('exits 1 and names the contract-breaking request with its rule and message', async () => {
    const { code, output } = await check(['--target', server.url]);
    expect(code, output).toBe(1);
    expect(output).toMatch(/^FAIL #5 POST \/session\/login -> 400 \(login\)\n {5}request LVX-LOGIN-BODY-INVALID at body\/userName: userName is required$/m);
    expect(output.match(/^FAIL /gm)).toHaveLength(1);
    expect(output).toMatch(/DOES NOT CONFORM: 1 of 5 exchange\(s\) broke the contract/);
  });

  it('exits 0 when only valid traffic is checked: --since an id, --since a time, --api', async () => {
    // --since an id: what was recorded after the entry noted before the bad request, i.e. just that request.
    const since = await check(['--target', server.url, '--since', String(idBeforeBadRequest)]);
    expect(since.code, since.output).toBe(1);
    expect(since.output).toMatch(/DOES NOT CONFORM: 1 of 1 exchange/);
    const afterIt = await check(['--target', server.url, '--since', String(idBeforeBadRequest + 1)]);
    expect(afterIt.code, afterIt.output).toBe(0);
    const onlyValid = await check(['--target', server.url, '--api', 'loudvoice']);
    expect(onlyValid.code, onlyValid.output).toBe(0);
    expect(onlyValid.output).toMatch(/CONFORMS: 1 exchange\(s\) judged, none broke the contract/);
    const after = await check(['--target', server.url, '--since', new Date(Date.now() + 60_000).toISOString()]);
    expect(after.code, after.output).toBe(0);
    expect(after.output).toMatch(/warning: no exchanges to check/);
    const fromTime = await check(['--target', server.url, '--since', timeBeforeBadRequest]);
    expect(fromTime.code, fromTime.output).toBe(1);
    expect(fromTime.output).toMatch(/1 of 1 exchange/);
  }, 30_000);

  it('--allow and --allow-file make the intended violation pass, and say so', async () => {
    const flag = await check(['--target', server.url, '--allow', 'LVX-LOGIN-BODY-INVALID@login']);
    expect(flag.code, flag.output).toBe(0);
    expect(flag.output).toMatch(/allowed \(intended\) violations: 1\n {5}#5 POST \/session\/login -> 400 \(login\): LVX-LOGIN-BODY-INVALID at body\/userName/);
    const file = join(dir, 'allow.json');
    writeFileSync(file, JSON.stringify([{ rule: 'LVX-LOGIN-BODY-INVALID', path: '/session/login', reason: 'test_login_without_user_name sends no userName' }]));
    const fromFile = await check(['--target', server.url, '--allow-file', file]);
    expect(fromFile.code, fromFile.output).toBe(0);
    expect(fromFile.output).toContain('(test_login_without_user_name sends no userName)');
    const wrongOperation = await check(['--target', server.url, '--allow', 'LVX-LOGIN-BODY-INVALID@ssoLogin']);
    expect(wrongOperation.code, wrongOperation.output).toBe(1);
    expect(wrongOperation.output).toMatch(/warning: --allow LVX-LOGIN-BODY-INVALID@ssoLogin allowed LVX-LOGIN-BODY-INVALID@ssoLogin, but no exchange broke it/);
  }, 30_000);

  it('--junit writes well-formed JUnit XML (one case per exchange, the failure on the bad one); --markdown the report', async () => {
    const junit = join(dir, 'out', 'journal-junit.xml');
    const markdown = join(dir, 'out', 'journal.md');
    const { code, output } = await check(['--target', server.url, '--junit', junit, '--markdown', markdown]);
    expect(code, output).toBe(1);
    const xml = readFileSync(junit, 'utf8');
    const lint = spawnSync('xmllint', ['--noout', junit], { encoding: 'utf8' });
    // xmllint (Debian libxml2-utils) is an independent parser; without it the structural checks below still run.
    if (lint.error === undefined) expect(lint.status, lint.stderr).toBe(0);
    expect(xml).toMatch(/^<\?xml version="1.0" encoding="UTF-8"\?>\n<testsuites [^>]*tests="5" failures="1" errors="0" skipped="0"/);
    expect(xml.match(/<testcase /g)).toHaveLength(5);
    expect(xml.match(/<failure /g)).toHaveLength(1);
    expect(xml).toMatch(/<testcase classname="journal.livevox.login" name="#5 POST \/session\/login -&gt; 400 \(login\)" time="[\d.]+">\n {6}<failure message="LVX-LOGIN-BODY-INVALID: userName is required" type="LVX-LOGIN-BODY-INVALID">/);
    const md = readFileSync(markdown, 'utf8');
    expect(md).toContain('**DOES NOT CONFORM: 1 of 5 exchange(s) broke the contract**');
    expect(md).toContain('| #5 POST /session/login -> 400 (login) | request | LVX-LOGIN-BODY-INVALID | body/userName | userName is required |');
  }, 30_000);

  it('on GitHub Actions: an ::error annotation per failing exchange, and the report appended to the step summary', async () => {
    const summary = join(dir, 'step-summary.md');
    writeFileSync(summary, 'earlier step\n');
    const { code, output } = await check(['--target', server.url], { GITHUB_ACTIONS: 'true', GITHUB_STEP_SUMMARY: summary });
    expect(code, output).toBe(1);
    expect(output).toMatch(/^::error title=LVX-LOGIN-BODY-INVALID \(journal #5\)::#5 POST \/session\/login -> 400 \(login\)%0Arequest LVX-LOGIN-BODY-INVALID at body\/userName: userName is required$/m);
    const text = readFileSync(summary, 'utf8');
    expect(text.startsWith('earlier step\n# Journal check')).toBe(true);
  });

  it('bad usage and unreadable targets: exit 2 and one line, never a stack trace', async () => {
    // A port nothing listens on: one that was just free.
    const probe = createServer();
    await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
    const closedPort = (probe.address() as AddressInfo).port;
    await new Promise((r) => probe.close(r));
    const cases: [string[], RegExp][] = [
      [[], /give one of --target URL .* or --file FILE/],
      [['--target', server.url, '--file', journalFile], /give one of --target URL/],
      [['--target', server.url, '--api', 'soap'], /--api must be livevox or loudvoice, not "soap"/],
      [['--target', server.url, '--allow', 'LVX-NOT-A-RULE'], /--allow LVX-NOT-A-RULE: no contract has the rule LVX-NOT-A-RULE/],
      [['--target', server.url, '--allow-file', join(dir, 'missing.json')], /--allow-file .*missing.json cannot be read: ENOENT/],
      [['--target', server.url, '--colour'], /Unknown option '--colour'/],
      [['--target', `http://127.0.0.1:${closedPort}`], new RegExp(`cannot reach http://127.0.0.1:${closedPort}: ECONNREFUSED`)],
      [['--target', 'localhost:4010'], /--target takes the mock's URL/],
      [['--file', join(dir, 'nope.ndjson')], /--file .*nope.ndjson cannot be read: ENOENT/],
    ];
    for (const [args, message] of cases) {
      const { code, output } = await check(args);
      expect(code, `${args.join(' ')}\n${output}`).toBe(2);
      expect(output.trim().split('\n'), output).toHaveLength(1);
      expect(output).toMatch(message);
      expect(output).toMatch(/^session-kit journal check: /);
    }
  }, 60_000);
});

describe('journal check with an admin token', () => {
  it('refuses without the token (exit 2, saying which option), reads with --admin-token or SESSION_KIT_ADMIN_TOKEN', async () => {
    const guarded = await startServer(['serve', '--port', '0', '--log-level', 'warn', '--admin-token', 'ci-admin-secret']);
    try {
      await fetch(`${guarded.url}/session/validate/x`);
      const without = await check(['--target', guarded.url], { SESSION_KIT_ADMIN_TOKEN: '' });
      expect(without.code, without.output).toBe(2);
      expect(without.output).toMatch(/needs its admin token: pass --admin-token TOKEN or set SESSION_KIT_ADMIN_TOKEN/);
      const wrong = await check(['--target', guarded.url, '--admin-token', 'nope']);
      expect(wrong.code, wrong.output).toBe(2);
      expect(wrong.output).toMatch(/refused the admin token \(401\)/);
      const fromEnv = await check(['--target', guarded.url], { SESSION_KIT_ADMIN_TOKEN: 'ci-admin-secret' });
      expect(fromEnv.code, fromEnv.output).toBe(0);
      expect(fromEnv.output).not.toContain('ci-admin-secret');
    } finally {
      await guarded.stop();
    }
  }, 60_000);
});

describe('serve --journal-file', () => {
  it('after SIGTERM the file holds every exchange, in order, redacted; check --file and journal har work after the mock stopped', async () => {
    expect(await server.stop('SIGTERM')).toBe(0);
    const text = readFileSync(journalFile, 'utf8');
    const lines = text.trimEnd().split('\n').map((l) => JSON.parse(l));
    expect(lines.map((e) => `${e.id} ${e.response.status}`)).toEqual(sent.map((s, i) => `${i + 1} ${s.status}`));
    expect(lines.every((e) => typeof e.verdict.ok === 'boolean')).toBe(true);
    // The project's redaction rules: credentials, session ids and tokens keep at most their last four characters, passwords nothing.
    for (const secret of [LV_ACCESS, PASSWORD, PRIVATE_KEY, sessionId, authorSessionToken, LOUDVOICE_AUTH.slice(6)]) {
      expect(secret.length).toBeGreaterThan(8);
      expect(text).not.toContain(secret);
    }
    expect(text).toContain(`"lv-access":"…${LV_ACCESS.slice(-4)}"`);
    expect(text).toContain(`/session/validate/…${sessionId.slice(-4)}`);

    const gated = await check(['--file', journalFile]);
    expect(gated.code, gated.output).toBe(1);
    expect(gated.output).toMatch(/^FAIL #5 POST \/session\/login -> 400 \(login\)$/m);
    expect((await check(['--file', journalFile, '--allow', 'LVX-LOGIN-BODY-INVALID'])).code).toBe(0);

    const har = join(dir, 'journal.har');
    const converted = await runCli(['journal', 'har', '--file', journalFile, '--out', har]);
    expect(converted.code, converted.output).toBe(0);
    const doc = JSON.parse(readFileSync(har, 'utf8'));
    assertHar12(doc);
    expect(doc.log.entries).toHaveLength(sent.length);
    expect(doc.log.entries[4].request.url).toBe(`${server.url}/session/login`);
    expect(readFileSync(har, 'utf8')).not.toContain(PASSWORD);
  }, 60_000);

  it('refuses --workers (one file, one writer) and a file that cannot be written, before listening', async () => {
    const workers = await runCli(['serve', '--port', '0', '--store', 'redis://127.0.0.1:1', '--workers', '2', '--journal-file', join(dir, 'j.ndjson')]);
    expect(workers.code, workers.output).toBe(2);
    expect(workers.output).toMatch(/--journal-file is written by one process: it cannot be used with --workers/);
    const blocked = join(dir, 'not-a-folder');
    writeFileSync(blocked, '');
    const unwritable = await runCli(['serve', '--port', '0', '--journal-file', join(blocked, 'j.ndjson')]);
    expect(unwritable.code, unwritable.output).toBe(1);
    expect(unwritable.output).toMatch(/cannot start: --journal-file .*not-a-folder\/j.ndjson cannot be written/);
  }, 30_000);
});
