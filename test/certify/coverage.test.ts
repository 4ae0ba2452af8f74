// Rule coverage in numbers: per grade, rules checked, skipped (with the reasons), not covered; per operation of each
// contract, rules checked of how many. A pure function of the graded rules, shown by the certificate.
import { describe, expect, it } from 'vitest';
import { markdownReport } from '../../src/certify/certificate.js';
import { rulesOfTitle } from '../../src/certify/check-tally.js';
import { contractOperations, ruleCoverage, type ContractOperation } from '../../src/certify/coverage.js';
import { gradeRules, summarise, type RuleVerdict, type RunResult, type TestOutcome } from '../../src/certify/grade-rules.js';

const rule = (id: string, grade: RuleVerdict['grade'], status: RuleVerdict['status'], operation: string | null, notes: string[] = []): RuleVerdict => ({
  id,
  api: 'livevox',
  rule: id,
  operation,
  grade,
  decides: grade === 'documented',
  source: 'x',
  citations: [],
  status,
  passedChecks: status === 'pass' ? 1 : 0,
  failedChecks: status === 'fail' ? 1 : 0,
  failures: [],
  notes,
  tests: [],
});

const ops: ContractOperation[] = [
  { api: 'livevox', method: 'POST', path: '/session/login', operationId: 'login' },
  { api: 'livevox', method: 'GET', path: '/session/details', operationId: 'sessionDetails' },
  { api: 'livevox', method: 'POST', path: '/session/password', operationId: 'changePassword' },
];

describe('ruleCoverage', () => {
  const rules = [
    rule('A', 'documented', 'pass', 'POST /session/login'),
    rule('B', 'documented', 'fail', 'POST /session/login'),
    rule('C', 'documented', 'skip', 'GET /session/details', ['no clock control']),
    rule('D', 'documented', 'skip', null, ['no clock control']),
    rule('E', 'observed', 'not covered', 'GET /session/details'),
    rule('F', 'assumed', 'not reached', null),
    rule('G', 'assumed', 'not observable', null),
    rule('H', 'assumed', 'skip', 'POST /session/login', ['no test identity provider']),
  ];
  const coverage = ruleCoverage(rules, ops);

  it('counts each grade: checked, skipped with grouped reasons, not covered, not reached, not observable', () => {
    expect(coverage.byGrade).toEqual([
      { grade: 'documented', total: 4, checked: 2, skipped: 2, skippedReasons: [{ reason: 'no clock control', rules: ['C', 'D'] }], notCovered: 0, notReached: 0, notObservable: 0 },
      { grade: 'observed', total: 1, checked: 0, skipped: 0, skippedReasons: [], notCovered: 1, notReached: 0, notObservable: 0 },
      { grade: 'assumed', total: 3, checked: 0, skipped: 1, skippedReasons: [{ reason: 'no test identity provider', rules: ['H'] }], notCovered: 0, notReached: 1, notObservable: 1 },
    ]);
  });

  it('counts per operation, with the rules of every operation apart and operations without rules as 0 of 0', () => {
    expect(coverage.byOperation.map((o) => [o.operationId, o.checked, o.total])).toEqual([
      ['*', 0, 3],
      ['login', 2, 3],
      ['sessionDetails', 0, 2],
      ['changePassword', 0, 0],
    ]);
  });

  it("accounts for every rule of both real contracts: each rule's operation is one the contract lists", () => {
    const graded = gradeRules(['livevox', 'loudvoice'], []);
    const real = ruleCoverage(graded, contractOperations(['livevox', 'loudvoice']));
    expect(real.byOperation.reduce((n, o) => n + o.total, 0)).toBe(graded.length);
    expect(real.byGrade.reduce((n, g) => n + g.total, 0)).toBe(graded.length);
  });

  it('is in the certificate', () => {
    const tests: TestOutcome[] = [{ file: 'x', name: '[LVX-LOGIN-SUCCESS] t', rules: rulesOfTitle('[LVX-LOGIN-SUCCESS] t'), state: 'passed', errors: [], checks: { 'LVX-LOGIN-SUCCESS': { passed: 1, failed: 0, failures: [] } }, durationMs: 1 }];
    const graded = gradeRules(['livevox'], tests);
    const result = {
      tool: { name: 'session-kit', version: '0' },
      target: { name: 't', baseUrl: 'http://x', capabilities: { clock: true, reset: true, idp: true, sessionDetails: true, ssoLogin: true, callCenters: true }, absent: {}, apis: ['livevox'] },
      startedAt: '',
      durationMs: 0,
      seed: 1,
      runs: 1,
      node: '20',
      replay: '',
      runErrors: [],
      kitErrors: [],
      rules: graded,
      coverage: ruleCoverage(graded, contractOperations(['livevox'])),
      tests,
      summary: summarise(graded, tests, []),
    } satisfies RunResult;
    const md = markdownReport(result, []);
    expect(md).toContain('## Rule coverage');
    const checkedGrade = result.coverage.byGrade.find((g) => g.checked === 1)!;
    expect(md).toContain(`| ${checkedGrade.grade} | ${checkedGrade.total} | 1 | 0 | ${checkedGrade.notCovered} |`);
    const login = result.coverage.byOperation.find((o) => o.operationId === 'login')!;
    expect(md).toContain(`| livevox | \`login\` (POST /session/login) | 1 of ${login.total} |`);
  });
});
