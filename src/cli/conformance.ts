import { appendFileSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { bundlePathProblem } from '../certify/bundle.js';
import { readTargetFile, resolveTarget } from '../certify/target.js';
import { rules as livevoxRules } from '../generated/livevox-session-catalogue.js';
import { rules as loudvoiceRules } from '../generated/loudvoice-catalogue.js';
import { UsageError } from './usage-error.js';

const suitesDir = fileURLToPath(new URL('../../conformance', import.meta.url));

/** True when some suite file names the rule (in a test title or a check). */
function someTestChecks(ruleId: string): boolean {
  const files = readdirSync(suitesDir, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.test.ts'));
  return files.some((f) => readFileSync(join(suitesDir, f), 'utf8').includes(`'${ruleId}'`));
}

export const CONFORMANCE_HELP = `session-kit conformance: certify a deployment against the contracts

Options:
  --target FILE|URL   a target file (JSON: base URLs, credentials from environment variables, capabilities;
                      every key in docs/target-file.md, schema conformance/targets/target.schema.json),
                      or the URL of a session-kit reference server (its default fixtures and admin controls)
  --api API           livevox | loudvoice | both (default: what the target offers)
  --seed N            seed of every property (default 20261123); the report's replay command repeats a run
  --runs N            runs per property (default 40)
  --rule ID           only the tests that name this rule (e.g. LVX-EXPIRY-2H)
  --junit FILE        JUnit XML for CI: one testcase per rule (a testsuite per API); a failing deciding rule is a
                      <failure>, a failing non-deciding rule passes with the difference in <system-out> (with
                      --strict it is a <failure> too), a skipped or unchecked rule is <skipped> with the reason, and
                      the kit's own errors are <error>s
  --json FILE         every rule's verdict and every test, as JSON
  --report FILE       the Markdown certificate (every rule with its grade and source; secrets redacted)
  --bundle DIR|FILE   a bundle anyone can check (a directory, or FILE.tar.gz): the certificate, the JSON, the
                      JUnit (with --junit), every HTTP exchange as HAR (credentials redacted), and manifest.json
                      with the target, the kit's version and hashes, the run and the sha256 of every file;
                      see \`session-kit verify\` and \`session-kit replay\`
  --prism             send the traffic through \`prism proxy\` on each contract: an independent validator whose
                      response findings count against LVX/LDV-CONTRACT-RESPONSES
  --strict            exit 1 when any rule fails, not only documented ones

Before the run the kit probes what the target offers (clock, reset, test identity provider, session-kit's own
endpoints) unless the target file states it; what is absent makes its tests skipped, with the reason.

Exit codes: 0 CONFORMS (every deciding rule checked holds); 1 DOES NOT CONFORM (a deciding rule failed; with
--strict, any rule) or INCONCLUSIVE (the kit itself erred, or no deciding rule was checked); 2 bad usage or a
target that cannot be certified as set up (a target file that is not valid, unreachable, not the API, refused
credentials or admin token).

In GitHub Actions (GITHUB_ACTIONS=true) the kit also prints one ::error annotation per failing deciding rule
(and per kit error), and appends its summary as Markdown to the file $GITHUB_STEP_SUMMARY names.

The kit CHANGES the password of the target file's livevox.passwordUser (and restores it): use a dedicated test
user. Every key of a target file: docs/target-file.md (installed: node_modules/session-kit/docs/target-file.md).`;

/** Runs the conformance kit as argv says; returns the process exit code. */
export async function conformance(argv: string[], env: NodeJS.ProcessEnv): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      target: { type: 'string' },
      api: { type: 'string' },
      seed: { type: 'string', default: '20261123' },
      runs: { type: 'string', default: '40' },
      rule: { type: 'string' },
      junit: { type: 'string' },
      json: { type: 'string' },
      report: { type: 'string' },
      bundle: { type: 'string' },
      strict: { type: 'boolean', default: false },
      prism: { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
    strict: true,
  });
  if (values.help) {
    console.log(CONFORMANCE_HELP);
    return 0;
  }
  if (!values.target) throw new UsageError('--target FILE|URL is required');
  const seed = Number(values.seed);
  if (!Number.isSafeInteger(seed)) throw new UsageError('--seed must be an integer');
  const runs = Number(values.runs);
  if (!Number.isSafeInteger(runs) || runs < 1 || runs > 100_000) throw new UsageError('--runs must be an integer from 1 to 100000');
  if (values.rule !== undefined) {
    if (!/^(LVX|LDV)-[A-Z0-9-]+$/.test(values.rule)) throw new UsageError('--rule takes a rule id such as LVX-EXPIRY-2H');
    if (![...livevoxRules, ...loudvoiceRules].some((r) => r.id === values.rule)) throw new UsageError(`--rule ${values.rule}: no contract defines that rule`);
    if (!someTestChecks(values.rule)) throw new UsageError(`--rule ${values.rule}: no conformance test checks that rule (the certificate lists it as not covered)`);
  }
  // Report paths are the caller's: resolve them against the working directory the command was run from.
  const out = (p: string | undefined) => (p === undefined ? undefined : resolve(process.cwd(), p));
  // A TargetError (the file's first problem, or a variable it names that is not set) reaches main as one line, exit 2.
  const target = resolveTarget(readTargetFile(values.target), env);
  let apis = target.apis;
  if (values.api !== undefined) {
    if (!['livevox', 'loudvoice', 'both'].includes(values.api)) throw new UsageError(`--api must be livevox, loudvoice or both, not "${values.api}"`);
    apis = values.api === 'both' ? apis : apis.filter((a) => a === values.api);
    if (apis.length === 0) throw new UsageError(`the target offers no ${values.api} API`);
  }
  const { runConformance } = await import('../certify/runner.js');
  const { SetupError } = await import('../certify/probe.js');
  const junit = out(values.junit);
  const json = out(values.json);
  const report = out(values.report);
  const bundle = out(values.bundle);
  if (bundle) {
    const problem = bundlePathProblem(bundle);
    if (problem) throw new UsageError(`--bundle: ${problem}`);
  }
  let result;
  try {
    result = await runConformance({
    target,
    targetArg: values.target,
    apis,
    seed,
    runs,
    ...(values.rule ? { rule: values.rule } : {}),
    ...(junit ? { junit } : {}),
    ...(json ? { json } : {}),
    ...(report ? { report } : {}),
    ...(bundle ? { bundle } : {}),
    prism: values.prism,
    strict: values.strict,
  });
  } catch (error) {
    if (error instanceof SetupError) throw new UsageError(`cannot certify this target: ${error.message}`);
    throw error;
  }
  const s = result.summary;
  const { writeCiOutput } = await import('../certify/ci-output.js');
  writeCiOutput(result, target.secrets, env, { print: (line) => console.log(line), append: (file, text) => appendFileSync(file, text) }, { strict: values.strict });
  for (const [label, file] of [['JUnit', junit], ['JSON', json], ['report', report], ['bundle', bundle]] as const) {
    if (file) console.log(`  ${label}: ${file}`);
  }
  if (!s.conforms) return 1;
  if (values.strict && s.otherFailures > 0) return 1;
  return 0;
}
