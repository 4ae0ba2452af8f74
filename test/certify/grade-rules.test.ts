// The kit's bookkeeping: targets resolve secrets from the environment, reports redact them, rules are graded from
// the checks pinned to them, only deciding rules decide, and the kit's own errors make a run inconclusive.
import { describe, expect, it } from 'vitest';
import { markdownReport } from '../../src/certify/certificate.js';
import { rulesOfTitle, type RuleTally } from '../../src/certify/check-tally.js';
import { readTargetFile, redact, resolveTarget, TargetError } from '../../src/certify/target.js';
import { gradeRules, kitErrorsOf, summarise, type RunResult, type TestOutcome } from '../../src/certify/grade-rules.js';

const tally = (passed: number, failed = 0, failures: string[] = []): RuleTally => ({ passed, failed, failures });

const outcome = (name: string, state: TestOutcome['state'], checks: TestOutcome['checks'] = {}, errors: string[] = []): TestOutcome => ({
  file: 'conformance/x.test.ts',
  name,
  rules: rulesOfTitle(name),
  state,
  errors,
  checks,
  durationMs: 1,
});

const byId = (tests: TestOutcome[]) => Object.fromEntries(gradeRules(['livevox', 'loudvoice'], tests).map((r) => [r.id, r]));

describe('targets', () => {
  it('takes a URL as the reference with its public fixtures, its capabilities left to the probe', () => {
    const target = resolveTarget(readTargetFile('http://127.0.0.1:4010/'), {});
    expect(target.baseUrl).toBe('http://127.0.0.1:4010');
    expect(target.stated).toEqual({});
    expect(target.livevox?.primary.apiTokens).toHaveLength(2);
  });

  it('reads credentials from environment variables and names a missing one', () => {
    const file = readTargetFile('conformance/targets/example-vendor.json');
    expect(() => resolveTarget(file, {})).toThrow(TargetError);
    expect(() => resolveTarget(file, {})).toThrow(/LV_TOKEN_1/);
    const env = {
      LV_TOKEN_1: 'tok-one-1234',
      LV_TOKEN_2: 'tok-two-5678',
      LV_USER_PASSWORD: 'pw-user',
      LV_AGENT_PASSWORD: 'pw-agent',
      LV_OTHER_TOKEN: 'tok-other-9',
      LV_OTHER_PASSWORD: 'pw-other',
      LV_PASSWORD_USER_PASSWORD: 'pw-password-user',
      LOUDVOICE_PUBLIC_KEY: 'pub-key-1',
      LOUDVOICE_PRIVATE_KEY: 'priv-key-1',
    };
    const target = resolveTarget(file, env);
    expect(target.livevox?.primary.apiTokens).toEqual(['tok-one-1234', 'tok-two-5678']);
    expect(target.loudvoice?.identityToken).toBeUndefined();
    expect(target.secrets).toEqual(expect.arrayContaining(['tok-one-1234', 'pw-agent', 'priv-key-1']));
    expect(target.stated).toEqual({ clock: false, reset: false, idp: false, ssoLogin: false, callCenters: true });
    // No SESSION_KIT_ADMIN_TOKEN: an optional secret, left out rather than an error.
    expect(target.adminToken).toBeUndefined();
    // LoudVoice has a host of its own; LiveVox uses the top-level baseUrl.
    expect(target.baseUrls).toEqual({ livevox: 'https://staging.example.com', loudvoice: 'https://loudvoice.staging.example.com' });
  });

  it('redacts every secret, longest first', () => {
    expect(redact('token abcdef and abcdefgh', ['abcdef', 'abcdefgh'])).toBe('token «redacted…ef» and «redacted…gh»');
  });
});

describe('rule verdicts from pinned checks', () => {
  it('reads rule ids from test titles', () => {
    expect(rulesOfTitle('[LVX-A, LVX-B-C] does things')).toEqual(['LVX-A', 'LVX-B-C']);
    expect(rulesOfTitle('no rules here')).toEqual([]);
  });

  it('fails a rule only through its own failed checks; the other rules a test names keep their own results', () => {
    const tests = [
      outcome('[LVX-EXPIRY-2H, LVX-ERROR-CODES] expiry', 'passed', { 'LVX-EXPIRY-2H': tally(3), 'LVX-ERROR-CODES': tally(1, 2, ['code 1001 is not 10001']) }),
      outcome('[LVX-LOGIN-ACCESS-MISSING] login', 'failed', { 'LVX-LOGIN-ACCESS-MISSING': tally(0, 1, ['expected 200 to be 401']) }, ['[violates LVX-LOGIN-ACCESS-MISSING] expected 200 to be 401']),
      outcome('[LVX-VALIDATE-NO-REFRESH] validate', 'skipped'),
    ];
    tests[2]!.note = 'no clock control';
    const rules = byId(tests);
    expect(rules['LVX-EXPIRY-2H']).toMatchObject({ status: 'pass', passedChecks: 3 });
    expect(rules['LVX-ERROR-CODES']).toMatchObject({ status: 'fail', decides: false, failedChecks: 2 });
    expect(rules['LVX-LOGIN-ACCESS-MISSING']).toMatchObject({ status: 'fail', decides: true });
    expect(rules['LVX-VALIDATE-NO-REFRESH']).toMatchObject({ status: 'skip', notes: ['no clock control'] });
    expect(rules['LVX-HEADER-CASE']!.status).toBe('not covered');
    const summary = summarise(Object.values(rules), tests, []);
    expect(summary).toMatchObject({ verdict: 'DOES NOT CONFORM', documentedFailures: 1, otherFailures: 1 });
    expect(summary.headline).toMatch(/^DOES NOT CONFORM: 1 deciding rule\(s\) fail/);
  });

  it('conforms when only observed or assumed rules differ, and says how many deciding rules it checked', () => {
    const tests = [outcome('[LVX-EXPIRY-2H, LVX-ERROR-CODES] expiry', 'passed', { 'LVX-EXPIRY-2H': tally(1), 'LVX-ERROR-CODES': tally(0, 4, ['x']) })];
    const summary = summarise(gradeRules(['livevox'], tests), tests, []);
    expect(summary.verdict).toBe('CONFORMS');
    expect(summary.deciding.checked).toBe(1);
    expect(summary.headline).toMatch(/^CONFORMS: 1 of \d+ deciding rules .* checked, all hold/);
    expect(summary.headline).toContain('1 observed/assumed rule(s) differ');
  });

  it('lets observed rules marked decides: true decide, and no other observed rule', () => {
    const tests = [
      outcome('[LVX-SAME-TOKEN-SAME-SESSION, LVX-LOGIN-IDS] login', 'failed', { 'LVX-SAME-TOKEN-SAME-SESSION': tally(0, 1, ['a new id']), 'LVX-LOGIN-IDS': tally(0, 1, ['no clientId']) }, ['[violates LVX-SAME-TOKEN-SAME-SESSION] a new id']),
    ];
    const rules = byId(tests);
    expect(rules['LVX-SAME-TOKEN-SAME-SESSION']).toMatchObject({ grade: 'observed', decides: true, status: 'fail' });
    expect(rules['LVX-LOGIN-IDS']).toMatchObject({ grade: 'observed', decides: false, status: 'fail' });
    expect(summarise(Object.values(rules), tests, []).verdict).toBe('DOES NOT CONFORM');
  });

  it('treats an error pinned to no rule as the kit\'s own: the run is inconclusive, never a failure of the target', () => {
    const tests = [
      outcome('[LVX-EXPIRY-2H] expiry', 'passed', { 'LVX-EXPIRY-2H': tally(1) }),
      outcome('[LVX-LOGOUT-ENDS] logout', 'failed', {}, ["TypeError: Cannot read properties of undefined (reading 'sessionId')"]),
      outcome('[LVX-LOGOUT-DEAD-404] logout', 'failed', {}, ["TypeError: Cannot read properties of undefined (reading 'sessionId')"]),
      outcome('[LDV-AUTHOR-READ] read', 'failed', {}, ['[not reached] the create of a author answered 500 without result.data.author.author_token']),
    ];
    const rules = byId(tests);
    expect(rules['LVX-LOGOUT-ENDS']!.status).toBe('not reached');
    const kitErrors = kitErrorsOf(tests);
    expect(kitErrors).toEqual([expect.objectContaining({ count: 2, tests: ['[LVX-LOGOUT-ENDS] logout', '[LVX-LOGOUT-DEAD-404] logout'] })]);
    const summary = summarise(Object.values(rules), tests, []);
    expect(summary.verdict).toBe('INCONCLUSIVE');
    expect(summary.headline).toMatch(/^INCONCLUSIVE: 2 error\(s\) of the kit itself/);
  });

  it('counts a target that stopped answering once, however many tests it broke', () => {
    const tests = ['/session/login', '/session/details', '/loudvoice/authors.json'].map((path, i) =>
      outcome(`[LVX-LOGIN-SUCCESS] t${i}`, 'failed', {}, [`the target stopped answering (ECONNREFUSED)\nPOST http://127.0.0.1:9${path} failed`]),
    );
    expect(kitErrorsOf(tests)).toEqual([expect.objectContaining({ count: 3, message: expect.stringMatching(/^the target stopped answering \(ECONNREFUSED\)/) })]);
  });

  it('cannot conform while a deciding rule was not reached because a test stopped before it', () => {
    const tests = [
      outcome('[LVX-LOGIN-ACCESS-MISSING] login', 'passed', { 'LVX-LOGIN-ACCESS-MISSING': tally(1) }),
      outcome('[LDV-AUTHOR-READ] read', 'failed', {}, ['[not reached] the create of a author answered 500 without result.data.author.author_token']),
    ];
    const summary = summarise(gradeRules(['livevox', 'loudvoice'], tests), tests, []);
    expect(summary.verdict).toBe('INCONCLUSIVE');
    expect(summary.headline).toContain('1 deciding rule(s) not reached');
  });

  it('cannot conform without a single deciding rule checked', () => {
    const tests = [outcome('[LVX-ERROR-CODES] codes', 'passed', { 'LVX-ERROR-CODES': tally(5) })];
    const summary = summarise(gradeRules(['livevox'], tests), tests, []);
    expect(summary.verdict).toBe('INCONCLUSIVE');
    expect(summary.headline).toContain('no deciding rule was checked');
  });

  it('counts skipped deciding rules by reason in the headline', () => {
    const tests = [
      outcome('[LVX-LOGIN-ACCESS-MISSING] login', 'passed', { 'LVX-LOGIN-ACCESS-MISSING': tally(1) }),
      { ...outcome('[LVX-EXPIRY-2H, LVX-ACTIVITY-REFRESHES] expiry', 'skipped'), note: 'no clock control' },
    ];
    const summary = summarise(gradeRules(['livevox'], tests), tests, []);
    expect(summary.skippedReasons).toEqual([{ reason: 'no clock control', rules: ['LVX-EXPIRY-2H', 'LVX-ACTIVITY-REFRESHES'] }]);
    expect(summary.headline).toContain('2 skipped: 2 no clock control');
  });

  it('writes a certificate: verdict and counts first, failed and skipped deciding rules next, readable citations, no secrets', () => {
    const tests = [
      outcome('[LVX-EXPIRY-2H] expiry', 'failed', { 'LVX-EXPIRY-2H': tally(0, 1, ['alive after 2 h 5 min with Demo-Pass-1']) }, ['[violates LVX-EXPIRY-2H] x']),
    ];
    const rules = gradeRules(['livevox'], tests);
    const result: RunResult = {
      tool: { name: 'session-kit', version: '0.0.0' },
      target: { name: 'ACME staging', baseUrl: 'http://x', capabilities: { clock: true, reset: true, idp: false, sessionDetails: false, ssoLogin: false, callCenters: true }, absent: { idp: 'no test identity provider' }, apis: ['livevox'] },
      startedAt: '2026-01-01T00:00:00.000Z',
      durationMs: 1000,
      seed: 1,
      runs: 2,
      node: '20',
      replay: 'npx session-kit conformance --target http://x --seed 1',
      runErrors: [],
      kitErrors: [],
      rules,
      tests,
      summary: summarise(rules, tests, []),
    };
    const md = markdownReport(result, ['Demo-Pass-1']);
    const lines = md.split('\n');
    expect(lines[0]).toBe('# Conformance certificate: ACME staging');
    expect(lines[2]).toMatch(/^\*\*DOES NOT CONFORM: 1 deciding rule/);
    expect(md.indexOf('## Deciding rules that failed or were not checked')).toBeLessThan(md.indexOf('## LiveVox Session API: every rule'));
    expect(md).toMatch(/\| LVX-EXPIRY-2H \| \*\*FAIL\*\* \(1 check\) \| documented \|/);
    expect(md).toContain('https://docs.livevox.com/dp/ra/latest/session-api-76802583.html');
    expect(md).toContain('idp: no (no test identity provider)');
    expect(md).not.toContain('Demo-Pass-1');
    expect(md.match(/^\| LVX-[A-Z0-9-]+ \|/gm)!.length).toBeGreaterThanOrEqual(rules.length);
  });
});
