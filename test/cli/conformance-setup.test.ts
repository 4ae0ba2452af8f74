// Set-up errors are not verdicts: a target that cannot be certified as given exits 2 with one clear line and no
// DOES NOT CONFORM; report paths resolve against the caller's working directory.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startReference, type RunningServer } from '../../conformance/harness/reference-server.js';
import { runCli } from '../helpers/spawn-server.js';

const root = resolve(import.meta.dirname, '../..');
let reference: RunningServer;
let guarded: RunningServer;
let html: Server;
let htmlUrl: string;

beforeAll(async () => {
  [reference, guarded] = await Promise.all([startReference(), startReference(['--admin-token', 'the-right-admin-token'])]);
  html = createServer((_req, res) => res.writeHead(404, { 'content-type': 'text/html' }).end('<h1>Not Found</h1>'));
  await new Promise<void>((done) => html.listen(0, '127.0.0.1', done));
  htmlUrl = `http://127.0.0.1:${(html.address() as { port: number }).port}`;
}, 60_000);

afterAll(async () => {
  await Promise.all([reference.stop(), guarded.stop()]);
  html.close();
});

const expectSetupError = (run: { code: number | null; output: string }, pattern: RegExp) => {
  expect(run.code, run.output).toBe(2);
  expect(run.output).toMatch(pattern);
  expect(run.output).not.toContain('DOES NOT CONFORM');
  expect(run.output).not.toMatch(/\n\s+at /);
};

describe('session-kit conformance: set-up errors exit 2', () => {
  it('a target that cannot be reached', async () => {
    const closed = createServer();
    await new Promise<void>((done) => closed.listen(0, '127.0.0.1', done));
    const port = (closed.address() as { port: number }).port;
    await new Promise((done) => closed.close(done));
    expectSetupError(await runCli(['conformance', '--target', `http://127.0.0.1:${port}`]), new RegExp(`cannot certify this target: cannot reach the target at http://127\\.0\\.0\\.1:${port}: ECONNREFUSED`));
  });

  it('a target that is not the API at all', async () => {
    expectSetupError(await runCli(['conformance', '--target', htmlUrl, '--api', 'livevox']), /does not look like the LiveVox Session API: POST \/session\/login answered 404 text\/html/);
    expectSetupError(await runCli(['conformance', '--target', htmlUrl, '--api', 'loudvoice']), /does not look like the LoudVoice API/);
  });

  it('an admin token that is refused', async () => {
    expectSetupError(await runCli(['conformance', '--target', guarded.url, '--api', 'livevox'], { SESSION_KIT_ADMIN_TOKEN: 'a-wrong-token' }), /refused the admin token/);
  });

  it('--rule naming no rule, or a rule no test checks', async () => {
    expectSetupError(await runCli(['conformance', '--target', reference.url, '--rule', 'LVX-NO-SUCH-RULE']), /no contract defines that rule/);
    expectSetupError(await runCli(['conformance', '--target', reference.url, '--rule', 'LVX-PAYLOAD-LIMIT']), /no conformance test checks that rule/);
  });
});

describe('session-kit conformance: what a run reports', () => {
  it('writes relative report paths under the caller\'s working directory, and skips what a target without admin lacks', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'kit-cwd-'));
    const child = spawn(process.execPath, ['--import', import.meta.resolve('tsx'), join(root, 'src/cli/main.ts'), 'conformance', '--target', guarded.url, '--api', 'livevox', '--rule', 'LVX-EXPIRY-2H', '--json', 'out/result.json', '--report', 'out/certificate.md'], { cwd });
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    const code = await new Promise<number | null>((done) => child.once('exit', done));
    expect(existsSync(join(cwd, 'out/result.json')), output).toBe(true);
    const result = JSON.parse(readFileSync(join(cwd, 'out/result.json'), 'utf8'));
    // No admin token given: the admin API answers 401, so clock and reset are probed absent, and expiry is skipped.
    expect(result.target.capabilities).toMatchObject({ clock: false, reset: false });
    expect(result.target.absent.clock).toMatch(/needs a token/);
    expect(result.rules.find((r: { id: string }) => r.id === 'LVX-EXPIRY-2H').status).toBe('skip');
    expect(result.summary.verdict).toBe('INCONCLUSIVE');
    expect(code).toBe(1);
    expect(readFileSync(join(cwd, 'out/certificate.md'), 'utf8')).toMatch(/^# Conformance certificate: session-kit reference at /);
  }, 120_000);
});
