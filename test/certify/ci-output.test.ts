// What a run shows inside GitHub Actions (src/certify/ci-output.ts): one ::error annotation per failing deciding rule
// (none for a rule that only differs from session-kit's choices), escaped as GitHub's workflow commands require; the
// step summary in Markdown with the headline, the counts, the failing deciding rules and the skipped reasons; secrets
// redacted; and nothing at all outside GitHub Actions.
import { describe, expect, it } from 'vitest';
import { escapeData, escapeProperty, githubAnnotations, githubStepSummary, writeCiOutput } from '../../src/certify/ci-output.js';
import { gradedResult, outcome, tally } from '../helpers/graded-result.js';

const SECRET = 'Demo-Pass-1';
const property = ['Property failed after 1 run(s) and 1 shrink(s) (seed 1, path "0:0").', 'Counterexample: [[7201000]]', 'Why: after a gap of 7201000 ms: expected 200 to be 401 | 100%', `> {"password":"${SECRET}"}`].join('\n');
const result = gradedResult([
  outcome('[LVX-EXPIRY-2H, LVX-ERROR-CODES] two hours of inactivity end the session', 'failed', {
    'LVX-EXPIRY-2H': tally(2, 1, [property]),
    'LVX-ERROR-CODES': tally(0, 1, ['code 10005 expected, got 1005']),
  }),
  outcome('[LVX-SSO-ACCESS] SSO login', 'skipped', {}, { note: 'no test identity provider' }),
  outcome('[LVX-LOGOUT-ENDS] logout ends the session', 'failed', {}, { errors: ['TypeError: boom'] }),
]);

describe('GitHub workflow-command escaping', () => {
  it("escapes %, CR and LF in a message, and also ':' and ',' in a property, as GitHub's toolkit does", () => {
    expect(escapeData('100% done\r\nnext: a, b')).toBe('100%25 done%0D%0Anext: a, b');
    expect(escapeProperty('a:b,c%\n')).toBe('a%3Ab%2Cc%25%0A');
  });
});

describe('githubAnnotations', () => {
  const lines = githubAnnotations(result, [SECRET]);

  it('prints one ::error per failing deciding rule, titled with its id, the gist first; none for a non-deciding difference', () => {
    const rules = lines.filter((l) => l.startsWith('::error title=LVX-'));
    expect(rules).toHaveLength(1);
    expect(rules[0]).toMatch(/^::error title=LVX-EXPIRY-2H::after a gap of 7201000 ms: expected 200 to be 401 \| 100%25%0AA session expires after 2 hours/);
    expect(lines.join('\n')).not.toContain('LVX-ERROR-CODES');
    // Each annotation is one line: a raw newline would end the command and print the rest as plain log.
    for (const line of lines) expect(line).not.toMatch(/[\r\n]/);
  });

  it('under --strict also annotates a failing non-deciding rule (it fails the run then), saying so', () => {
    const strict = githubAnnotations(result, [SECRET], { strict: true }).filter((l) => l.startsWith('::error title=LVX-'));
    expect(strict.map((l) => l.slice(0, l.indexOf('::', 2)))).toEqual(['::error title=LVX-EXPIRY-2H', '::error title=LVX-ERROR-CODES']);
    expect(strict[1]).toContain('not deciding, failing under --strict');
  });

  it("annotates the kit's own errors too (they make the run INCONCLUSIVE and the build red), and redacts secrets", () => {
    expect(lines.some((l) => l.startsWith('::error title=session-kit kit error::') && l.includes('TypeError: boom'))).toBe(true);
    expect(lines.join('\n')).not.toContain(SECRET);
    expect(lines.join('\n')).toContain('«redacted…-1»');
  });
});

describe('githubStepSummary', () => {
  const summary = githubStepSummary(result, [SECRET]);

  it('shows the headline, the counts, the failing deciding rules with what went wrong, the skipped reasons and the kit errors', () => {
    expect(summary).toContain(`**${result.summary.headline}**`);
    expect(result.summary.verdict).toBe('DOES NOT CONFORM');
    const d = result.summary.deciding;
    expect(summary).toContain(`| ${d.total} | ${d.checked} | ${d.passed} | ${d.failed} | ${d.skipped} | ${d.notReached + d.notCovered} | 1 | 1 |`);
    expect(summary).toMatch(/\| LVX-EXPIRY-2H \| documented \| 1 \| A session expires [^|]*\| after a gap of 7201000 ms: expected 200 to be 401 \\\| 100% \|/);
    expect(summary).not.toMatch(/\| LVX-ERROR-CODES \|/);
    expect(summary).toMatch(/### Deciding rules skipped\n\n- no test identity provider: LVX-SSO-ACCESS\n/);
    expect(summary).toContain('- 1x TypeError: boom');
    expect(summary).not.toContain(SECRET);
  });
});

describe('writeCiOutput', () => {
  const sinks = () => {
    const printed: string[] = [];
    const appended: [string, string][] = [];
    return { printed, appended, sinks: { print: (l: string) => printed.push(l), append: (f: string, t: string) => appended.push([f, t]) } };
  };

  it('does nothing outside GitHub Actions, even with GITHUB_STEP_SUMMARY set', () => {
    const s = sinks();
    writeCiOutput(result, [], { GITHUB_STEP_SUMMARY: '/tmp/x.md' }, s.sinks);
    writeCiOutput(result, [], { GITHUB_ACTIONS: 'false', GITHUB_STEP_SUMMARY: '/tmp/x.md' }, s.sinks);
    expect(s.printed).toEqual([]);
    expect(s.appended).toEqual([]);
  });

  it('in GitHub Actions prints the annotations and appends the summary to $GITHUB_STEP_SUMMARY (annotations only when it is unset)', () => {
    const s = sinks();
    writeCiOutput(result, [SECRET], { GITHUB_ACTIONS: 'true', GITHUB_STEP_SUMMARY: '/tmp/summary.md' }, s.sinks);
    expect(s.printed).toEqual(githubAnnotations(result, [SECRET]));
    expect(s.appended).toEqual([['/tmp/summary.md', githubStepSummary(result, [SECRET])]]);
    const t = sinks();
    writeCiOutput(result, [], { GITHUB_ACTIONS: 'true' }, t.sinks);
    expect(t.printed.length).toBeGreaterThan(0);
    expect(t.appended).toEqual([]);
  });
});
