import { rules as livevoxRules } from '../generated/livevox-session-catalogue.js';
import { rules as loudvoiceRules } from '../generated/loudvoice-catalogue.js';
import { redact, type Target } from './target.js';

/** How one test ended. */
export interface TestOutcome {
  file: string;
  name: string;
  rules: string[];
  state: 'passed' | 'failed' | 'skipped';
  note?: string;
  errors: string[];
  durationMs: number;
}

/** How one rule of a contract fared in a run. */
export interface RuleVerdict {
  id: string;
  api: 'livevox' | 'loudvoice';
  rule: string;
  operation: string | null;
  grade: 'documented' | 'observed' | 'assumed';
  source: string;
  status: 'pass' | 'fail' | 'skip' | 'not covered';
  notes: string[];
  tests: string[];
}

/** Everything a run produced: what ran against what, every rule's verdict, and every test. */
export interface RunResult {
  tool: { name: 'session-kit'; version: string };
  target: { name: string; baseUrl: string; capabilities: Target['capabilities']; apis: Target['apis'] };
  startedAt: string;
  durationMs: number;
  seed: number;
  runs: number;
  node: string;
  replay: string;
  /** Errors outside any test (a suite that could not start, an unreachable target). */
  runErrors: string[];
  /** With --prism: the responses Prism's proxy found to break the contracts. */
  prism?: { responseViolations: { api: string; request: string; message: string }[] };
  rules: RuleVerdict[];
  tests: TestOutcome[];
  summary: { conforms: boolean; documentedFailures: number; otherFailures: number; passed: number; failed: number; skipped: number; notCovered: number };
}

/** The rule ids a test title names: `[LVX-A, LVX-B] title`. */
export function rulesOfTitle(title: string): string[] {
  const match = /^\[([A-Z0-9, -]+)\]/.exec(title);
  return match ? match[1]!.split(',').map((s) => s.trim()).filter(Boolean) : [];
}

/** The rules a failed test's errors pin the failure on (`[violates ID]`), if any. */
export function violatedRules(test: TestOutcome): string[] {
  return [...new Set(test.errors.flatMap((e) => [...e.matchAll(/\[violates ((?:LVX|LDV)-[A-Z0-9-]+)\]/g)].map((m) => m[1]!)))];
}

/**
 * What one test says about one rule it names: a failure counts against the rules it is pinned on (or, unpinned,
 * against all the test names); the other rules of a pinned failure were not reached, so it says nothing of them.
 */
function outcomeFor(test: TestOutcome, rule: string): TestOutcome['state'] | 'inconclusive' {
  if (test.state !== 'failed') return test.state;
  const pinned = violatedRules(test);
  return pinned.length === 0 || pinned.includes(rule) ? 'failed' : 'inconclusive';
}

/** Grades every rule of the selected contracts by the tests that name it. */
export function gradeRules(apis: readonly ('livevox' | 'loudvoice')[], tests: TestOutcome[]): RuleVerdict[] {
  const all = [
    ...(apis.includes('livevox') ? livevoxRules.map((r) => ({ ...r, api: 'livevox' as const })) : []),
    ...(apis.includes('loudvoice') ? loudvoiceRules.map((r) => ({ ...r, api: 'loudvoice' as const })) : []),
  ];
  return all.map((r) => {
    const naming = tests.filter((t) => t.rules.includes(r.id) || violatedRules(t).includes(r.id));
    const outcomes = naming.map((t) => outcomeFor(t, r.id));
    let status: RuleVerdict['status'] = 'not covered';
    if (outcomes.includes('failed')) status = 'fail';
    else if (outcomes.includes('passed')) status = 'pass';
    else if (outcomes.includes('skipped')) status = 'skip';
    else if (outcomes.includes('inconclusive')) status = 'not covered';
    const notes = [...new Set(naming.filter((t) => t.state === 'skipped' && t.note).map((t) => t.note!))];
    if (outcomes.includes('inconclusive') && status !== 'fail') notes.push('not reached: a test naming it stopped at an earlier violation');
    return {
      id: r.id,
      api: r.api,
      rule: r.rule,
      operation: r.operation,
      grade: r.provenance.grade as RuleVerdict['grade'],
      source: r.provenance.source,
      status,
      notes,
      tests: naming.map((t) => `${t.state}: ${t.name}`),
    };
  });
}

/** Counts and the verdict: a target conforms when no documented rule fails and nothing stopped the run. */
export function summarise(rules: RuleVerdict[], tests: TestOutcome[], runErrors: string[]): RunResult['summary'] {
  const documentedFailures = rules.filter((r) => r.status === 'fail' && r.grade === 'documented').length;
  return {
    conforms: documentedFailures === 0 && runErrors.length === 0,
    documentedFailures,
    otherFailures: rules.filter((r) => r.status === 'fail' && r.grade !== 'documented').length,
    passed: tests.filter((t) => t.state === 'passed').length,
    failed: tests.filter((t) => t.state === 'failed').length,
    skipped: tests.filter((t) => t.state === 'skipped').length,
    notCovered: rules.filter((r) => r.status === 'not covered').length,
  };
}

/** How many rules the run reached, in all and among the documented ones (a rule no test names is "not covered"). */
function coverage(rules: RuleVerdict[]): string {
  const reached = (list: RuleVerdict[]) => list.filter((r) => r.status !== 'not covered').length;
  const documented = rules.filter((r) => r.grade === 'documented');
  return `${reached(rules)} of ${rules.length} (documented: ${reached(documented)} of ${documented.length}); the others are listed as "not covered"`;
}

const esc = (s: string) => s.replaceAll('|', '\\|').replaceAll('\n', ' ');
const ICON: Record<RuleVerdict['status'], string> = { pass: 'pass', fail: '**FAIL**', skip: 'skip', 'not covered': 'not covered' };

/** The Markdown certificate: shareable, every rule with its grade and source, secrets redacted. */
export function markdownReport(result: RunResult, secrets: readonly string[]): string {
  const s = result.summary;
  const lines: string[] = [
    `# Conformance report: ${result.target.name}`,
    '',
    `**Verdict: ${s.conforms ? 'CONFORMS' : 'DOES NOT CONFORM'}** to every rule the vendors document` +
      (s.otherFailures > 0 ? ` (${s.otherFailures} observed/assumed rule(s) failed: see below)` : '') +
      '.',
    '',
    '| | |',
    '|---|---|',
    `| target | ${result.target.baseUrl} |`,
    `| APIs | ${result.target.apis.join(', ')} |`,
    `| capabilities | clock: ${result.target.capabilities.clock ? 'yes' : 'no'}, reset: ${result.target.capabilities.reset ? 'yes' : 'no'}, test IdP: ${result.target.capabilities.idp ? 'yes' : 'no'} |`,
    `| run | ${result.startedAt}, ${(result.durationMs / 1000).toFixed(1)} s, seed ${result.seed}, ${result.runs} runs per property |`,
    `| tool | session-kit ${result.tool.version}, Node ${result.node} |`,
    `| tests | ${s.passed} passed, ${s.failed} failed, ${s.skipped} skipped |`,
    `| rules checked | ${coverage(result.rules)} |`,
    `| replay | \`${result.replay}\` |`,
    '',
    'Grades: **documented** = stated by the vendor\'s documentation; **observed** = seen in real clients of the real',
    'service; **assumed** = session-kit\'s choice where the vendor is silent. Only documented rules decide the verdict.',
    '',
  ];
  if (result.runErrors.length > 0) {
    lines.push('## Errors outside the tests', '', ...result.runErrors.map((e) => '```\n' + e + '\n```'), '');
  }
  if (result.prism) {
    const v = result.prism.responseViolations;
    lines.push('## Independent check by Prism', '', v.length === 0 ? 'Every response passed through `prism proxy` matched the contracts.' : `Prism found ${v.length} response(s) that break the contracts:`, '');
    for (const x of v.slice(0, 100)) lines.push(`- ${x.api}: \`${x.request}\`: ${x.message}`);
    lines.push('');
  }
  const failures = result.tests.filter((t) => t.state === 'failed');
  if (failures.length > 0) {
    lines.push('## Failures', '');
    for (const t of failures) {
      lines.push(`### ${t.name}`, '', `File: \`${t.file}\``, '', '```', ...t.errors, '```', '');
    }
  }
  for (const api of ['livevox', 'loudvoice'] as const) {
    const rows = result.rules.filter((r) => r.api === api);
    if (rows.length === 0) continue;
    lines.push(`## ${api === 'livevox' ? 'LiveVox Session API' : 'OneAll LoudVoice API'}: ${rows.length} rules`, '');
    lines.push('| rule | result | grade | what it says | source |', '|---|---|---|---|---|');
    for (const r of rows) {
      const result = r.status === 'skip' && r.notes.length > 0 ? `skip: ${r.notes.join('; ')}` : ICON[r.status];
      lines.push(`| ${r.id} | ${esc(result)} | ${r.grade} | ${esc(r.rule)} | ${esc(r.source)} |`);
    }
    lines.push('');
  }
  return redact(lines.join('\n'), secrets);
}
