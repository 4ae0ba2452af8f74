// Every report flag works through the real CLI: --junit, --json and --report, alone and together, with relative paths
// (the caller's working directory: the repo root or any other folder) and absolute ones, into folders that do not
// exist yet. The JUnit file is checked by a real consumer (Debian's xmllint against junit-10.xsd), the JSON parses
// with a verdict, the report is the Markdown certificate with the headline; no run prints a deprecation warning.
// In GitHub Actions (GITHUB_ACTIONS=true) a failing deciding rule is one ::error annotation and the summary is
// appended to $GITHUB_STEP_SUMMARY. The README's CI recipe runs word for word and writes a valid JUnit file.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startReference, type RunningServer } from '../../conformance/harness/reference-server.js';
import type { RunResult } from '../../src/certify/grade-rules.js';
import { rules as livevoxRules } from '../../src/generated/livevox-session-catalogue.js';
import { requireXmllint, skipWithoutXmllint, validateJUnit, xpath } from '../helpers/junit-xml.js';

const root = resolve(import.meta.dirname, '../..');
const tempDirs: string[] = [];
const tempDir = (prefix = 'report-flags-') => {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  tempDirs.push(dir);
  return dir;
};
/** The runs of this file report to it, not to the GitHub Actions job that may be running the tests. */
const quietEnv = Object.fromEntries(Object.entries(process.env).filter(([k]) => k !== 'GITHUB_ACTIONS' && k !== 'GITHUB_STEP_SUMMARY'));

let reference: RunningServer;
let faulty: RunningServer;

beforeAll(async () => {
  [reference, faulty] = await Promise.all([startReference(), startReference(['--enable-test-faults', '--fault', 'livevox-no-expiry'])]);
}, 60_000);

afterAll(async () => {
  await Promise.all([reference?.stop(), faulty?.stop()]);
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
});

/** Runs `session-kit conformance` from source in `cwd`, as a caller there would. */
function kit(cwd: string, args: string[], env: NodeJS.ProcessEnv = {}): Promise<{ code: number | null; output: string; stdout: string }> {
  const child = spawn(process.execPath, ['--import', import.meta.resolve('tsx'), join(root, 'src/cli/main.ts'), 'conformance', ...args], { cwd, env: { ...quietEnv, ...env } });
  let output = '';
  let stdout = '';
  child.stdout.on('data', (d) => ((output += d), (stdout += d)));
  child.stderr.on('data', (d) => (output += d));
  return new Promise((done) => child.once('exit', (code) => done({ code, output, stdout })));
}

/** A short run that checks every LiveVox rule the suites check, on few runs per property. */
const SHORT = ['--api', 'livevox', '--runs', '2'];

/** The CLI said nothing about deprecated APIs (vitest 4.1 warns once per process for 'vitest/suite', for one). */
const noDeprecation = (output: string) => expect(output).not.toMatch(/deprecat/i);

function expectJUnit(file: string, verdict: 'CONFORMS' | 'DOES NOT CONFORM'): void {
  expect(existsSync(file), file).toBe(true);
  const xml = readFileSync(file, 'utf8');
  expect(xml).toMatch(/^<\?xml version="1.0" encoding="UTF-8"\?>\n<testsuites name="session-kit conformance" /);
  expect(xml).toContain(`<property name="verdict" value="${verdict}"/>`);
  if (skipWithoutXmllint) return;
  const check = validateJUnit(file);
  expect(check.ok, check.output).toBe(true);
  // One testcase per LiveVox rule, plus the run's verdict.
  expect(xpath(file, 'count(//testsuite[@name="LiveVox Session API"]/testcase)')).toBe(String(livevoxRules.length));
  expect(xpath(file, 'count(//testsuite[@name="session-kit"]/testcase)')).toBe('1');
  expect(xpath(file, 'count(//testcase[error])')).toBe('0');
}

function expectJson(file: string, verdict: RunResult['summary']['verdict']): RunResult {
  expect(existsSync(file), file).toBe(true);
  const result = JSON.parse(readFileSync(file, 'utf8')) as RunResult;
  expect(result.summary.verdict).toBe(verdict);
  expect(result.rules.length).toBe(livevoxRules.length);
  return result;
}

function expectReport(file: string): void {
  expect(existsSync(file), file).toBe(true);
  expect(readFileSync(file, 'utf8')).toMatch(/^# Conformance certificate: session-kit reference at http:\/\/127\.0\.0\.1:\d+\n\n\*\*CONFORMS: \d+ of \d+ deciding rules /);
}

/** Every file below a folder, relative to it. */
const filesBelow = (dir: string) => readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((f) => statSync(join(dir, f)).isFile()).sort();

describe('session-kit conformance: the report flags', () => {
  it('--junit alone, a relative path, from the repo root: the file under the root, valid JUnit, nothing else written', async () => {
    const folder = `reports/report-flags-${process.pid}-${Date.now()}`;
    tempDirs.push(join(root, folder));
    const run = await kit(root, ['--target', reference.url, ...SHORT, '--junit', `${folder}/junit.xml`]);
    expect(run.code, run.output).toBe(0);
    noDeprecation(run.output);
    expect(run.stdout).toContain(`  JUnit: ${join(root, folder, 'junit.xml')}\n`);
    expectJUnit(join(root, folder, 'junit.xml'), 'CONFORMS');
    expect(filesBelow(join(root, folder))).toEqual(['junit.xml']);
  }, 60_000);

  it('--json alone and --report alone, relative to another working directory', async () => {
    const cwd = tempDir();
    const json = await kit(cwd, ['--target', reference.url, ...SHORT, '--json', 'result.json']);
    expect(json.code, json.output).toBe(0);
    noDeprecation(json.output);
    expectJson(join(cwd, 'result.json'), 'CONFORMS');
    const report = await kit(cwd, ['--target', reference.url, ...SHORT, '--report', 'certificate.md']);
    expect(report.code, report.output).toBe(0);
    expectReport(join(cwd, 'certificate.md'));
    expect(filesBelow(cwd)).toEqual(['certificate.md', 'result.json']);
  }, 60_000);

  it('all three together, relative to another working directory, into folders that do not exist yet; the JUnit counts match the JSON', async () => {
    const cwd = tempDir();
    const run = await kit(cwd, ['--target', reference.url, ...SHORT, '--junit', 'out/ci/junit.xml', '--json', 'out/json/result.json', '--report', 'out/certificate.md']);
    expect(run.code, run.output).toBe(0);
    noDeprecation(run.output);
    expect(filesBelow(cwd)).toEqual(['out/certificate.md', 'out/ci/junit.xml', 'out/json/result.json']);
    const result = expectJson(join(cwd, 'out/json/result.json'), 'CONFORMS');
    expectReport(join(cwd, 'out/certificate.md'));
    const junit = join(cwd, 'out/ci/junit.xml');
    expectJUnit(junit, 'CONFORMS');
    if (skipWithoutXmllint) return;
    const skipped = result.rules.filter((r) => r.status !== 'pass' && r.status !== 'fail').length;
    expect(xpath(junit, 'string(//testsuite[@name="LiveVox Session API"]/@skipped)')).toBe(String(skipped));
    expect(xpath(junit, 'count(//testcase[skipped])')).toBe(String(skipped));
    expect(xpath(junit, 'count(//testcase[failure])')).toBe('0');
    // Every rule the JSON says passed is a testcase with neither <failure> nor <skipped>.
    for (const r of result.rules.filter((x) => x.status === 'pass').slice(0, 5)) {
      expect(xpath(junit, `count(//testcase[starts-with(@name, "${r.id}: ")][not(failure)][not(skipped)])`), r.id).toBe('1');
    }
  }, 60_000);

  it('all three together, absolute paths, from the repo root (nothing lands in the root)', async () => {
    const out = tempDir();
    const before = readdirSync(root).sort();
    const run = await kit(root, ['--target', reference.url, ...SHORT, '--junit', join(out, 'a/junit.xml'), '--json', join(out, 'b/result.json'), '--report', join(out, 'c/certificate.md')]);
    expect(run.code, run.output).toBe(0);
    noDeprecation(run.output);
    expectJUnit(join(out, 'a/junit.xml'), 'CONFORMS');
    expectJson(join(out, 'b/result.json'), 'CONFORMS');
    expectReport(join(out, 'c/certificate.md'));
    expect(readdirSync(root).sort()).toEqual(before);
  }, 60_000);
});

describe('session-kit conformance in GitHub Actions', () => {
  it('--help says what the JUnit file holds and what happens in GitHub Actions', async () => {
    const help = await kit(root, ['--help']);
    expect(help.code, help.output).toBe(0);
    expect(help.stdout).toContain('JUnit XML for CI: one testcase per rule');
    expect(help.stdout).toMatch(/GitHub Actions \(GITHUB_ACTIONS=true\)[^]*::error annotation per failing deciding rule[^]*\$GITHUB_STEP_SUMMARY/);
  });

  it('a failing deciding rule is one ::error annotation and a <failure>; the summary is appended to $GITHUB_STEP_SUMMARY', async () => {
    const cwd = tempDir();
    const summary = join(cwd, 'step-summary.md');
    writeFileSync(summary, '## an earlier step\n\n');
    const run = await kit(cwd, ['--target', faulty.url, '--rule', 'LVX-EXPIRY-2H', '--junit', 'junit.xml'], { GITHUB_ACTIONS: 'true', GITHUB_STEP_SUMMARY: summary });
    expect(run.code, run.output).toBe(1);
    noDeprecation(run.output);
    const annotations = run.stdout.split('\n').filter((l) => l.startsWith('::'));
    expect(annotations, run.output).toHaveLength(1);
    expect(annotations[0]).toMatch(/^::error title=LVX-EXPIRY-2H::after a gap of \d+ ms/);
    // The fixtures' credentials are the target's secrets: never in an annotation.
    expect(annotations[0]).not.toContain('11111111-1111-4111-8111-111111111111');
    const text = readFileSync(summary, 'utf8');
    expect(text.startsWith('## an earlier step\n\n## session-kit conformance: ')).toBe(true);
    expect(text).toMatch(/:x: \*\*DOES NOT CONFORM: 1 deciding rule\(s\) fail/);
    expect(text).toMatch(/\n\| LVX-EXPIRY-2H \| documented \| \d+ \| /);
    const junit = join(cwd, 'junit.xml');
    expect(readFileSync(junit, 'utf8')).toMatch(/name="LVX-EXPIRY-2H: [^"]*" time="[\d.]+">\s*<failure message="\d+ failed check\(s\): after a gap of/);
    if (skipWithoutXmllint) return;
    expect(validateJUnit(junit).ok).toBe(true);
    expect(xpath(junit, 'count(//testcase[failure])')).toBe('1');
  }, 60_000);

  it('--strict: a failing non-deciding rule exits 1, and the JUnit file and the annotations say so; without it, exit 0 and a passing testcase', async () => {
    // A legitimate vendor that answers authorization errors 403: only the observed, non-deciding LVX-AUTH-ERROR-401 fails.
    const vendor = await startReference(['--enable-test-faults', '--variant', 'livevox-authorization-403']);
    try {
      const cwd = tempDir();
      const args = ['--target', vendor.url, '--rule', 'LVX-AUTH-ERROR-401'];
      // One after the other: two kit runs on one target would change each other's passwords.
      const strict = await kit(cwd, [...args, '--strict', '--junit', 'strict.xml'], { GITHUB_ACTIONS: 'true' });
      const lenient = await kit(cwd, [...args, '--junit', 'lenient.xml'], { GITHUB_ACTIONS: 'true' });
      expect(strict.code, strict.output).toBe(1);
      expect(lenient.code, lenient.output).toBe(0);
      // The tests that check it also check assumed rules (the 401 of a wrong password, say): those fail alike.
      const annotated = strict.stdout.split('\n').filter((l) => l.startsWith('::error title=LVX-'));
      expect(annotated.some((l) => l.startsWith('::error title=LVX-AUTH-ERROR-401::')), strict.output).toBe(true);
      for (const line of annotated) expect(line).toContain('not deciding, failing under --strict');
      expect(lenient.stdout).not.toMatch(/^::error/m);
      const testcase = (file: string) => /<testcase [^>]*name="LVX-AUTH-ERROR-401[^"]*"[^>]*>([\s\S]*?)<\/testcase>/.exec(readFileSync(join(cwd, file), 'utf8'))![1]!;
      expect(testcase('strict.xml')).toContain('type="observed, not deciding (fails the run under --strict)"');
      expect(testcase('lenient.xml')).not.toContain('<failure');
      if (skipWithoutXmllint) return;
      expect(validateJUnit(join(cwd, 'strict.xml')).ok).toBe(true);
    } finally {
      await vendor.stop();
    }
  }, 60_000);

  it('outside GitHub Actions the same run prints no workflow command and writes no summary', async () => {
    const cwd = tempDir();
    const summary = join(cwd, 'step-summary.md');
    const run = await kit(cwd, ['--target', faulty.url, '--rule', 'LVX-EXPIRY-2H'], { GITHUB_STEP_SUMMARY: summary });
    expect(run.code, run.output).toBe(1);
    expect(run.stdout).not.toMatch(/^::/m);
    expect(existsSync(summary)).toBe(false);
  }, 60_000);
});

// ---- The README's CI recipe, word for word ----

/** The lines of the README's "CI (JUnit + exit code)" block. */
function readmeCiRecipe(): string[] {
  const readme = readFileSync(join(root, 'README.md'), 'utf8');
  const match = /\*\*CI\*\* \(JUnit \+ exit code\):\n\n```sh\n([\s\S]*?)\n```/.exec(readme);
  if (!match) throw new Error('README.md has no "**CI** (JUnit + exit code):" block with a ```sh recipe');
  return match[1]!.split('\n');
}

/**
 * The recipe binds port 4010, which another server on this machine may hold. In a private network namespace (a user
 * namespace maps us to root there, so no privilege is needed where the kernel allows it) 4010 is always free, and a
 * private pid namespace ends every process the recipe left when its shell ends.
 */
const isolated = ['unshare', '--user', '--map-root-user', '--net', '--pid', '--fork'];
const canIsolate = spawnSync(isolated[0]!, [...isolated.slice(1), 'sh', '-c', 'ip link set lo up'], { encoding: 'utf8' }).status === 0;

const portFree = (port: number) =>
  new Promise<boolean>((done) => {
    const probe = createServer();
    probe.once('error', () => done(false));
    probe.listen(port, '127.0.0.1', () => probe.close(() => done(true)));
  });

/** A folder that looks like the checkout (its files linked), so `npm start` works there and reports/ lands there. */
function checkoutView(): string {
  const dir = tempDir('readme-ci-');
  for (const entry of ['package.json', 'bin', 'dist', 'node_modules', 'src', 'conformance', 'openapi', 'fixtures']) symlinkSync(join(root, entry), join(dir, entry));
  return dir;
}

/** Fails when dist/ is older than the source: the recipe runs the built CLI (`npm start`, bin/session-kit.js). */
function expectFreshBuild(): void {
  const built = statSync(join(root, 'dist/cli/main.js')).mtimeMs;
  const stale = readdirSync(join(root, 'src'), { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.ts') && !f.startsWith('ui') && statSync(join(root, 'src', f)).mtimeMs > built);
  expect(stale, 'dist/ is older than these sources: run npm run build').toEqual([]);
}

describe("the README's CI recipe", () => {
  it.skipIf(skipWithoutXmllint)('runs word for word (npx session-kit as the local bin) and writes a valid JUnit file with the exit code 0', async (context) => {
    requireXmllint();
    const lines = readmeCiRecipe();
    // The tests run after `npm ci`; running it again would reinstall node_modules under the running test.
    expect(lines[0]).toBe('npm ci');
    expect(lines.some((l) => l.startsWith('npm start &'))).toBe(true);
    expect(lines.some((l) => /--junit reports\/junit\.xml/.test(l))).toBe(true);
    expectFreshBuild();
    const script = lines
      .slice(1)
      .map((l) => l.replaceAll('npx session-kit', `node '${join(root, 'bin/session-kit.js')}'`))
      .join('\n');
    const cwd = checkoutView();
    writeFileSync(join(cwd, 'recipe.sh'), `${script}\n`);
    let command: string[];
    if (canIsolate) command = [...isolated, 'bash', '-e', '-c', 'ip link set lo up && . ./recipe.sh'];
    else if (await portFree(4010)) command = ['bash', '-e', './recipe.sh'];
    else {
      const why = 'port 4010 is taken and no private network namespace (unshare) is available';
      if (process.env.CI === 'true') throw new Error(`cannot run the README's CI recipe: ${why}`);
      context.skip(why);
      return;
    }
    // Its own process group: whatever happens, the recipe's npm and server end with the test.
    // CI=true as on a CI runner (npm then skips its update check, which a private network could not reach anyway).
    const child = spawn(command[0]!, command.slice(1), { cwd, env: { ...quietEnv, CI: 'true' }, detached: true });
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    const code = await new Promise<number | null>((done) => child.once('exit', done));
    try {
      process.kill(-child.pid!, 'SIGKILL');
    } catch {
      // The group has already ended.
    }
    expect(code, output).toBe(0);
    noDeprecation(output);
    expect(output).toMatch(/session-kit conformance: CONFORMS: /);
    const junit = join(cwd, 'reports/junit.xml');
    expect(existsSync(junit), output).toBe(true);
    const check = validateJUnit(junit);
    expect(check.ok, check.output).toBe(true);
    // Both APIs, every rule: the default run.
    expect(xpath(junit, 'count(//testsuite)')).toBe('3');
    expect(xpath(junit, 'count(//testcase[failure or error])')).toBe('0');
  }, 120_000);
});
