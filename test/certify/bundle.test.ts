// Certificates anyone can check (issue 19, part 4): `conformance --bundle` writes the certificate, the JSON, every
// exchange as HAR (redacted) and a manifest of hashes; `verify` passes an untouched bundle and names the file of any
// changed byte, and re-derives the verdict so an edited verdict is caught even with its hashes fixed; `replay`
// re-sends a failure's exchanges (the clock moves included) and reproduces the recorded answer on a fresh faulty reference.
import { cpSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startReference, type RunningServer } from '../../conformance/harness/reference-server.js';
import { MANIFEST, sealManifest, sha256, type Manifest } from '../../src/certify/bundle.js';
import type { Har } from '../../src/certify/har.js';
import { referenceTarget } from '../../src/certify/target.js';
import type { RunResult } from '../../src/certify/grade-rules.js';
import { verify } from '../../src/cli/verify.js';
import { runCli } from '../helpers/spawn-server.js';

const FAULT = ['--enable-test-faults', '--fault', 'livevox-no-expiry'];
const RULE = 'LVX-EXPIRY-2H';
const work = mkdtempSync(join(tmpdir(), 'kit-bundle-'));
const bundleDir = join(work, 'bundle');
const archive = join(work, 'bundle.tar.gz');
let faulty: RunningServer;
let runs: { code: number | null; output: string }[];

beforeAll(async () => {
  faulty = await startReference(FAULT);
  // One run to a directory, one to an archive (the reference's clean-up resets the clock in between).
  runs = [];
  for (const out of [bundleDir, archive]) runs.push(await runCli(['conformance', '--target', faulty.url, '--api', 'livevox', '--rule', RULE, '--runs', '2', '--bundle', out]));
}, 90_000);

afterAll(async () => {
  await faulty?.stop();
});

const read = (dir: string, name: string) => readFileSync(join(dir, name), 'utf8');
const json = <T>(dir: string, name: string) => JSON.parse(read(dir, name)) as T;

/** A fresh copy of the bundle to tamper with. */
function copy(): string {
  const dir = mkdtempSync(join(work, 'copy-'));
  cpSync(bundleDir, dir, { recursive: true });
  return dir;
}

/** Changes one byte of a file (a character that does not end the text, so JSON may stay valid). */
function flipByte(dir: string, name: string, at: (text: string) => number = (t) => Math.floor(t.length / 2)): void {
  const bytes = readFileSync(join(dir, name));
  const i = at(bytes.toString('latin1'));
  bytes[i] = bytes[i] === 0x61 ? 0x62 : 0x61;
  writeFileSync(join(dir, name), bytes);
}

/** verify in this process: its exit code and what it printed. */
async function verifyIn(dir: string): Promise<{ code: number; output: string }> {
  const lines: string[] = [];
  const code = await verify([dir], (l) => lines.push(l));
  return { code, output: lines.join('\n') };
}

/** Rewrites the manifest as a forger would: new values, the file hashes and its own digest recomputed. */
function reseal(dir: string, change: (m: Manifest) => void): void {
  const manifest = json<Manifest>(dir, MANIFEST);
  change(manifest);
  for (const name of Object.keys(manifest.files)) manifest.files[name] = sha256(readFileSync(join(dir, name)));
  const { manifestSha256: _, ...rest } = manifest;
  writeFileSync(join(dir, MANIFEST), sealManifest(rest));
}

describe('conformance --bundle', () => {
  it('writes the certificate, the JSON, the JUnit, the HAR and the manifest', () => {
    expect(runs[0]!.code, runs[0]!.output).toBe(1);
    expect(runs[0]!.output).toContain(`bundle: ${bundleDir}`);
    const manifest = json<Manifest>(bundleDir, MANIFEST);
    expect(Object.keys(manifest.files).sort()).toEqual(['certificate.md', 'exchanges.har', 'junit.xml', 'result.json']);
    expect(readFileSync(join(bundleDir, 'junit.xml'), 'utf8')).toMatch(/<testcase [^>]*name="LVX-EXPIRY-2H[^]*<failure/);
    for (const [name, hash] of Object.entries(manifest.files)) expect(sha256(readFileSync(join(bundleDir, name)))).toBe(hash);
    expect(manifest.target).toMatchObject({ baseUrl: faulty.url, apis: ['livevox'], stated: {}, probed: { clock: true, reset: true } });
    expect(manifest.run).toMatchObject({ seed: 20261123, runs: 2, rules: [RULE], prism: false, verdict: 'DOES NOT CONFORM' });
    expect(Date.parse(manifest.run.endedAt)).toBeGreaterThanOrEqual(Date.parse(manifest.run.startedAt));
    expect(manifest.node).toBe(process.versions.node);
    const paths = manifest.kit.suites.files.map((f) => f.path);
    expect(paths).toEqual([...paths].sort());
    expect(paths).toEqual(expect.arrayContaining(['conformance/harness/checks.ts', 'conformance/livevox/sessions.test.ts', 'src/certify/check-tally.ts', 'src/certify/target.ts', 'src/generated/livevox-session-catalogue.ts']));
    expect(manifest.kit.contracts.map((c) => c.path)).toEqual(['openapi/livevox-session.yaml', 'openapi/loudvoice.yaml']);
    expect(manifest.kit.contracts[0]!.sha256).toBe(sha256(readFileSync('openapi/livevox-session.yaml')));
  });

  it("every failure names its exchanges, which the HAR holds, credentials redacted by where they came from", () => {
    const result = json<RunResult>(bundleDir, 'result.json');
    const har = json<Har>(bundleDir, 'exchanges.har');
    expect(har.log.version).toBe('1.2');
    const failure = result.rules.find((r) => r.id === RULE)!.failures[0]!;
    expect(failure.exchanges!.length).toBeGreaterThan(0);
    const byId = new Map(har.log.entries.map((e) => [e._id, e]));
    const story = failure.exchanges!.map((id) => byId.get(id)!);
    expect(story.every(Boolean)).toBe(true);
    // The story moves the clock: the admin call is an exchange of its own.
    expect(story.some((e) => e.request.url.endsWith('/__admin/clock') && e._api === 'admin')).toBe(true);
    const login = story.find((e) => e.request.url.endsWith('/session/login'))!;
    expect(login.request.headers.find((h) => h.name === 'LV-Access')!.value).toBe('«secret:livevox.primary.apiTokens.0»');
    expect(login.request.postData!.text).toContain('«secret:livevox.primary.user.password»');
    const use = story.at(-1)!;
    expect(use.request.headers.find((h) => h.name === 'LV-Session')!.value).toMatch(/^«from:[^:]+:\/sessionId»$/);
    // No credential of the target in any file of the bundle.
    const fixtures = referenceTarget(faulty.url);
    const secrets = [...fixtures.livevox!.primary.apiTokens, fixtures.livevox!.primary.user.password, fixtures.livevox!.secondary!.apiToken] as string[];
    for (const name of ['certificate.md', 'result.json', 'exchanges.har', MANIFEST]) for (const s of secrets) expect(read(bundleDir, name)).not.toContain(s);
    // The runner's own probe and clean-up are exchanges of the run too.
    expect(har.log.entries[0]).toMatchObject({ _api: 'runner', _test: 'the probe before the run' });
    expect(har.log.entries.at(-1)).toMatchObject({ _api: 'runner', _test: 'the clean-up after the run' });
    // Every LV-Session header of the HAR is a marker, never a session id.
    const sessions = har.log.entries.flatMap((e) => e.request.headers.filter((h) => h.name.toLowerCase() === 'lv-session').map((h) => h.value));
    expect(sessions.length).toBeGreaterThan(0);
    for (const v of sessions) expect(v).toMatch(/^«(from:[^»]+|redacted)»$/);
  });

  it('puts the rule coverage into the JSON and the certificate', () => {
    const result = json<RunResult>(bundleDir, 'result.json');
    expect(result.coverage!.byGrade.map((g) => g.grade)).toEqual(['documented', 'observed', 'assumed']);
    expect(result.coverage!.byOperation.find((o) => o.operationId === 'login')).toMatchObject({ api: 'livevox', method: 'POST', path: '/session/login' });
    expect(read(bundleDir, 'certificate.md')).toContain('## Rule coverage');
  });

  it('refuses a bundle directory that is not empty (exit 2), before any run', async () => {
    const run = await runCli(['conformance', '--target', faulty.url, '--rule', RULE, '--bundle', bundleDir]);
    expect(run.code, run.output).toBe(2);
    expect(run.output).toMatch(/--bundle: .* is not empty/);
  });
});

describe('session-kit verify', () => {
  it('passes an untouched bundle, directory and .tar.gz alike (exit 0)', async () => {
    expect(runs[1]!.code, runs[1]!.output).toBe(1);
    expect(existsSync(archive)).toBe(true);
    for (const path of [bundleDir, archive]) {
      const run = await runCli(['verify', path]);
      expect(run.code, run.output).toBe(0);
      expect(run.output).toContain('the verdict re-derived from the rules is DOES NOT CONFORM, as recorded');
      expect(run.output).toContain('checks out');
    }
  }, 30_000);

  it.each([
    ['manifest.json', (t: string) => t.indexOf('"name": "session-kit reference') + 12],
    ['certificate.md', undefined],
    ['result.json', (t: string) => t.indexOf('"name": "session-kit reference') + 12],
    ['exchanges.har', undefined],
  ] as const)('names %s when one byte of it changed (exit 1)', async (name, at) => {
    const dir = copy();
    flipByte(dir, name, at);
    const { code, output } = await verifyIn(dir);
    expect(code, output).toBe(1);
    expect(output).toContain(`x ${name}: `);
    expect(output).toMatch(new RegExp(`does NOT check out: .* in .*${name.replace('.', '\\.')}`));
  });

  it('names junit.xml when one byte of it changed', async () => {
    const dir = copy();
    flipByte(dir, 'junit.xml', (t) => t.indexOf('failures="') + 10);
    const { code, output } = await verifyIn(dir);
    expect(code, output).toBe(1);
    expect(output).toContain('x junit.xml: its sha256 differs');
  });

  it('names a file the manifest does not list', async () => {
    const dir = copy();
    writeFileSync(join(dir, 'extra.txt'), 'smuggled\n');
    const { code, output } = await verifyIn(dir);
    expect(code).toBe(1);
    expect(output).toContain('x extra.txt: is not listed in the manifest');
  });

  /** A forger's edit: the verdict says CONFORMS although the deciding rule still fails. */
  function forgeVerdict(dir: string, alsoRules: boolean): void {
    const result = json<RunResult>(dir, 'result.json');
    result.summary = { ...result.summary, verdict: 'CONFORMS', conforms: true, headline: result.summary.headline.replace(/^DOES NOT CONFORM/, 'CONFORMS') };
    if (alsoRules) {
      const rule = result.rules.find((r) => r.id === RULE)!;
      Object.assign(rule, { status: 'pass', failedChecks: 0, failures: [] });
    }
    writeFileSync(join(dir, 'result.json'), `${JSON.stringify(result, null, 2)}\n`);
  }

  it('catches a verdict edited to CONFORMS by its hash when the manifest was left alone', async () => {
    const dir = copy();
    forgeVerdict(dir, false);
    const { code, output } = await verifyIn(dir);
    expect(code).toBe(1);
    expect(output).toContain('x result.json: its sha256 differs');
  });

  it('catches a verdict edited to CONFORMS by re-deriving it, even with every hash and the manifest rewritten to match', async () => {
    const dir = copy();
    forgeVerdict(dir, false);
    reseal(dir, (m) => (m.run.verdict = 'CONFORMS'));
    const { code, output } = await verifyIn(dir);
    expect(code, output).toBe(1);
    expect(output).not.toContain('sha256 differs');
    expect(output).toContain('x result.json: the verdict re-derived from its rules is DOES NOT CONFORM, but it records CONFORMS');
  });

  it("catches a rule edited to pass with the verdict, by re-grading the rule from the tests' checks", async () => {
    const dir = copy();
    forgeVerdict(dir, true);
    reseal(dir, (m) => (m.run.verdict = 'CONFORMS'));
    const { code, output } = await verifyIn(dir);
    expect(code, output).toBe(1);
    expect(output).toContain(`x result.json: its rules disagree with its tests' checks: ${RULE} is recorded as pass (documented, deciding) but its checks grade it fail`);
  });

  it('exits 2 with one line for what is not a bundle', async () => {
    const notThere = await runCli(['verify', join(work, 'no-such-bundle')]);
    expect(notThere.code).toBe(2);
    expect(notThere.output).toMatch(/no such file or directory/);
    const garbage = join(work, 'garbage.tar.gz');
    writeFileSync(garbage, 'not an archive');
    const broken = await runCli(['verify', garbage]);
    expect(broken.code, broken.output).toBe(2);
    expect(broken.output).toMatch(/cannot be read as a \.tar\.gz bundle/);
    const empty = await runCli(['verify', mkdtempSync(join(work, 'empty-'))]);
    expect(empty.code).toBe(2);
    expect(empty.output).toMatch(/is not a session-kit bundle: no readable manifest\.json/);
    for (const run of [notThere, broken, empty]) expect(run.output).not.toMatch(/\n\s+at /);
  }, 30_000);
});

describe('session-kit replay', () => {
  it("reproduces the fault's failing exchange on a freshly started faulty reference (clock moves included)", async () => {
    const fresh = await startReference(FAULT);
    try {
      const run = await runCli(['replay', archive, '--rule', RULE, '--target', fresh.url]);
      expect(run.code, run.output).toBe(0);
      expect(run.output).toContain(`replaying`);
      expect(run.output).toMatch(/\] POST \/__admin\/clock {2}# the clock moves forward/);
      // The failing use: recorded 200 after more than 2 h, and 200 again now.
      expect(run.output).toMatch(/\] GET \/session\/details\n(?:.*\n)*? {2}200 += 200\n/);
      expect(run.output).toContain('have the recorded status');
      expect(run.output).not.toContain('Demo-Pass-1');
    } finally {
      await fresh.stop();
    }
  }, 60_000);

  it('shows the difference on a reference without the fault (exit 1): the session has expired now', async () => {
    const fixed = await startReference();
    try {
      const run = await runCli(['replay', bundleDir, '--rule', RULE, '--target', fixed.url]);
      expect(run.code, run.output).toBe(1);
      expect(run.output).toMatch(/ {2}200 +≠ 401/);
      expect(run.output).toMatch(/differ in status from the recording/);
    } finally {
      await fixed.stop();
    }
  }, 60_000);

  it('is listed, with verify, by session-kit help', async () => {
    const help = await runCli(['help']);
    expect(help.code).toBe(0);
    expect(help.output).toContain('session-kit verify BUNDLE');
    expect(help.output).toContain('session-kit replay BUNDLE --rule ID');
    expect(help.output).toContain('--bundle DIR|FILE');
  });

  it('exits 2 for a rule without recorded failures', async () => {
    const run = await runCli(['replay', bundleDir, '--rule', 'LVX-LOGIN-SUCCESS']);
    expect(run.code).toBe(2);
    expect(run.output).toMatch(/records no failure of it/);
  });
});
