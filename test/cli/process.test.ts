// The server as a process: --version; a bad --host, a port in use and a --state path that cannot be written each stop
// start-up with one line and exit 1 or 2 (never a stack trace); the banner shows the address actually bound; an empty
// fixture file warns and starts; a save that fails later is said on stderr, and a failed final save exits 1; SIGINT
// to the server, SIGTERM to `npm start` (its real script) and the end of the shell npx puts between npm and node all
// close the server and save the state, leaving no process behind.
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { DEMO } from '../helpers/test-app.js';
import { isRunning, runCli, serverPid, startCommand, startServer } from '../helpers/spawn-server.js';

const root = resolve(import.meta.dirname, '../..');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string; scripts: Record<string, string> };
const tempDirs: string[] = [];
const tempDir = () => {
  const dir = mkdtempSync(join(tmpdir(), 'process-'));
  tempDirs.push(dir);
  return dir;
};
afterAll(() => {
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
});
const noStackTrace = (output: string) => expect(output).not.toMatch(/\n\s+at /);
/** The lines of the output that mention `text`. */
const linesWith = (output: string, text: string) => output.split('\n').filter((l) => l.includes(text));

const login = (url: string) =>
  fetch(`${url}/session/login`, { method: 'POST', headers: { 'LV-Access': DEMO.token1, 'Content-Type': 'application/json' }, body: JSON.stringify(DEMO.user) });

/** tsx's ESM register API, as a file (a package elsewhere cannot import it by name). */
const tsxApi = () => {
  const tsxRoot = join(root, 'node_modules', 'tsx');
  const exports = JSON.parse(readFileSync(join(tsxRoot, 'package.json'), 'utf8')).exports['./esm/api'] as { import: { default: string } };
  return join(tsxRoot, exports.import.default);
};

/** The saved state file, parsed (its LiveVox sessions are what the tests look for). */
const savedState = (path: string) => JSON.parse(readFileSync(path, 'utf8')) as { format: string; state: { livevox: unknown } };

describe('session-kit serve, as a process', () => {
  it('--version and -v print the package version', async () => {
    for (const run of await Promise.all([runCli(['--version']), runCli(['-v'])])) {
      expect(run.code).toBe(0);
      expect(run.output).toBe(`${pkg.version}\n`);
    }
  });

  it('help prints the usage and every command\'s own help (each command is loaded only when it runs); an unknown command is exit 2', async () => {
    const [help, unknown] = await Promise.all([runCli(['help']), runCli(['frobnicate'])]);
    expect(help.code).toBe(0);
    expect(help.output).toMatch(/^session-kit: mock server and conformance kit/);
    for (const section of ['session-kit serve:', 'session-kit conformance:', 'session-kit proxy:', 'session-kit verify BUNDLE:', 'session-kit replay BUNDLE', 'session-kit journal:']) {
      expect(help.output).toContain(section);
    }
    expect(unknown.code).toBe(2);
    expect(unknown.output).toBe('session-kit: unknown command "frobnicate"\nRun "session-kit help" for the options.\n');
  });

  it('a bad --host is one clear line: not a host at all (exit 2), no such name or not this machine (exit 1)', async () => {
    const [malformed, unknown, foreign] = await Promise.all([
      runCli(['serve', '--port', '0', '--host', 'http://127.0.0.1']),
      runCli(['serve', '--port', '0', '--no-admin', '--host', 'no-such-host.invalid']),
      // 192.0.2.0/24 is TEST-NET-1 (RFC 5737): never an address of this machine.
      runCli(['serve', '--port', '0', '--no-admin', '--host', '192.0.2.1']),
    ]);
    expect(malformed.code).toBe(2);
    expect(malformed.output.split('\n')[0]).toBe('session-kit: --host must be an IP address or a host name (such as 127.0.0.1, ::1, 0.0.0.0 or localhost), not "http://127.0.0.1"');
    expect(unknown.code).toBe(1);
    expect(unknown.output).toMatch(/^session-kit: cannot start: --host no-such-host\.invalid: (no such host name|the name cannot be resolved right now \(EAI_AGAIN\))\n$/);
    expect(foreign.code).toBe(1);
    expect(foreign.output).toMatch(/^session-kit: cannot start: 192\.0\.2\.1 is not an address of this machine: choose another with --host/);
    for (const run of [malformed, unknown, foreign]) noStackTrace(run.output);
  });

  it('the banner shows the address bound: 0.0.0.0 stays 0.0.0.0, port 0 shows the port picked; a port in use says --port', async () => {
    const server = await startServer(['serve', '--host', '0.0.0.0', '--port', '0', '--no-admin', '--log-level', 'warn']);
    try {
      expect(server.url).toMatch(/^http:\/\/0\.0\.0\.0:\d+$/);
      const port = Number(new URL(server.url).port);
      expect(port).toBeGreaterThan(0);
      expect(server.output()).toContain(`session-kit LiveVox + LoudVoice mock listening on http://0.0.0.0:${port} (every interface)\n`);
      expect((await login(`http://127.0.0.1:${port}`)).status).toBe(200);
      const clash = await runCli(['serve', '--port', String(port), '--log-level', 'warn']);
      expect(clash.code).toBe(1);
      expect(clash.output).toBe(`session-kit: cannot start: port ${port} on 127.0.0.1 is already in use: choose another with --port (--port 0 picks a free one)\n`);
    } finally {
      expect(await server.stop('SIGTERM')).toBe(0);
    }
  });

  it('an empty fixture file warns in one stderr line and still starts (with nothing to log in with)', async () => {
    const dir = tempDir();
    const empty = join(dir, 'empty.json');
    writeFileSync(empty, '');
    const server = await startServer(['serve', '--port', '0', '--log-level', 'warn', '--fixtures', empty]);
    try {
      expect(linesWith(server.output(), 'warning')).toEqual([`session-kit: warning: ${empty} has no LiveVox client and no LoudVoice site, so nothing can log in there; starting anyway`]);
      expect((await login(server.url)).status).toBe(401);
    } finally {
      expect(await server.stop('SIGTERM')).toBe(0);
    }
    // {} is empty too; serving only LiveVox, only LiveVox's emptiness is worth a word.
    writeFileSync(empty, '{"loudvoice":{"sites":[]}}');
    const livevox = await startServer(['serve', '--port', '0', '--log-level', 'warn', '--api', 'livevox', '--fixtures', empty]);
    try {
      expect(linesWith(livevox.output(), 'warning')).toEqual([`session-kit: warning: ${empty} has no LiveVox client, so nothing can log in there; starting anyway`]);
    } finally {
      await livevox.stop();
    }
  });

  it('a --state path that cannot be written refuses to start: exit 1, the path and the reason in one line', async () => {
    const dir = tempDir();
    const aFile = join(dir, 'a-file');
    writeFileSync(aFile, 'x');
    // Root may write anywhere a mode allows nobody to; /sys refuses new files even to root.
    const readOnly = process.getuid?.() === 0 ? (existsSync('/sys') ? '/sys' : undefined) : join(dir, 'read-only');
    if (readOnly && readOnly !== '/sys') {
      mkdirSync(readOnly);
      chmodSync(readOnly, 0o555);
    }
    const cases: [string, string][] = [
      [join(dir, 'missing', 'state.json'), `the folder ${join(dir, 'missing')} does not exist (ENOENT)`],
      [join(aFile, 'state.json'), `${aFile} is not a folder (ENOTDIR)`],
      ...(readOnly ? [[join(readOnly, 'state.json'), `no permission to create files in ${readOnly} (EACCES)`] as [string, string]] : []),
    ];
    const runs = await Promise.all(cases.map(([path]) => runCli(['serve', '--port', '0', '--state', path])));
    runs.forEach((run, i) => {
      const [path, reason] = cases[i]!;
      expect(run.code, run.output).toBe(1);
      expect(run.output.startsWith(`session-kit: cannot start: ${path}: cannot be `), run.output).toBe(true);
      expect(run.output).toContain(reason);
      expect(run.output.trim().split('\n')).toHaveLength(1);
      expect(existsSync(path)).toBe(false);
    });
  });

  it('a save that fails later is said on stderr, and so is its recovery; a failed final save exits 1', async () => {
    const dir = join(tempDir(), 'state');
    mkdirSync(dir);
    const path = join(dir, 'state.json');
    const server = await startServer(['serve', '--port', '0', '--log-level', 'warn', '--state', path, '--state-interval', '50']);
    try {
      expect(savedState(path).format, 'saved at start').toBe('session-kit-state');
      rmSync(dir, { recursive: true });
      expect((await login(server.url)).status).toBe(200);
      await vi.waitFor(() => expect(server.output()).toContain(`session-kit: WARNING: the state was not saved: ${path}: cannot be written: the folder ${dir} does not exist (ENOENT); trying again every 50 ms\n`), { timeout: 5_000 });
      mkdirSync(dir);
      await vi.waitFor(() => expect(server.output()).toContain(`session-kit: the state is saved to ${path} again\n`), { timeout: 5_000 });
      expect(linesWith(server.output(), 'WARNING'), 'one failure, told once').toHaveLength(1);
      rmSync(dir, { recursive: true });
    } finally {
      const code = await server.stop('SIGTERM');
      expect(code).toBe(1);
      expect(server.output()).toContain(`session-kit: the final save of the state failed: ${path}: cannot be written: the folder ${dir} does not exist (ENOENT)\n`);
    }
  });

  it('SIGINT to the server closes it and saves the state', async () => {
    const path = join(tempDir(), 'state.json');
    const server = await startServer(['serve', '--port', '0', '--log-level', 'warn', '--state', path, '--state-interval', '600000']);
    const { sessionId } = (await (await login(server.url)).json()) as { sessionId: string };
    expect(readFileSync(path, 'utf8')).not.toContain(sessionId);
    expect(await server.stop('SIGINT')).toBe(0);
    expect(server.output()).toContain('session-kit: SIGINT, closing');
    expect(readFileSync(path, 'utf8')).toContain(sessionId);
  });

  it('SIGTERM to `npm start` (its real script) reaches the server: npm exits 0 once the state is saved, no process left', async () => {
    // A package whose start script is ours, and whose bin runs this checkout's source (no build needed).
    const dir = tempDir();
    mkdirSync(join(dir, 'bin'));
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'start-under-test', private: true, type: 'module', scripts: { start: pkg.scripts.start } }));
    writeFileSync(
      join(dir, 'bin', 'session-kit.js'),
      `import { register } from ${JSON.stringify(pathToFileURL(tsxApi()).href)};\n` +
        `register();\nawait import(${JSON.stringify(pathToFileURL(join(root, 'src/cli/main.ts')).href)});\n`,
    );
    const path = join(dir, 'state.json');
    const npm = await startCommand('npm', ['start', '--silent', '--', '--port', '0', '--state', path, '--state-interval', '600000'], { cwd: dir });
    const pid = await serverPid(() => npm.output());
    try {
      const { sessionId } = (await (await login(npm.url)).json()) as { sessionId: string };
      npm.child.kill('SIGTERM');
      const exit = await npm.exited;
      expect(exit, npm.output()).toEqual({ code: 0, signal: null });
      expect(isRunning(pid), 'the server ended before npm did').toBe(false);
      expect(npm.output()).toContain('session-kit: SIGTERM, closing');
      expect(readFileSync(path, 'utf8')).toContain(sessionId);
    } finally {
      if (isRunning(pid)) process.kill(pid, 'SIGKILL');
    }
  });

  it('when the shell between npm and the server ends (npx, a start script without exec), the server closes and saves', async () => {
    const path = join(tempDir(), 'state.json');
    // Two commands, so that no shell replaces itself with node (bash would, for a lone command).
    const command = `"${process.execPath}" --import tsx src/cli/main.ts serve --port 0 --state "${path}" --state-interval 600000; exit $?`;
    // npm sets npm_lifecycle_event for every script and for npx; that is how the server knows npm started it.
    const shell = await startCommand('sh', ['-c', command], { cwd: root, env: { npm_lifecycle_event: 'npx' } });
    const pid = await serverPid(() => shell.output());
    try {
      expect(pid).not.toBe(shell.child.pid);
      const { sessionId } = (await (await login(shell.url)).json()) as { sessionId: string };
      shell.child.kill('SIGTERM');
      await shell.exited;
      await vi.waitFor(() => expect(isRunning(pid)).toBe(false), { timeout: 10_000, interval: 100 });
      expect(readFileSync(path, 'utf8')).toContain(sessionId);
    } finally {
      if (isRunning(pid)) process.kill(pid, 'SIGKILL');
    }
  });
});
