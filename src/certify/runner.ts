import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { UserConsoleLog } from 'vitest';
import type { Reporter, TestModule } from 'vitest/node';
import { writeBundle } from './bundle.js';
import { markdownReport } from './certificate.js';
import { CHECKS_META, plain, rulesOfTitle } from './check-tally.js';
import { cleanUp } from './cleanup.js';
import { consoleReport } from './console-report.js';
import { junitReport } from './junit-report.js';
import { contractOperations, ruleCoverage } from './coverage.js';
import { EXCHANGE_LOG_KEY, readExchangeLog, runnerRecorder } from './exchange-record.js';
import { CONTRACTS, startPrismProxy, type PrismProxy } from './prism-proxy.js';
import { probeTarget } from './probe.js';
import { kitPasswords } from './kit-passwords.js';
import { recordCalls } from './target-http.js';
import { apiBaseUrl, newRunTag, redact, RUN_TAG_ENV, TARGET_ENV, whereApisAre, WORKDIR_ENV, type Target } from './target.js';
import { applyPrismFindings, gradeRules, kitErrorsOf, summarise, type RunResult, type TestOutcome } from './grade-rules.js';

declare module 'vitest' {
  /** What the runner hands the suites before each run: the resolved target (JSON) and the run's tag. */
  export interface ProvidedContext {
    sessionKitTarget: string;
    sessionKitRunTag: string;
    /** Where the suites append every exchange (NDJSON), when the run writes a bundle; empty otherwise. */
    sessionKitExchangeLog: string;
  }
}

/** How to run the kit. */
export interface RunOptions {
  target: Target;
  /** How the target was named on the command line (for the replay command). */
  targetArg: string;
  apis: ('livevox' | 'loudvoice')[];
  seed: number;
  runs: number;
  /** Only tests naming this rule. */
  rule?: string;
  /** Only tests naming any of these rules (the fault matrix: a fault's rule and the others it breaks). */
  rules?: string[];
  /** Absolute paths of the reports to write. */
  junit?: string;
  json?: string;
  report?: string;
  /** Write a certification bundle to this directory or `.tar.gz` (absolute path). */
  bundle?: string;
  /** Send the suites' traffic through `prism proxy` on each contract, as an independent validator. */
  prism?: boolean;
  /** `--strict`: any failing rule fails the run, so the JUnit file reports every failing rule as a failure. */
  strict?: boolean;
  /** Where progress and the final report go (standard output by default). */
  print?: (line: string) => void;
}

const root = fileURLToPath(new URL('../..', import.meta.url));

/** Collects every test's outcome and the tallies of its checks, and prints one line per suite file as it ends. */
class OutcomeCollector implements Reporter {
  readonly tests: TestOutcome[] = [];
  readonly runErrors: string[] = [];

  constructor(private print: (line: string) => void) {}

  /** The rules a run is limited to (--rule), if any. */
  ruleFilter: string[] = [];

  /** Forgets the previous run's outcomes (a session runs the suites against one target after another). */
  reset(print: (line: string) => void, ruleFilter: string[]): void {
    this.tests.length = 0;
    this.runErrors.length = 0;
    this.print = print;
    this.ruleFilter = ruleFilter;
  }

  /** A suite's console.warn / console.error (a deprecation, a harness warning) reaches the caller instead of vanishing. */
  onUserConsoleLog(log: UserConsoleLog): void {
    if (log.type === 'stderr') this.print(`  ! ${log.content.trimEnd()}`);
  }

  onTestModuleEnd(module: TestModule): void {
    const tests = [...module.children.allTests()];
    const failed = tests.filter((t) => t.result().state === 'failed').length;
    const skipped = tests.filter((t) => t.result().state === 'skipped').length;
    this.print(`  ${failed > 0 ? 'x' : '.'} ${relative(root, module.moduleId)}: ${tests.length - failed - skipped} passed, ${failed} failed, ${skipped} skipped`);
  }

  onTestRunEnd(modules: ReadonlyArray<TestModule>, unhandled: ReadonlyArray<{ message?: string; stack?: string }>): void {
    for (const module of modules) {
      const file = relative(root, module.moduleId);
      for (const error of module.errors()) this.runErrors.push(`${file}: ${error.message}`);
      for (const test of module.children.allTests()) {
        const result = test.result();
        // A test left out by --rule did not run: it says nothing about any rule.
        if (this.ruleFilter.length > 0 && result.state === 'skipped' && !result.note && !this.ruleFilter.some((id) => test.name.includes(id))) continue;
        const state = result.state === 'failed' ? 'failed' : result.state === 'passed' ? 'passed' : 'skipped';
        this.tests.push({
          file,
          name: test.name,
          rules: rulesOfTitle(test.name),
          state,
          ...(result.state === 'skipped' && result.note ? { note: result.note } : {}),
          errors: (result.errors ?? []).map((e) => plain(e.message ?? String(e))),
          checks: (test.meta() as Record<string, unknown>)[CHECKS_META] as TestOutcome['checks'] ?? {},
          durationMs: Math.round(test.diagnostic()?.duration ?? 0),
        });
      }
    }
    for (const error of unhandled) this.runErrors.push(error.message ?? String(error));
  }
}

/** The command that reruns exactly this run. */
function replayCommand(options: RunOptions): string {
  const parts = ['npx session-kit conformance', `--target ${options.targetArg}`];
  if (options.apis.length === 1) parts.push(`--api ${options.apis[0]}`);
  parts.push(`--seed ${options.seed}`, `--runs ${options.runs}`);
  if (options.rule) parts.push(`--rule ${options.rule}`);
  if (options.prism) parts.push('--prism');
  return parts.join(' ');
}

/** Runs the conformance suites against the target and writes the reports; resolves with the graded result. */
export async function runConformance(options: RunOptions): Promise<RunResult> {
  const session = await openKitSession({ seed: options.seed, runs: options.runs, ...(options.print ? { print: options.print } : {}) });
  try {
    return await session.run(options);
  } finally {
    await session.close();
  }
}

/** One vitest instance that runs the suites against one target after another (a fault or variant matrix). */
export interface KitSession {
  run(options: RunOptions): Promise<RunResult>;
  close(): Promise<void>;
}

/**
 * Opens a kit session: vitest is created once, with the suites' own configuration, and every `run` sends the suites
 * to its target. Seed and runs are fixed for the session (the suites read them once).
 */
export async function openKitSession(settings: { seed: number; runs: number; print?: (line: string) => void }): Promise<KitSession> {
  const print = settings.print ?? ((line: string) => console.log(line));
  const { createVitest } = await import('vitest/node');
  process.env.SESSION_KIT_SEED = String(settings.seed);
  process.env.SESSION_KIT_RUNS = String(settings.runs);
  // The suites' global setup starts a reference only when no target is handed over: the session always hands one.
  process.env[TARGET_ENV] ??= '{}';
  // One tag for the session: the suites' shared modules read it once, and every run's clean-up looks for it.
  const runTag = newRunTag();
  process.env[RUN_TAG_ENV] = runTag;
  // Where a note for the kit's user goes (a password the kit could not put back): the folder the kit was run from.
  process.env[WORKDIR_ENV] ??= process.cwd();
  const collector = new OutcomeCollector((line) => print(line));
  const version = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')).version as string;
  const vitest = await createVitest('test', {
    root,
    config: fileURLToPath(new URL('../../conformance/vitest.kit.config.ts', import.meta.url)),
    watch: false,
    reporters: [collector],
  });
  return {
    close: () => vitest.close(),
    async run(options) {
      const started = Date.now();
      const replay = replayCommand(options);
      // Set-up errors (unreachable, not the API, refused credentials) throw here, before any verdict.
      // The suites run in another process: they append each exchange to this file, and the bundle turns it into HAR.
      // The runner's own calls (probe, clean-up) are exchanges of the run too and go to the same file.
      const exchangeDir = options.bundle ? mkdtempSync(join(tmpdir(), 'session-kit-exchanges-')) : undefined;
      const exchangeLog = exchangeDir ? join(exchangeDir, 'exchanges.ndjson') : '';
      const runnerCalls = exchangeDir ? runnerRecorder(exchangeLog, options.target) : undefined;
      runnerCalls?.phase('the probe before the run');
      recordCalls(runnerCalls?.record);
      let probe;
      try {
        probe = await probeTarget({ ...options.target, apis: options.apis });
      } catch (error) {
        if (exchangeDir) rmSync(exchangeDir, { recursive: true, force: true });
        throw error;
      } finally {
        recordCalls(undefined);
      }
      options.target.capabilities = probe.capabilities;
      options.target.absent = probe.absent;
      process.env.SESSION_KIT_REPLAY = replay;
      const proxies: { api: 'livevox' | 'loudvoice'; proxy: PrismProxy }[] = [];
      const apiBaseUrls: Partial<Record<'livevox' | 'loudvoice', string>> = {};
      if (options.prism) {
        for (const api of options.apis) {
          const proxy = await startPrismProxy(CONTRACTS[api], apiBaseUrl(options.target, api));
          proxies.push({ api, proxy });
          apiBaseUrls[api] = proxy.url;
        }
      }
      // The passwords this run may set on passwordUser: new every run, and secrets like the target's own.
      const passwordUser = options.apis.includes('livevox') ? options.target.livevox?.passwordUser : undefined;
      if (passwordUser && options.target.livevox) {
        options.target.livevox.kitPasswords = kitPasswords();
        options.target.secrets.push(...options.target.livevox.kitPasswords);
      }
      const handedOver = JSON.stringify({ ...options.target, apis: options.apis, ...(options.prism ? { apiBaseUrls } : {}) });
      process.env[TARGET_ENV] = handedOver;
      vitest.provide('sessionKitTarget', handedOver);
      vitest.provide('sessionKitRunTag', runTag);
      vitest.provide(EXCHANGE_LOG_KEY as 'sessionKitExchangeLog', exchangeLog);
      const print = options.print ?? ((line: string) => console.log(line));
      const selected = options.rules ?? (options.rule ? [options.rule] : []);
      // Progress lines may quote a suite's own warnings: redacted like the reports.
      collector.reset((line) => print(redact(line, options.target.secrets)), selected);
      print(`session-kit conformance: ${options.target.name} (${whereApisAre(options.target, options.apis)}), seed ${settings.seed}, ${settings.runs} runs per property`);
      if (passwordUser) print(`  note: the password tests change ${passwordUser.userName}'s password to random ones of this run and put the original back (docs/target-file.md)`);
      if (selected.length > 0) vitest.setGlobalTestNamePattern(new RegExp(`\\b(${selected.join('|')})\\b`));
      else vitest.resetGlobalTestNamePattern();
      const specs = await vitest.globTestSpecifications(options.apis.map((api) => `conformance/${api}/`));
      await vitest.runTestSpecifications(specs, true);
      for (const { proxy } of proxies) proxy.stop();
      runnerCalls?.phase('the clean-up after the run');
      recordCalls(runnerCalls?.record);
      const cleanup = await cleanUp(options.target, runTag).finally(() => recordCalls(undefined));
      // The suites send bad requests on purpose, so only Prism's findings about responses count against the target.
      const prismViolations = proxies.flatMap(({ api, proxy }) => proxy.violations().filter((v) => v.side === 'response').map((v) => ({ api, ...v })));
      const rules = gradeRules(options.apis, collector.tests);
      applyPrismFindings(rules, prismViolations);
      const kitErrors = kitErrorsOf(collector.tests);
      const result: RunResult = {
        tool: { name: 'session-kit', version },
        target: { name: options.target.name, baseUrl: options.target.baseUrl, baseUrls: Object.fromEntries(options.apis.map((api) => [api, apiBaseUrl(options.target, api)])), capabilities: options.target.capabilities, absent: options.target.absent ?? {}, apis: options.apis },
        startedAt: new Date(started).toISOString(),
        durationMs: Date.now() - started,
        seed: options.seed,
        runs: options.runs,
        node: process.versions.node,
        replay,
        runErrors: [...collector.runErrors],
        kitErrors,
        cleanup,
        ...(options.prism ? { prism: { responseViolations: prismViolations } } : {}),
        rules,
        coverage: ruleCoverage(rules, contractOperations(options.apis)),
        tests: [...collector.tests],
        summary: summarise(rules, collector.tests, collector.runErrors, kitErrors, selected.join(', ') || undefined),
      };
      print(redact(consoleReport(result), options.target.secrets));
      const secrets = options.target.secrets;
      // The JUnit file is written from the graded rules, not by vitest's reporter: one testcase per rule, as graded.
      const junit = () => junitReport(result, secrets, { strict: options.strict === true });
      if (options.junit) write(options.junit, junit());
      if (options.json) write(options.json, redact(JSON.stringify(result, null, 2), secrets));
      if (options.report) write(options.report, markdownReport(result, secrets));
      if (options.bundle && exchangeDir) {
        try {
          // The bundle holds every report, whichever of them the command line asked for besides.
          await writeBundle(options.bundle, {
            result,
            target: options.target,
            certificate: markdownReport(result, secrets),
            json: redact(JSON.stringify(result, null, 2), secrets),
            junit: junit(),
            exchanges: readExchangeLog(exchangeLog),
            rules: selected,
            prism: options.prism === true,
            endedAt: new Date().toISOString(),
          });
        } finally {
          rmSync(exchangeDir, { recursive: true, force: true });
        }
      }
      return result;
    },
  };
}

function write(file: string, text: string): void {
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, text.endsWith('\n') ? text : `${text}\n`);
}
