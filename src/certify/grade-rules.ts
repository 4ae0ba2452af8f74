// From the checks the suites made to a verdict: each rule is graded by the checks pinned to it, and only the rules that
// decide (documented, or observed with `decides: true`) can make a target fail. A test that broke outside any check is
// the kit's own error: it makes the run inconclusive, never a failure of the target.
import { rules as livevoxRules, sources as livevoxSources } from '../generated/livevox-session-catalogue.js';
import { rules as loudvoiceRules, sources as loudvoiceSources } from '../generated/loudvoice-catalogue.js';
import { pinnedRule, ruleDecides, type RuleTally } from './check-tally.js';
import type { Coverage } from './coverage.js';
import { CAPABILITY_NAMES, type Target } from './target.js';

/** How one test ended, with the tallies of the checks it made. */
export interface TestOutcome {
  file: string;
  name: string;
  /** The rules the test's title names. */
  rules: string[];
  state: 'passed' | 'failed' | 'skipped';
  note?: string;
  errors: string[];
  /** Per rule: checks passed and failed inside this test. */
  checks: Record<string, RuleTally>;
  durationMs: number;
}

/** A readable citation of a source a rule names (L2, O4, seed ...). */
export interface Citation {
  id: string;
  citation: string;
  url: string;
}

/** How one rule of a contract fared in a run. */
export interface RuleVerdict {
  id: string;
  api: 'livevox' | 'loudvoice';
  rule: string;
  operation: string | null;
  grade: 'documented' | 'observed' | 'assumed';
  /** Whether a failure of this rule decides the verdict. */
  decides: boolean;
  /** Why an observed rule decides (from the contract). */
  decidesBecause?: string;
  source: string;
  citations: Citation[];
  status: 'pass' | 'fail' | 'skip' | 'not reached' | 'not covered' | 'not observable';
  /** Checks pinned to this rule that passed and failed, over the whole run. */
  passedChecks: number;
  failedChecks: number;
  /** Distinct failures, each with how many checks failed that way and the ids of the exchanges it shows (in the bundle's HAR). */
  failures: { message: string; count: number; exchanges?: string[] }[];
  notes: string[];
  tests: string[];
}

/** The kit's own errors (a test that broke outside any check), deduplicated. */
export interface KitErrorReport {
  message: string;
  count: number;
  tests: string[];
}

/** The verdict of a run. */
export type Verdict = 'CONFORMS' | 'DOES NOT CONFORM' | 'INCONCLUSIVE';

/** Everything a run produced: what ran against what, every rule's verdict, and every test. */
export interface RunResult {
  tool: { name: 'session-kit'; version: string };
  target: { name: string; baseUrl: string; baseUrls?: Partial<Record<Target['apis'][number], string>>; capabilities: Target['capabilities']; absent: NonNullable<Target['absent']>; apis: Target['apis'] };
  startedAt: string;
  durationMs: number;
  seed: number;
  runs: number;
  node: string;
  replay: string;
  /** Errors outside any test (a suite file that could not load). */
  runErrors: string[];
  kitErrors: KitErrorReport[];
  /** With --prism: the responses Prism's proxy found to break the contracts. */
  prism?: { responseViolations: { api: string; request: string; message: string }[] };
  rules: RuleVerdict[];
  tests: TestOutcome[];
  summary: Summary;
  /** What the run did to leave the target as it found it. */
  cleanup?: string[];
  /** Rule coverage in numbers: per grade and per operation of each contract. */
  coverage?: Coverage;
}

/** The counts behind the verdict. */
export interface Summary {
  verdict: Verdict;
  /** One line: the verdict and its counts, as the console and the certificate print it. */
  headline: string;
  conforms: boolean;
  deciding: { total: number; checked: number; passed: number; failed: number; skipped: number; notReached: number; notCovered: number };
  /** Skipped deciding rules, grouped by reason. */
  skippedReasons: { reason: string; rules: string[] }[];
  documentedFailures: number;
  otherFailures: number;
  kitErrors: number;
  passed: number;
  failed: number;
  skipped: number;
  notCovered: number;
}

const SOURCES: Record<'livevox' | 'loudvoice', readonly { id: string; citation: string; url: string }[]> = { livevox: livevoxSources, loudvoice: loudvoiceSources };

/** The sources a rule's source text names by short id, as readable citations. */
export function citationsOf(api: 'livevox' | 'loudvoice', source: string): Citation[] {
  return SOURCES[api].filter((s) => new RegExp(`(^|[^A-Za-z0-9])${s.id}([^A-Za-z0-9]|$)`).test(source)).map((s) => ({ id: s.id, citation: s.citation, url: s.url }));
}

const firstLine = (s: string) => s.split('\n')[0]!;

/** The kit's own errors among the failed tests: failures pinned to no rule, grouped by message. */
export function kitErrorsOf(tests: TestOutcome[]): KitErrorReport[] {
  const byMessage = new Map<string, KitErrorReport>();
  for (const t of tests) {
    if (t.state !== 'failed') continue;
    for (const error of t.errors) {
      if (pinnedRule(error) || error.startsWith('[not reached]')) continue;
      const key = firstLine(error).replace(/\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b/g, '<id>');
      const entry = byMessage.get(key) ?? { message: error, count: 0, tests: [] };
      entry.count++;
      if (!entry.tests.includes(t.name)) entry.tests.push(t.name);
      byMessage.set(key, entry);
    }
  }
  return [...byMessage.values()];
}

/** Grades every rule of the selected contracts by the checks pinned to it. */
export function gradeRules(apis: readonly ('livevox' | 'loudvoice')[], tests: TestOutcome[]): RuleVerdict[] {
  const all = [
    ...(apis.includes('livevox') ? livevoxRules.map((r) => ({ ...r, api: 'livevox' as const })) : []),
    ...(apis.includes('loudvoice') ? loudvoiceRules.map((r) => ({ ...r, api: 'loudvoice' as const })) : []),
  ];
  return all.map((r) => {
    const p = r.provenance as { grade: RuleVerdict['grade']; source: string; decides?: boolean; 'decides-because'?: string; 'not-observable'?: string };
    const naming = tests.filter((t) => t.rules.includes(r.id) || r.id in t.checks);
    let passedChecks = 0;
    let failedChecks = 0;
    const failures = new Map<string, RuleVerdict['failures'][number]>();
    const notCheckedReasons = new Set<string>();
    for (const t of naming) {
      const tally = t.checks[r.id];
      if (!tally) continue;
      if (tally.notChecked) notCheckedReasons.add(tally.notChecked);
      passedChecks += tally.passed;
      failedChecks += tally.failed;
      for (const [i, message] of tally.failures.entries()) {
        const key = firstLine(message);
        const ids = tally.exchanges?.[i];
        const entry = failures.get(key) ?? { message, count: 0, ...(ids ? { exchanges: ids } : {}) };
        entry.count += Math.max(1, Math.round(tally.failed / tally.failures.length));
        failures.set(key, entry);
      }
    }
    let status: RuleVerdict['status'];
    const notes: string[] = [];
    if (failedChecks > 0) status = 'fail';
    else if (passedChecks > 0) status = 'pass';
    else if (notCheckedReasons.size > 0) {
      status = 'skip';
      notes.push(...notCheckedReasons);
    } else if (naming.some((t) => t.state === 'skipped')) {
      status = 'skip';
      notes.push(...new Set(naming.filter((t) => t.state === 'skipped').map((t) => t.note ?? 'skipped')));
    } else if (naming.some((t) => t.state === 'failed')) {
      status = 'not reached';
      notes.push('not reached: every test naming it stopped at an earlier failure');
    } else if (p['not-observable']) {
      status = 'not observable';
      notes.push(`not observable over HTTP: ${p['not-observable']}`);
    } else {
      status = 'not covered';
      notes.push(
        naming.length === 0
          ? 'not covered: no conformance test checks it'
          : 'not covered: the tests naming it ran without reaching a check of it on this target',
      );
    }
    return {
      id: r.id,
      api: r.api,
      rule: r.rule,
      operation: r.operation,
      grade: p.grade,
      decides: ruleDecides(p),
      ...(p['decides-because'] ? { decidesBecause: p['decides-because'] } : {}),
      source: p.source,
      citations: citationsOf(r.api, p.source),
      status,
      passedChecks,
      failedChecks,
      failures: [...failures.values()],
      notes,
      tests: naming.map((t) => `${t.state}: ${t.name}`),
    };
  });
}

/** Prism's findings about responses fail the contract-responses rule of their API (the same in a run and in `verify`). */
export function applyPrismFindings(rules: RuleVerdict[], violations: readonly { api: string; request: string; message: string }[]): void {
  for (const v of violations) {
    const verdict = rules.find((r) => r.id === (v.api === 'livevox' ? 'LVX-CONTRACT-RESPONSES' : 'LDV-CONTRACT-RESPONSES'));
    if (verdict) {
      verdict.status = 'fail';
      verdict.failedChecks++;
      verdict.notes.push(`Prism: ${v.request}: ${v.message}`);
    }
  }
}

/** The verdict and its counts: a target conforms when no deciding rule fails, at least one was checked, and the kit had no error. */
export function summarise(rules: RuleVerdict[], tests: TestOutcome[], runErrors: string[], kitErrors: KitErrorReport[] = kitErrorsOf(tests), ruleFilter?: string): Summary {
  // A rule no HTTP exchange can show (configuration) is reported, but counts neither for nor against the target.
  const deciding = rules.filter((r) => r.decides && r.status !== 'not observable');
  const count = (s: RuleVerdict['status']) => deciding.filter((r) => r.status === s).length;
  const d = {
    total: deciding.length,
    checked: count('pass') + count('fail'),
    passed: count('pass'),
    failed: count('fail'),
    skipped: count('skip'),
    notReached: count('not reached'),
    notCovered: count('not covered'),
  };
  const reasons = new Map<string, string[]>();
  for (const r of deciding.filter((x) => x.status === 'skip')) {
    const reason = r.notes[0] ?? 'skipped';
    reasons.set(reason, [...(reasons.get(reason) ?? []), r.id]);
  }
  const skippedReasons = [...reasons].map(([reason, ids]) => ({ reason, rules: ids }));
  const kitErrorCount = kitErrors.reduce((n, e) => n + e.count, 0) + runErrors.length;
  let verdict: Verdict;
  // A deciding rule a test never reached (it stopped at what the target did first) was not checked: no CONFORMS then.
  const stoppedShort = ruleFilter === undefined ? d.notReached : 0;
  if (d.failed > 0) verdict = 'DOES NOT CONFORM';
  else if (kitErrorCount > 0 || d.checked === 0 || stoppedShort > 0) verdict = 'INCONCLUSIVE';
  else verdict = 'CONFORMS';
  const documented = deciding.filter((r) => r.grade === 'documented').length;
  const observed = d.total - documented;
  const scope = observed > 0 ? `${d.total} deciding rules (${documented} documented, ${observed} observed that every client depends on)` : `${d.total} deciding rules (all documented)`;
  const skipped = skippedReasons.length > 0 ? `; ${d.skipped} skipped: ${skippedReasons.map((s) => `${s.rules.length} ${s.reason}`).join('; ')}` : '';
  const unreachedCount = d.notReached + d.notCovered;
  const idsOf = (s: RuleVerdict['status']) => deciding.filter((r) => r.status === s).map((r) => r.id).join(', ');
  const unreached =
    unreachedCount === 0
      ? ''
      : ruleFilter
        ? `; ${unreachedCount} not selected (--rule ${ruleFilter})`
        : [
            d.notReached > 0 ? `; ${d.notReached} not reached (a test stopped at an earlier failure): ${idsOf('not reached')}` : '',
            d.notCovered > 0 ? `; ${d.notCovered} not covered (no check of it ran on this target): ${idsOf('not covered')}` : '',
          ].join('');
  const otherFailures = rules.filter((r) => r.status === 'fail' && !r.decides).length;
  const others = otherFailures > 0 ? ` ${otherFailures} observed/assumed rule(s) differ from session-kit's choices (reported, not deciding).` : '';
  let headline: string;
  if (verdict === 'DOES NOT CONFORM') headline = `DOES NOT CONFORM: ${d.failed} deciding rule(s) fail, of ${d.checked} checked of ${scope}${skipped}${unreached}.${others}`;
  else if (verdict === 'CONFORMS') headline = `CONFORMS: ${d.checked} of ${scope} checked, all hold${skipped}${unreached}.${others}`;
  else {
    const why =
      kitErrorCount > 0
        ? `${kitErrorCount} error(s) of the kit itself, not of the target`
        : d.checked === 0
          ? 'no deciding rule was checked'
          : `${stoppedShort} deciding rule(s) not reached (a test stopped before them)`;
    headline = `INCONCLUSIVE: ${why}; ${d.checked} of ${scope} checked, none failed${skipped}${unreached}.${others}`;
  }
  return {
    verdict,
    headline,
    conforms: verdict === 'CONFORMS',
    deciding: d,
    skippedReasons,
    documentedFailures: deciding.filter((r) => r.status === 'fail' && r.grade === 'documented').length,
    otherFailures,
    kitErrors: kitErrorCount,
    passed: tests.filter((t) => t.state === 'passed').length,
    failed: tests.filter((t) => t.state === 'failed').length,
    skipped: tests.filter((t) => t.state === 'skipped').length,
    notCovered: rules.filter((r) => r.status === 'not covered').length,
  };
}

/** The capabilities line of a report: what the target offers and why the rest is absent. */
export function capabilitiesText(target: RunResult['target']): string {
  return CAPABILITY_NAMES.map((c) => `${c}: ${target.capabilities[c] ? 'yes' : `no (${target.absent[c] ?? 'absent'})`}`).join('; ');
}
