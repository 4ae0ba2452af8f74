// Checks a certification bundle without trusting it: every hash of the manifest against the files (and the manifest's
// own digest), no file that the manifest does not list, the manifest's fields against the files, and the verdict
// re-derived from the graded JSON with the same grading code the run used. A hash proves a file was not changed since
// the manifest was written; only the re-derivation catches a forger who rewrote a verdict and every hash with it.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { BUNDLE_FILES, BUNDLE_FORMAT, kitFingerprint, MANIFEST, manifestDigest, sha256, type Manifest } from './bundle.js';
import type { Har } from './har.js';
import { applyPrismFindings, gradeRules, kitErrorsOf, summarise, type RunResult } from './grade-rules.js';

/** One thing wrong with a bundle, naming the file it is in. */
export interface BundleProblem {
  file: string;
  message: string;
}

/** What verify found: problems (exit 1 when any), and what was checked or could not be (for the reader). */
export interface BundleReport {
  problems: BundleProblem[];
  checked: string[];
  notes: string[];
}

/** A bundle that cannot be read at all (no such directory, no manifest): exit 2. */
export class UnreadableBundleError extends Error {
  override name = 'UnreadableBundleError';
}

function listFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .map((f) => f.split('\\').join('/'))
    .filter((f) => statSync(join(dir, f)).isFile() || statSync(join(dir, f)).isDirectory())
    .sort();
}

const parseJson = <T>(text: string): T | undefined => {
  try {
    return JSON.parse(text) as T;
  } catch {
    return undefined;
  }
};

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/** Verifies the bundle in a directory (an archive is extracted first by the caller). */
export function verifyBundle(dir: string): BundleReport {
  let manifestText: string;
  try {
    if (!statSync(dir).isDirectory()) throw new Error('not a directory');
    manifestText = readFileSync(join(dir, MANIFEST), 'utf8');
  } catch {
    throw new UnreadableBundleError(`${dir} is not a session-kit bundle: no readable ${MANIFEST} in it`);
  }
  const problems: BundleProblem[] = [];
  const checked: string[] = [];
  const notes: string[] = [];
  const problem = (file: string, message: string) => problems.push({ file, message });

  // 1. The manifest itself: its own digest covers every byte of it.
  const manifest = parseJson<Manifest>(manifestText);
  const digest = manifestDigest(manifestText);
  if (!manifest || typeof manifest !== 'object') {
    problem(MANIFEST, 'is not valid JSON');
    return { problems, checked, notes };
  }
  if (manifest.format !== BUNDLE_FORMAT) problem(MANIFEST, `format is ${JSON.stringify(manifest.format)}, not ${BUNDLE_FORMAT}`);
  if (!digest) problem(MANIFEST, 'has no manifestSha256');
  else if (digest.recorded !== digest.actual) problem(MANIFEST, `its bytes changed since it was written (manifestSha256 ${digest.recorded.slice(0, 12)}…, the file hashes to ${digest.actual.slice(0, 12)}…)`);
  else checked.push(`${MANIFEST}: its own digest matches`);
  const listed = manifest.files && typeof manifest.files === 'object' ? manifest.files : {};

  // 2. Every listed file is there with its hash, and nothing else is.
  for (const [name, hash] of Object.entries(listed)) {
    let bytes: Buffer;
    try {
      bytes = readFileSync(join(dir, name));
    } catch {
      problem(name, 'is listed in the manifest but missing');
      continue;
    }
    if (sha256(bytes) !== hash) problem(name, `its sha256 differs from the manifest's (${sha256(bytes).slice(0, 12)}… instead of ${String(hash).slice(0, 12)}…)`);
  }
  const present = listFiles(dir);
  for (const f of present) {
    if (f === MANIFEST || f in listed) continue;
    problem(f, 'is not listed in the manifest');
  }
  if (!problems.some((p) => p.file !== MANIFEST)) checked.push(`every file's sha256 matches the manifest (${Object.keys(listed).length} files), and no other file is present`);
  const kit = manifest.kit;
  if (kit?.suites?.files) {
    const recomputed = sha256(kit.suites.files.map((f) => `${f.sha256}  ${f.path}\n`).join(''));
    if (recomputed !== kit.suites.sha256) problem(MANIFEST, "kit.suites.sha256 is not the digest of the suite files it lists");
  }

  // 3. The manifest's fields agree with the files.
  const text = (name: string) => {
    try {
      return readFileSync(join(dir, name), 'utf8');
    } catch {
      return undefined;
    }
  };
  const jsonText = text(BUNDLE_FILES.json);
  const result = jsonText === undefined ? undefined : parseJson<RunResult>(jsonText);
  if (jsonText !== undefined && !result) problem(BUNDLE_FILES.json, 'is not valid JSON');
  if (jsonText === undefined) problem(BUNDLE_FILES.json, 'is missing: a bundle without the graded JSON cannot be checked');
  if (result) {
    const agree = (what: string, inJson: unknown, inManifest: unknown) => {
      if (!same(inJson, inManifest)) problem(BUNDLE_FILES.json, `${what} is ${JSON.stringify(inJson)} but ${MANIFEST} says ${JSON.stringify(inManifest)}`);
    };
    agree('the kit version', result.tool?.version, kit?.version);
    agree('the seed', result.seed, manifest.run?.seed);
    agree('the runs', result.runs, manifest.run?.runs);
    agree('the start time', result.startedAt, manifest.run?.startedAt);
    agree("Node's version", result.node, manifest.node);
    agree('the target name', result.target?.name, manifest.target?.name);
    agree('the target URL', result.target?.baseUrl, manifest.target?.baseUrl);
    agree("the APIs' base URLs", result.target?.baseUrls ?? {}, manifest.target?.baseUrls);
    agree("the target's APIs", result.target?.apis, manifest.target?.apis);
    agree("the target's capabilities", result.target?.capabilities, manifest.target?.capabilities);
    agree('the verdict', result.summary?.verdict, manifest.run?.verdict);
    agree('the use of Prism', result.prism !== undefined, manifest.run?.prism);
    if (!problems.some((p) => p.file === BUNDLE_FILES.json)) checked.push(`${MANIFEST} agrees with ${BUNDLE_FILES.json} (target, kit version, seed, runs, times, Node, verdict)`);

    const certificate = text(BUNDLE_FILES.certificate);
    if (certificate !== undefined && result.summary?.headline && !certificate.includes(`**${result.summary.headline}**`)) problem(BUNDLE_FILES.certificate, `its headline is not the one ${BUNDLE_FILES.json} records`);

    const harText = text(BUNDLE_FILES.har);
    const har = harText === undefined ? undefined : parseJson<Har>(harText);
    if (harText !== undefined && !har) problem(BUNDLE_FILES.har, 'is not valid JSON');
    if (har) {
      if (har.log?.version !== '1.2') problem(BUNDLE_FILES.har, `is HAR ${JSON.stringify(har.log?.version)}, not 1.2`);
      if (har.log?.creator?.version !== kit?.version) problem(BUNDLE_FILES.har, `was created by session-kit ${har.log?.creator?.version}, ${MANIFEST} says ${kit?.version}`);
      const ids = new Set((har.log?.entries ?? []).map((e) => e._id));
      const missing = (result.rules ?? []).flatMap((r) => r.failures.flatMap((f) => (f.exchanges ?? []).filter((id) => !ids.has(id)).map((id) => `${r.id}: ${id}`)));
      if (missing.length > 0) problem(BUNDLE_FILES.har, `lacks ${missing.length} exchange(s) that failures in ${BUNDLE_FILES.json} name (${missing.slice(0, 3).join(', ')}${missing.length > 3 ? ', …' : ''})`);
      else checked.push(`every exchange a failure names is in ${BUNDLE_FILES.har} (${ids.size} exchanges)`);
    }

    // 4. The verdict, re-derived: rules from the tests' check tallies, the verdict from the rules.
    rederive(result, manifest, problem, checked, notes);
  }

  // 5. The kit: informative only, a bundle may come from another installation or version.
  try {
    const here = kitFingerprint();
    const suites = here.suites.sha256 === kit?.suites?.sha256 ? 'the same suites as this installation' : `other suites than this installation (session-kit ${here.version} here)`;
    const contracts = same(here.contracts, kit?.contracts) ? 'the same contracts' : 'other contracts';
    notes.push(`the bundle was made with ${suites} and ${contracts}`);
  } catch {
    notes.push("this installation's own suites could not be read to compare");
  }
  return { problems, checked, notes };
}

function rederive(result: RunResult, manifest: Manifest, problem: (file: string, message: string) => void, checked: string[], notes: string[]): void {
  const file = BUNDLE_FILES.json;
  if (!Array.isArray(result.rules) || !Array.isArray(result.tests) || !result.summary) {
    problem(file, 'has no rules, tests or summary to re-derive the verdict from');
    return;
  }
  const ruleFilter = Array.isArray(manifest.run?.rules) && manifest.run.rules.length > 0 ? manifest.run.rules.join(', ') : undefined;
  let recorded;
  try {
    recorded = summarise(result.rules, result.tests, result.runErrors ?? [], kitErrorsOf(result.tests), ruleFilter);
  } catch (error) {
    problem(file, `its rules cannot be graded: ${(error as Error).message}`);
    return;
  }
  if (recorded.verdict !== result.summary.verdict) problem(file, `the verdict re-derived from its rules is ${recorded.verdict}, but it records ${result.summary.verdict}`);
  else if (recorded.headline !== result.summary.headline) problem(file, `the headline re-derived from its rules differs from the one it records ("${recorded.headline}")`);
  else checked.push(`the verdict re-derived from the rules is ${recorded.verdict}, as recorded`);

  // The rules themselves from the checks' tallies, with this kit's catalogue: exact only when the contracts (from which
  // the catalogue is generated) are the ones the bundle was made with.
  const here = kitFingerprint();
  if (!same(here.contracts, manifest.kit?.contracts)) {
    notes.push("the rules were not re-graded from the tests: this installation's contracts differ from the bundle's");
    return;
  }
  const regraded = gradeRules(result.target.apis, result.tests);
  applyPrismFindings(regraded, result.prism?.responseViolations ?? []);
  const byId = new Map(result.rules.map((r) => [r.id, r]));
  const differ: string[] = [];
  for (const r of regraded) {
    const rec = byId.get(r.id);
    if (!rec) differ.push(`${r.id} is missing`);
    else if (rec.status !== r.status || rec.decides !== r.decides || rec.grade !== r.grade) differ.push(`${r.id} is recorded as ${rec.status} (${rec.grade}${rec.decides ? ', deciding' : ''}) but its checks grade it ${r.status} (${r.grade}${r.decides ? ', deciding' : ''})`);
  }
  if (result.rules.length !== regraded.length) differ.push(`it records ${result.rules.length} rules, the contracts define ${regraded.length}`);
  if (differ.length > 0) problem(file, `its rules disagree with its tests' checks: ${differ.slice(0, 3).join('; ')}${differ.length > 3 ? ` (and ${differ.length - 3} more)` : ''}`);
  else {
    const fromTests = summarise(regraded, result.tests, result.runErrors ?? [], kitErrorsOf(result.tests), ruleFilter);
    if (fromTests.verdict !== result.summary.verdict) problem(file, `the verdict re-derived from its tests is ${fromTests.verdict}, but it records ${result.summary.verdict}`);
    else checked.push("every rule's grade re-derived from the tests' checks matches");
  }
}
