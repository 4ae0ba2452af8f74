// Runs a fault and variant matrix in one process with one vitest instance (a kit session), so npm test can afford
// every fault and every variant: `node --import tsx test/helpers/kit-matrix.ts livevox|loudvoice OUT.json`.
// Each entry gets its own reference server, started while the entry before it runs.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startReference, type RunningServer } from '../../conformance/harness/reference-server.js';
import { openKitSession } from '../../src/certify/runner.js';
import { readTargetFile, referenceTarget, resolveTarget } from '../../src/certify/target.js';
import { FAULTS, type FaultName } from '../../src/core/faults.js';
import { VARIANTS } from '../../src/core/variants.js';

/** One cell of the matrix: what the server runs with, and what the kit is asked. */
export interface MatrixEntry {
  /** A policy entry runs the server with a documented vendor policy in its fixtures (POLICIES), twice in a row. */
  kind: 'fault' | 'variant' | 'all-variants' | 'policy';
  name: string;
  api: 'livevox' | 'loudvoice' | 'both';
  faults: string[];
  variants: string[];
  /** For a fault: the deciding rule it must fail on (the run checks only the fault's rules). */
  rule?: string;
  /** For a fault: the other deciding rules it breaks, which must fail too. */
  also?: string[];
  /** For a variant that no real client accepts: the verdict it must get, and the only deciding rules it may fail. */
  expect?: { verdict: string; decidingFailed: readonly string[] };
  /** For a policy: the LiveVox part of the fixtures the server runs with on top of the default ones. */
  livevoxFixtures?: Record<string, unknown>;
  /** How many runs in a row against the same server (a policy must pass run after run). */
  repeat?: number;
}

/** What the matrix test asserts of one entry. */
export interface MatrixOutcome extends MatrixEntry {
  verdict: string;
  headline: string;
  failedRules: string[];
  decidingFailed: string[];
  kitErrors: string[];
  /** Status of the rules a variant lists (VARIANTS[name].rules). */
  variantRules: Record<string, string>;
  output: string;
  /** The verdicts of the runs after the first, for an entry that repeats. */
  repeats?: { verdict: string; headline: string; kitErrors: string[] }[];
  /** The status of every LVX-PASSWORD-* rule in each run, for a policy entry. */
  passwordRules?: Record<string, string>[];
  /** For a policy entry: whether passwordUser's original password logs in after the last run. */
  passwordBack?: boolean;
}

/**
 * Documented vendor policies the reference can enforce: each runs twice on one server and must CONFORM both times,
 * with the rules it touches checked (the kit must cope with what a correct vendor does, not only with our defaults).
 */
const POLICIES: { name: string; what: string; livevox: Record<string, unknown> }[] = [
  {
    name: 'livevox-password-history-4',
    what: "LiveVox's password policy in full: 8 characters with a digit, and none of the last 4 passwords reused",
    livevox: { passwordPolicy: { reuseHistory: 4 } },
  },
];

/** Variants that take away what some rules need to be checked at all (the SSO path, the ID-token minter). */
const REMOVES: Record<string, (rule: string) => boolean> = {
  'no-test-idp': (rule) => rule.startsWith('LVX-SSO-'),
  'livevox-no-sso-endpoint': (rule) => rule.startsWith('LVX-SSO-'),
  // With every Authorization error a 403, an agent refused as unauthenticated looks like an agent refused the method.
  'livevox-authorization-403': (rule) => rule === 'LVX-CALLCENTERS-AGENT-403',
};

/** Variants that every real client would refuse: each has its own expected verdict and never runs beside others. */
const refused = (name: string): boolean => 'expect' in (VARIANTS as Record<string, object>)[name]!;

/** Every variant that leaves a fault's rule checkable: what the fault runs with in the matrix. */
const variantsFor = (rule: string): string[] => Object.keys(VARIANTS).filter((v) => !REMOVES[v]?.(rule) && !refused(v));

/** Property runs per property in the matrix: every fault is caught in its first runs, and npm test has 2 cores. */
const RUNS = 3;

const apiOf = (name: string) => (name.startsWith('livevox') ? 'livevox' : name.startsWith('loudvoice') ? 'loudvoice' : 'both');

/**
 * Whether the whole matrix runs (`SESSION_KIT_MATRIX=full`, as `npm run test:matrix` and CI do) or its sample (npm
 * test's default): every variant at once, and the first two faults of each API. The whole matrix costs about four
 * minutes of both cores, which npm test's five-minute budget cannot hold beside everything else.
 */
export const MATRIX_SCOPE: 'full' | 'sample' = process.env.SESSION_KIT_MATRIX === 'full' ? 'full' : 'sample';

/** The entries of one half of the matrix (all of them, or the sample: see MATRIX_SCOPE). */
export function matrixEntries(half: 'livevox' | 'loudvoice'): MatrixEntry[] {
  const all = allMatrixEntries(half);
  if (MATRIX_SCOPE === 'full') return all;
  return [...all.filter((e) => e.kind === 'fault').slice(0, 2), ...all.filter((e) => e.kind === 'all-variants' || e.kind === 'policy')];
}

/** Every entry of one half; variants of both APIs go with LoudVoice's half, all-variants-at-once with LiveVox's. */
export function allMatrixEntries(half: 'livevox' | 'loudvoice'): MatrixEntry[] {
  const entries: MatrixEntry[] = [];
  for (const [name, fault] of Object.entries(FAULTS) as [FaultName, { rule: string; also?: readonly string[] }][]) {
    const also = [...(fault.also ?? [])];
    if (apiOf(name) === half) entries.push({ kind: 'fault', name, api: half, faults: [name], variants: variantsFor(fault.rule), rule: fault.rule, ...(also.length > 0 ? { also } : {}) });
  }
  for (const name of Object.keys(VARIANTS)) {
    const api = apiOf(name);
    const expected = (VARIANTS as Record<string, { expect?: MatrixEntry['expect'] }>)[name]!.expect;
    if (api === half || (api === 'both' && half === 'loudvoice')) entries.push({ kind: 'variant', name, api, faults: [], variants: [name], ...(expected ? { expect: expected } : {}) });
  }
  if (half === 'livevox') entries.push({ kind: 'all-variants', name: 'every variant at once', api: 'both', faults: [], variants: Object.keys(VARIANTS).filter((v) => !refused(v)) });
  for (const policy of POLICIES) {
    if (apiOf(policy.name) === half) entries.push({ kind: 'policy', name: policy.name, api: half, faults: [], variants: [], livevoxFixtures: policy.livevox, repeat: 2 });
  }
  return entries;
}

const defaultFixtures = join(import.meta.dirname, '../../fixtures/default.json');

/** The default fixtures with a policy's LiveVox settings on top, in a file of their own. */
function fixturesWith(livevox: Record<string, unknown>): string {
  const fixtures = JSON.parse(readFileSync(defaultFixtures, 'utf8')) as { livevox: Record<string, unknown> };
  fixtures.livevox = { ...fixtures.livevox, ...livevox };
  const file = join(mkdtempSync(join(tmpdir(), 'kit-matrix-fixtures-')), 'fixtures.json');
  writeFileSync(file, JSON.stringify(fixtures));
  return file;
}

const serverFor = (entry: MatrixEntry): Promise<RunningServer> =>
  startReference([
    '--enable-test-faults',
    ...entry.faults.flatMap((f) => ['--fault', f]),
    ...entry.variants.flatMap((v) => ['--variant', v]),
    ...(entry.livevoxFixtures ? ['--fixtures', fixturesWith(entry.livevoxFixtures)] : []),
  ]);

/** Whether the reference's passwordUser logs in with its fixture password: the kit put it back. */
async function originalPasswordLogsIn(url: string): Promise<boolean> {
  const { livevox } = referenceTarget(url);
  const who = livevox!.passwordUser!;
  const res = await fetch(`${url}/session/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'lv-access': String(livevox!.primary.apiTokens[0]) },
    body: JSON.stringify({ clientName: livevox!.primary.clientName, userName: who.userName, password: who.password }),
  });
  return res.status === 200;
}

/** The status of every LVX-PASSWORD-* rule in a run. */
const passwordRulesOf = (rules: { id: string; status: string }[]) => Object.fromEntries(rules.filter((r) => r.id.startsWith('LVX-PASSWORD-')).map((r) => [r.id, r.status]));

/** Runs every entry against its own reference, with one kit session; reports progress on standard error. */
export async function runMatrix(entries: MatrixEntry[]): Promise<MatrixOutcome[]> {
  // A fault can leave a password the kit cannot put back: its recovery note goes to a temporary folder, not the repo.
  process.env.SESSION_KIT_WORKDIR = mkdtempSync(join(tmpdir(), 'kit-matrix-work-'));
  const session = await openKitSession({ seed: 20261123, runs: RUNS, print: () => {} });
  const outcomes: MatrixOutcome[] = [];
  let next = serverFor(entries[0]!);
  try {
    for (let i = 0; i < entries.length; i++) {
      const entry = entries[i]!;
      const server = await next;
      if (i + 1 < entries.length) next = serverFor(entries[i + 1]!);
      let output = '';
      try {
        const apis = entry.api === 'both' ? (['livevox', 'loudvoice'] as const) : ([entry.api] as const);
        const runOnce = () =>
          session.run({
            // A policy runs as on a vendor's deployment: no clock and no reset, so nothing puts the state back but the kit.
            target: resolveTarget(entry.kind === 'policy' ? { ...referenceTarget(server.url), capabilities: { clock: false, reset: false } } : readTargetFile(server.url), process.env),
            targetArg: server.url,
            apis: [...apis],
            seed: 20261123,
            runs: RUNS,
            ...(entry.rule ? { rules: [entry.rule, ...(entry.also ?? [])] } : {}),
            print: (line) => (output += `${line}\n`),
          });
        const result = await runOnce();
        const repeats: NonNullable<MatrixOutcome['repeats']> = [];
        const passwordRules = [passwordRulesOf(result.rules)];
        for (let again = 1; again < (entry.repeat ?? 1); again++) {
          const next = await runOnce();
          repeats.push({ verdict: next.summary.verdict, headline: next.summary.headline, kitErrors: next.kitErrors.map((e) => `${e.count}x ${e.message.split('\n')[0]}`) });
          passwordRules.push(passwordRulesOf(next.rules));
        }
        const listed = entry.kind === 'variant' ? ((VARIANTS as Record<string, { rules: readonly string[] }>)[entry.name]?.rules ?? []) : [];
        outcomes.push({
          ...entry,
          verdict: result.summary.verdict,
          headline: result.summary.headline,
          failedRules: result.rules.filter((r) => r.status === 'fail').map((r) => r.id),
          decidingFailed: result.rules.filter((r) => r.status === 'fail' && r.decides).map((r) => r.id),
          kitErrors: result.kitErrors.map((e) => `${e.count}x ${e.message.split('\n')[0]}`),
          variantRules: Object.fromEntries(listed.map((id) => [id, result.rules.find((r) => r.id === id)?.status ?? 'absent'])),
          output: output.slice(-4000),
          ...(entry.repeat ? { repeats, passwordRules } : {}),
          ...(entry.kind === 'policy' ? { passwordBack: await originalPasswordLogsIn(server.url) } : {}),
        });
      } catch (error) {
        outcomes.push({ ...entry, verdict: 'ERROR', headline: String(error), failedRules: [], decidingFailed: [], kitErrors: [String(error)], variantRules: {}, output });
      } finally {
        await server.stop();
      }
      process.stderr.write(`${entry.kind} ${entry.name}: ${outcomes.at(-1)!.verdict}\n`);
    }
  } finally {
    await session.close();
  }
  return outcomes;
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].split('/').pop()!)) {
  const [half, out] = process.argv.slice(2) as ['livevox' | 'loudvoice', string];
  writeFileSync(out, JSON.stringify(await runMatrix(matrixEntries(half)), null, 2));
  process.exit(0);
}
