// The package as an integrator gets it (`npm run test:package`; needs the npm registry, so it is not in `npm test`):
// `npm pack` builds and packs dist/, the contracts, fixtures, the conformance suites, README and LICENSE, and no
// tests, benches, CI or scripts; installed into an empty folder with production dependencies only (and no engine
// warning on Node 20), `npx session-kit --version`, `serve`, `conformance` against that server (CONFORMS, with
// --junit, --json and --report written where asked, the JUnit valid for xmllint, no deprecation warning), `proxy`
// (Prism in front of it) and the package's own `npm start` work; SIGTERM to npx or npm leaves no process and a saved
// state; a TypeScript project imports the contracts' types from session-kit/livevox and session-kit/loudvoice, and
// startMock's types from session-kit; an integrator's vitest-free node:test file runs the mock in its own process
// (`import { startMock } from 'session-kit'`): login, two idle hours, the 401, verify, and a wrong count that names
// a near miss.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { freePort } from '../../src/certify/prism-proxy.js';
import { rules as livevoxRules } from '../../src/generated/livevox-session-catalogue.js';
import { rules as loudvoiceRules } from '../../src/generated/loudvoice-catalogue.js';
import { DEMO } from '../helpers/test-app.js';
import { isRunning, serverPid, startCommand, type StartedCommand } from '../helpers/spawn-server.js';
import { requireXmllint, validateJUnit, xpath } from '../helpers/junit-xml.js';

const root = resolve(import.meta.dirname, '../..');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { name: string; version: string };
const work = mkdtempSync(join(tmpdir(), 'session-kit-package-'));
/** The empty project the tarball is installed into. */
const project = join(work, 'project');
const installed = join(project, 'node_modules', 'session-kit');
/** Nothing of this checkout's test run leaks into the commands an integrator would run. */
const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('SESSION_KIT_') && !k.startsWith('VITEST') && !k.startsWith('npm_')));

/** Runs a command to completion, with its output. */
function run(command: string, args: string[], cwd: string): { code: number | null; output: string; stdout: string } {
  const result = spawnSync(command, args, { cwd, env, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  return { code: result.status, output: `${result.stdout}${result.stderr}`, stdout: result.stdout };
}

const login = (url: string) =>
  fetch(`${url}/session/login`, { method: 'POST', headers: { 'LV-Access': DEMO.token1, 'Content-Type': 'application/json' }, body: JSON.stringify(DEMO.user) });

let tarball: string;
let packedFiles: string[];
let installOutput: string;
let server: StartedCommand | undefined;
const timings: Record<string, number> = {};
const timed = <T>(name: string, f: () => T): T => {
  const started = Date.now();
  try {
    return f();
  } finally {
    timings[name] = Date.now() - started;
  }
};

beforeAll(() => {
  // The JUnit file is checked by xmllint (libxml2-utils); this script runs in CI only, so it never skips that check.
  requireXmllint();
  // npm pack runs the prepare script: a fresh build of dist/.
  const pack = timed('npm pack', () => run('npm', ['pack', '--json', '--pack-destination', work], root));
  expect(pack.code, pack.output).toBe(0);
  const [packed] = JSON.parse(pack.stdout.slice(pack.stdout.indexOf('['))) as { filename: string; files: { path: string }[]; size: number; entryCount: number }[];
  tarball = join(work, packed!.filename);
  packedFiles = packed!.files.map((f) => f.path);
  console.log(`tarball: ${packed!.filename}, ${packed!.size} bytes, ${packed!.entryCount} files`);
  mkdirSync(project);
  writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'integrator', private: true, type: 'module' }));
  const install = timed('npm install', () => run('npm', ['install', '--omit=dev', '--prefer-offline', '--no-audit', '--no-fund', tarball], project));
  installOutput = install.output;
  expect(install.code, install.output).toBe(0);
}, 600_000);

afterAll(async () => {
  if (server) {
    const running = server;
    const pid = await serverPid(() => running.output());
    if (isRunning(pid)) process.kill(pid, 'SIGKILL');
  }
  console.log(`timings (ms): ${JSON.stringify(timings)}`);
  // The install is about 100 MB; keep it only when asked, to look into a failure.
  if (!process.env.KEEP_PACKAGE_TEST) rmSync(work, { recursive: true, force: true });
  else console.log(`kept: ${work}`);
});

describe('npm pack', () => {
  it('packs the built code, the contracts, fixtures, the conformance suites, README and LICENSE, and nothing else', () => {
    for (const needed of [
      'package.json',
      'README.md',
      'LICENSE',
      'bin/session-kit.js',
      'dist/cli/main.js',
      'dist/generated/livevox-session.d.ts',
      'dist/generated/loudvoice.d.ts',
      'dist/ui/index.html',
      'dist/ui/console.js',
      'dist/ui/console.css',
      'openapi/livevox-session.yaml',
      'openapi/loudvoice.yaml',
      'openapi/admin.yaml',
      'dist/admin/http/start-mock.js',
      'dist/admin/http/start-mock.d.ts',
      'dist/generated/admin.d.ts',
      'docs/in-process.md',
      'fixtures/default.json',
      'fixtures/fixtures.schema.json',
      'conformance/vitest.kit.config.ts',
      'conformance/livevox/sessions.test.ts',
      'conformance/targets/example-vendor.json',
      'conformance/targets/target.schema.json',
      'docs/target-file.md',
    ]) {
      expect(packedFiles, needed).toContain(needed);
    }
    const unwanted = packedFiles.filter((f) => /^(test|bench|scripts|\.ci|coverage|reports|node_modules)\//.test(f) || /^tsconfig|^vitest\.config|\.map$|\.tgz$/.test(f));
    expect(unwanted).toEqual([]);
    const allowed = /^(package\.json|README\.md|LICENSE|bin\/|dist\/|src\/certify\/|src\/generated\/[\w-]+-catalogue\.ts$|openapi\/|fixtures\/|conformance\/|docs\/)/;
    expect(packedFiles.filter((f) => !allowed.test(f))).toEqual([]);
  });
});

describe('startMock from the installed package, in an integrator\'s node:test file (no vitest)', () => {
  it('logs in, sees the 401 after two idle hours, verifies the login, and a wrong count names a near miss', () => {
    writeFileSync(
      join(project, 'mock.test.mjs'),
      [
        "import assert from 'node:assert/strict';",
        "import { after, before, test } from 'node:test';",
        "import { startMock } from 'session-kit';",
        'let mock;',
        'before(async () => { mock = await startMock(); });',
        'after(() => mock.close());',
        "test('two idle hours end a LiveVox session', async () => {",
        `  const login = await fetch(\`\${mock.livevoxUrl}/session/login\`, { method: 'POST', headers: { 'LV-Access': '${DEMO.token1}', 'Content-Type': 'application/json' }, body: JSON.stringify(${JSON.stringify(DEMO.user)}) });`,
        '  assert.equal(login.status, 200);',
        '  const { sessionId } = await login.json();',
        "  await mock.clock.advance('2h');",
        "  const details = await fetch(`${mock.livevoxUrl}/session/details`, { headers: { 'LV-Session': sessionId } });",
        '  assert.equal(details.status, 401);',
        "  await mock.verify({ operationId: 'login' }, { times: 1 });",
        '});',
        "test('a wrong count fails naming a near miss', async () => {",
        "  await fetch(`${mock.livevoxUrl}/session/v7.0/login`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{}' });",
        "  await assert.rejects(mock.verify({ operationId: 'login' }, { times: 2 }), (error) => {",
        "    assert.match(error.message, /expected 2 request\\(s\\) matching \\{\"operationId\":\"login\"\\}, found 1/);",
        "    assert.match(error.message, /near misses:[\\s\\S]*POST \\/session\\/v7\\.0\\/login -> 404[\\s\\S]*the nearest is v6\\.0/);",
        "    assert.match(error.message, /GET \\/session\\/details -> 401 \\(getSessionDetails\\)[^\\n]*: operationId is getSessionDetails, not login/);",
        '    return true;',
        '  });',
        '});',
        '',
      ].join('\n'),
    );
    const result = run(process.execPath, ['--test', 'mock.test.mjs'], project);
    expect(result.code, result.output).toBe(0);
    expect(result.stdout).toMatch(/# pass 2\n# fail 0/);
  });
});

describe('startMock from the installed package, in an integrator\'s vitest file', () => {
  it('logs in, sees the 401 after two idle hours, verifies the login, and a wrong count names a near miss', () => {
    // vitest comes with session-kit (the kit runs on it), so an integrator who installed the tarball can run it.
    writeFileSync(
      join(project, 'mock.vitest.test.mjs'),
      [
        "import { afterAll, beforeAll, expect, test } from 'vitest';",
        "import { startMock } from 'session-kit';",
        'let mock;',
        'beforeAll(async () => { mock = await startMock(); });',
        'afterAll(() => mock.close());',
        "test('two idle hours end a LiveVox session', async () => {",
        `  const login = await fetch(\`\${mock.livevoxUrl}/session/login\`, { method: 'POST', headers: { 'LV-Access': '${DEMO.token1}', 'Content-Type': 'application/json' }, body: JSON.stringify(${JSON.stringify(DEMO.user)}) });`,
        '  expect(login.status).toBe(200);',
        '  const { sessionId } = await login.json();',
        "  await mock.clock.advance('2h');",
        "  const details = await fetch(`${mock.livevoxUrl}/session/details`, { headers: { 'LV-Session': sessionId } });",
        '  expect(details.status).toBe(401);',
        "  await mock.verify({ operationId: 'login' }, { times: 1 });",
        '});',
        "test('a wrong count fails naming a near miss', async () => {",
        "  await fetch(`${mock.livevoxUrl}/session/v7.0/login`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{}' });",
        "  await expect(mock.verify({ operationId: 'login' }, { times: 2 })).rejects.toThrow(/near misses:[\\s\\S]*POST \\/session\\/v7\\.0\\/login -> 404[\\s\\S]*the nearest is v6\\.0/);",
        '});',
        '',
      ].join('\n'),
    );
    const result = run('npx', ['--no-install', 'vitest', 'run', 'mock.vitest.test.mjs', '--root', project], project);
    expect(result.code, result.output).toBe(0);
    // vitest colours its summary even in a pipe: read it without the escape sequences.
    // eslint-disable-next-line no-control-regex
    expect(result.output.replace(/\u001b\[[0-9;]*m/g, '')).toMatch(/Tests\s+2 passed \(2\)/);
  });
});

describe('the tarball, installed into an empty folder with production dependencies only', () => {
  it('installs without an engine warning, and without the dev tools (typescript, tsx)', () => {
    expect(installOutput).not.toMatch(/EBADENGINE/);
    expect(existsSync(join(installed, 'dist', 'cli', 'main.js'))).toBe(true);
    for (const devOnly of ['typescript', 'tsx', 'openapi-typescript', 'autocannon', 'playwright-core']) expect(existsSync(join(project, 'node_modules', devOnly)), devOnly).toBe(false);
  });

  it('npx session-kit --version prints the version', () => {
    const version = run('npx', ['--no-install', 'session-kit', '--version'], project);
    expect(version.code, version.output).toBe(0);
    expect(version.stdout).toBe(`${pkg.version}\n`);
  });

  it('npx session-kit serve answers; conformance against it CONFORMS; proxy answers through Prism; SIGTERM to npx stops each', async () => {
    const state = join(work, 'serve-state.json');
    const serveStarted = Date.now();
    server = await startCommand('npx', ['--no-install', 'session-kit', 'serve', '--port', '0', '--state', state], { cwd: project, env, timeoutMs: 60_000 });
    timings['serve start'] = Date.now() - serveStarted;
    await vi.waitFor(() => expect(server!.output()).toContain(`fixtures: ${join(installed, 'fixtures', 'default.json')}`));
    const running = server;
    const pid = await serverPid(() => running.output());
    let sessionId = '';
    expect((await login(server.url)).status).toBe(200);
    // The console's files are found beside the installed server's modules (dist/ui), not in the folder it runs in.
    for (const [path, type] of [
      ['/__admin/ui', 'text/html'],
      ['/__admin/ui/console.js', 'text/javascript'],
      ['/__admin/ui/console.css', 'text/css'],
    ]) {
      const asset = await fetch(`${server.url}${path}`);
      expect(asset.status, path).toBe(200);
      expect(asset.headers.get('content-type'), path).toContain(type);
    }

    const started = Date.now();
    // Every report flag, relative (the integrator's folder) and absolute, from the installed package.
    const certificate = join(work, 'certificate', 'conformance.md');
    const conformance = await new Promise<{ code: number | null; output: string }>((done) => {
      const child = spawn('npx', ['--no-install', 'session-kit', 'conformance', '--target', server!.url, '--junit', 'reports/junit.xml', '--json', 'reports/conformance.json', '--report', certificate], { cwd: project, env });
      let output = '';
      child.stdout.on('data', (d) => (output += d));
      child.stderr.on('data', (d) => (output += d));
      child.once('exit', (code) => done({ code, output }));
    });
    timings['conformance'] = Date.now() - started;
    expect(conformance.code, conformance.output).toBe(0);
    expect(conformance.output).toMatch(/session-kit conformance: CONFORMS/);
    expect(conformance.output).not.toMatch(/deprecat/i);
    const junit = join(project, 'reports', 'junit.xml');
    const validation = validateJUnit(junit);
    expect(validation.ok, validation.output).toBe(true);
    // One testcase per rule of both contracts, plus the run's verdict; nothing failed.
    expect(Number(xpath(junit, 'count(//testcase)'))).toBe(livevoxRules.length + loudvoiceRules.length + 1);
    expect(xpath(junit, 'count(//testcase[failure or error])')).toBe('0');
    expect((JSON.parse(readFileSync(join(project, 'reports', 'conformance.json'), 'utf8')) as { summary: { verdict: string } }).summary.verdict).toBe('CONFORMS');
    expect(readFileSync(certificate, 'utf8')).toMatch(/^# Conformance certificate: .*\n\n\*\*CONFORMS: /);

    // The kit put the server back to its fixtures (POST /__admin/reset) when it finished.
    const port = await freePort();
    const proxyStarted = Date.now();
    const proxy = await startCommand('npx', ['--no-install', 'session-kit', 'proxy', '--api', 'livevox', '--target', server.url, '--port', String(port)], {
      cwd: project,
      env,
      timeoutMs: 120_000,
      ready: /livevox contract checked on (http:\/\/\S+) ->/,
    });
    timings['proxy start'] = Date.now() - proxyStarted;
    try {
      expect(proxy.url).toBe(`http://127.0.0.1:${port}`);
      const through = await login(proxy.url);
      expect(through.status).toBe(200);
      sessionId = ((await through.json()) as { sessionId: string }).sessionId;
      // Prism passed the login on: the session is the server's own.
      expect((await fetch(`${server.url}/session/details`, { headers: { 'LV-Session': sessionId } })).status).toBe(200);
      await vi.waitFor(() => expect(proxy.output()).toContain('[livevox] [HTTP SERVER] post /session/login'), { timeout: 5_000 });
    } finally {
      proxy.child.kill('SIGTERM');
      await proxy.exited;
    }
    // The proxy and its Prism end with npx: nothing answers on its port any more.
    await vi.waitFor(async () => expect(await fetch(`${proxy.url}/session/details`).then(() => 'answered', () => 'refused')).toBe('refused'), { timeout: 10_000, interval: 200 });

    server.child.kill('SIGTERM');
    await server.exited;
    await vi.waitFor(() => expect(isRunning(pid), 'the server ended with npx').toBe(false), { timeout: 10_000, interval: 100 });
    expect(readFileSync(state, 'utf8')).toContain(sessionId);
  });

  it("the package's own npm start: SIGTERM to npm closes the server, saves the state, and leaves no process", async () => {
    const state = join(work, 'start-state.json');
    const npm = await startCommand('npm', ['start', '--silent', '--', '--port', '0', '--state', state, '--state-interval', '600000'], { cwd: installed, env, timeoutMs: 60_000 });
    const pid = await serverPid(() => npm.output());
    try {
      const { sessionId } = (await (await login(npm.url)).json()) as { sessionId: string };
      npm.child.kill('SIGTERM');
      expect(await npm.exited, npm.output()).toEqual({ code: 0, signal: null });
      expect(isRunning(pid)).toBe(false);
      expect(readFileSync(state, 'utf8')).toContain(sessionId);
    } finally {
      if (isRunning(pid)) process.kill(pid, 'SIGKILL');
    }
  });

  it('a TypeScript project imports the types of each contract, and resolves the contracts themselves', () => {
    writeFileSync(
      join(project, 'index.ts'),
      [
        "import type { components, paths } from 'session-kit/livevox';",
        "import type { paths as LoudVoicePaths } from 'session-kit/loudvoice';",
        "export const login: components['schemas']['LoginRequest'] = { clientName: 'DEMO', userName: 'demo.user', password: 'Demo-Pass-1' };",
        "export type Login = paths['/session/login']['post'];",
        "export type AuthorSessions = LoudVoicePaths['/loudvoice/authors/sessions.json']['put'];",
        "import { startMock, type Mock, type JournalEntry } from 'session-kit';",
        "import type { components as Admin } from 'session-kit/admin';",
        "export const started: Promise<Mock> = startMock({ clock: 'fixed', journalSize: 50 });",
        "export const verdictOf = (e: JournalEntry): Admin['schemas']['JournalEntry']['verdict'] => e.verdict;",
        '// startMock takes the options of serve, typed: an unknown option is an error.',
        '// @ts-expect-error',
        "export const wrong = startMock({ jornalSize: 5 });",
        '// The types are real, not any: a path the contract lacks is an error.',
        '// @ts-expect-error',
        "export type Missing = paths['/no/such/path'];",
        '',
      ].join('\n'),
    );
    const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');
    for (const [module, moduleResolution] of [['NodeNext', 'NodeNext'], ['ESNext', 'Bundler']]) {
      writeFileSync(join(project, 'tsconfig.json'), JSON.stringify({ compilerOptions: { module, moduleResolution, strict: true, noEmit: true, types: [], skipLibCheck: false }, files: ['index.ts'] }));
      const check = run(process.execPath, [tsc, '-p', 'tsconfig.json'], project);
      expect(check.code, `${moduleResolution}: ${check.output}`).toBe(0);
    }
    const resolved = run(process.execPath, ['--input-type=module', '-e', "for (const s of ['session-kit/openapi/livevox-session.yaml', 'session-kit/openapi/loudvoice.yaml', 'session-kit/fixtures/default.json', 'session-kit/package.json']) console.log(import.meta.resolve(s))"], project);
    expect(resolved.code, resolved.output).toBe(0);
    const urls = resolved.stdout.trim().split('\n');
    expect(urls).toHaveLength(4);
    for (const url of urls) expect(existsSync(new URL(url)), url).toBe(true);
  });
});
