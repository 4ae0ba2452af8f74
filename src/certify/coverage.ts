// Rule coverage in numbers (issue 19, part 5): how much of each contract a run actually looked at, per grade and per
// operation, so "CONFORMS" can be read against what was and was not checked. A pure function of the graded rules.
import { operations as livevoxOperations } from '../generated/livevox-session-catalogue.js';
import { operations as loudvoiceOperations } from '../generated/loudvoice-catalogue.js';

/** An operation of a contract, as the catalogues list them. */
export interface ContractOperation {
  api: 'livevox' | 'loudvoice';
  method: string;
  path: string;
  operationId: string;
}

/** How the rules of one grade fared. */
export interface GradeCoverage {
  grade: GradedRule['grade'];
  total: number;
  /** Passed or failed: a check of the rule ran. */
  checked: number;
  skipped: number;
  /** Why the skipped ones were skipped, grouped (the test's skip note). */
  skippedReasons: { reason: string; rules: string[] }[];
  /** No test checks it (or, with --rule, none was selected). */
  notCovered: number;
  /** A test names it but stopped at an earlier failure first. */
  notReached: number;
  /** Configuration that no HTTP exchange can show. */
  notObservable: number;
}

/** How many of one operation's rules were checked. */
export interface OperationCoverage {
  api: 'livevox' | 'loudvoice';
  /** The contract's operationId; `*` gathers the rules that hold for every operation of the API. */
  operationId: string;
  method: string;
  path: string;
  checked: number;
  total: number;
}

/** Rule coverage of a run: per grade, and per operation of each contract. */
export interface Coverage {
  byGrade: GradeCoverage[];
  byOperation: OperationCoverage[];
}

/**
 * What coverage reads of a graded rule (grade-rules.ts's RuleVerdict has these and more): declared here so that
 * grade-rules, whose RunResult carries a Coverage, and this file do not import each other.
 */
export interface GradedRule {
  id: string;
  api: 'livevox' | 'loudvoice';
  operation: string | null;
  grade: 'documented' | 'observed' | 'assumed';
  status: 'pass' | 'fail' | 'skip' | 'not reached' | 'not covered' | 'not observable';
  notes: string[];
}

const GRADES: readonly GradedRule['grade'][] = ['documented', 'observed', 'assumed'];

/** Every operation of the selected contracts, in the contracts' order. */
export function contractOperations(apis: readonly ('livevox' | 'loudvoice')[]): ContractOperation[] {
  return [
    ...(apis.includes('livevox') ? livevoxOperations.map((o) => ({ api: 'livevox' as const, method: o.method, path: o.path, operationId: o.operationId })) : []),
    ...(apis.includes('loudvoice') ? loudvoiceOperations.map((o) => ({ api: 'loudvoice' as const, method: o.method, path: o.path, operationId: o.operationId })) : []),
  ];
}

const isChecked = (r: GradedRule) => r.status === 'pass' || r.status === 'fail';

/**
 * Counts, per grade, the rules checked, skipped (with reasons), not covered, not reached and not observable; and per
 * operation (a rule's `operation` is "METHOD path") how many of its rules were checked. Every operation is listed,
 * those without rules too (0 of 0), so a contract's blind spots show.
 */
export function ruleCoverage(rules: readonly GradedRule[], operations: readonly ContractOperation[]): Coverage {
  const byGrade = GRADES.map((grade): GradeCoverage => {
    const of = rules.filter((r) => r.grade === grade);
    const reasons = new Map<string, string[]>();
    for (const r of of.filter((x) => x.status === 'skip')) {
      const reason = r.notes[0] ?? 'skipped';
      reasons.set(reason, [...(reasons.get(reason) ?? []), r.id]);
    }
    return {
      grade,
      total: of.length,
      checked: of.filter(isChecked).length,
      skipped: of.filter((r) => r.status === 'skip').length,
      skippedReasons: [...reasons].map(([reason, ids]) => ({ reason, rules: ids })),
      notCovered: of.filter((r) => r.status === 'not covered').length,
      notReached: of.filter((r) => r.status === 'not reached').length,
      notObservable: of.filter((r) => r.status === 'not observable').length,
    };
  });
  const apis = [...new Set(operations.map((o) => o.api))];
  const byOperation: OperationCoverage[] = [];
  for (const api of apis) {
    const ofApi = rules.filter((r) => r.api === api);
    const general = ofApi.filter((r) => r.operation === null);
    byOperation.push({ api, operationId: '*', method: '*', path: '(every operation)', checked: general.filter(isChecked).length, total: general.length });
    for (const o of operations.filter((x) => x.api === api)) {
      const own = ofApi.filter((r) => r.operation === `${o.method} ${o.path}`);
      byOperation.push({ api, operationId: o.operationId, method: o.method, path: o.path, checked: own.filter(isChecked).length, total: own.length });
    }
  }
  return { byGrade, byOperation };
}

/** The coverage as Markdown: one table per grade, one per contract's operations. */
export function coverageMarkdown(coverage: Coverage): string[] {
  const esc = (s: string) => s.replaceAll('|', '\\|').replaceAll('\n', ' ');
  const lines = ['## Rule coverage', '', '| grade | rules | checked | skipped | not covered | not reached | not observable |', '|---|---|---|---|---|---|---|'];
  for (const g of coverage.byGrade) lines.push(`| ${g.grade} | ${g.total} | ${g.checked} | ${g.skipped} | ${g.notCovered} | ${g.notReached} | ${g.notObservable} |`);
  lines.push('');
  const reasons = coverage.byGrade.flatMap((g) => g.skippedReasons.map((s) => `- ${g.grade}: ${s.rules.length} skipped, ${esc(s.reason)} (${s.rules.join(', ')})`));
  if (reasons.length > 0) lines.push('Skipped, with the reasons:', '', ...reasons, '');
  lines.push('| API | operation | rules checked |', '|---|---|---|');
  for (const o of coverage.byOperation) lines.push(`| ${o.api} | ${o.operationId === '*' ? 'every operation' : `\`${o.operationId}\` (${o.method} ${esc(o.path)})`} | ${o.checked} of ${o.total} |`);
  lines.push('');
  return lines;
}
