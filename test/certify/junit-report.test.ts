// The JUnit file a CI server reads (src/certify/junit-report.ts), from a graded result built the way the runner builds
// one: one testcase per rule; a failing deciding rule is a <failure>, a failing non-deciding one is not (CI stays
// green for it); skipped and unchecked rules are <skipped> with the reason; the kit's own errors and an unexplained
// INCONCLUSIVE are <error>s; totals add up; every character is escaped or made visible; secrets are redacted; and
// Debian's xmllint validates the file against the common junit-10.xsd.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { junitReport } from '../../src/certify/junit-report.js';
import { gradedResult as resultOf, outcome, tally } from '../helpers/graded-result.js';
import { skipWithoutXmllint, validateJUnit, xpath } from '../helpers/junit-xml.js';

const SECRET = 'tok&<secret>-1234';

const failing = [
  // A deciding (documented) rule fails; its message carries markup, a control character, a lone surrogate and the secret.
  outcome('[LVX-LOGIN-ACCESS-MISSING, LVX-ERROR-CODES] login without LV-Access', 'failed', {
    'LVX-LOGIN-ACCESS-MISSING': tally(1, 2, [`expected 401 <got 200> & "quotes" \u001b[1m bell\u0007 half\ud800 with LV-Access: ${SECRET}\nPOST /session/login -> 200`]),
    // A non-deciding (assumed) rule differs: reported, never a failure.
    'LVX-ERROR-CODES': tally(0, 1, ['code 10001 expected, got 1001']),
  }),
  outcome('[LVX-EXPIRY-2H] two hours of inactivity end the session', 'skipped', {}, { note: 'no clock control (the target has no /__admin/clock)' }),
  // A test that broke outside any check: the kit's own error.
  outcome('[LVX-LOGOUT-ENDS] logout ends the session', 'failed', {}, { errors: ['TypeError: cannot read properties of undefined'] }),
];

function write(xml: string): string {
  const file = join(mkdtempSync(join(tmpdir(), 'junit-')), 'junit.xml');
  writeFileSync(file, xml);
  return file;
}

describe('junitReport', () => {
  const result = resultOf(failing);
  const xml = junitReport(result, [SECRET]);

  it('writes one testcase per rule of the selected contracts, plus the verdict and each kit error', () => {
    const cases = [...xml.matchAll(/<testcase /g)].length;
    // verdict + one kit error + every LiveVox rule
    expect(cases).toBe(result.rules.length + 2);
    expect(xml).toContain('classname="livevox.POST /session/login" name="LVX-LOGIN-ACCESS-MISSING: ');
    expect(xml).toContain('<testsuite name="LiveVox Session API"');
  });

  it('makes a failing deciding rule a <failure> with its messages, and a failing non-deciding rule a passing testcase that says how it differs', () => {
    const login = /<testcase [^>]*name="LVX-LOGIN-ACCESS-MISSING[^"]*"[^>]*>([\s\S]*?)<\/testcase>/.exec(xml)![1]!;
    expect(login).toMatch(/<failure message="2 failed check\(s\): expected 401 &lt;got 200&gt; &amp; &quot;quotes&quot;/);
    expect(login).toContain('POST /session/login -&gt; 200');
    const codes = /<testcase [^>]*name="LVX-ERROR-CODES[^"]*"[^>]*>([\s\S]*?)<\/testcase>/.exec(xml)![1]!;
    expect(codes).not.toContain('<failure');
    expect(codes).not.toContain('<skipped');
    expect(codes).toMatch(/<system-out>DIFFERS from session-kit's choice \(assumed, not deciding: reported, does not decide the verdict\)/);
    expect(codes).toContain('code 10001 expected, got 1001');
  });

  it('under --strict (any failing rule exits 1) makes a failing non-deciding rule a <failure> too, and says strict', () => {
    const strict = junitReport(result, [SECRET], { strict: true });
    const codes = /<testcase [^>]*name="LVX-ERROR-CODES[^"]*"[^>]*>([\s\S]*?)<\/testcase>/.exec(strict)![1]!;
    expect(codes).toContain('<failure message="1 failed check(s): code 10001 expected, got 1001" type="assumed, not deciding (fails the run under --strict)">');
    expect(strict).toContain('<property name="strict" value="true"/>');
    expect(xml).toContain('<property name="strict" value="false"/>');
    // The suites count the extra failure, so a CI page's totals match the exit code.
    expect(/<testsuites [^>]*failures="(\d+)"/.exec(strict)![1]).toBe(String(Number(/<testsuites [^>]*failures="(\d+)"/.exec(xml)![1]) + 1));
  });

  it('makes skipped, not reached, not covered and not observable rules <skipped> with the reason', () => {
    expect(xml).toMatch(/name="LVX-EXPIRY-2H: [^"]*"[^>]*>\s*<skipped message="skip: no clock control \(the target has no \/__admin\/clock\)"\/>/);
    expect(xml).toMatch(/name="LVX-LOGOUT-ENDS: [^"]*"[^>]*>\s*<skipped message="not reached: /);
    expect(xml).toMatch(/name="LVX-TOKENS-MAX-5: [^"]*"[^>]*>\s*<skipped message="not observable: not observable over HTTP/);
    expect(xml).toMatch(/<skipped message="not covered: no conformance test checks it"\/>/);
  });

  it('makes each kit error an <error>, so CI turns red on an INCONCLUSIVE run too', () => {
    expect(xml).toMatch(/<testcase classname="session-kit.run" name="kit error: TypeError: cannot read properties of undefined"[^>]*>\s*<error message="TypeError: cannot read properties of undefined" type="KitError">/);
    // A deciding failure makes this run DOES NOT CONFORM: the kit reached a verdict, its kit error is still an <error>.
    expect(result.summary.verdict).toBe('DOES NOT CONFORM');
    expect(xml).toMatch(/name="the kit reached a verdict"[^>]*>\s*<system-out>DOES NOT CONFORM: /);
    // Only a kit error: INCONCLUSIVE, and both the kit error and the verdict are <error>s.
    const kitOnly = junitReport(resultOf([failing[2]!, outcome('[LVX-LOGIN-ACCESS-MISSING] login', 'passed', { 'LVX-LOGIN-ACCESS-MISSING': tally(3) })]), []);
    expect(kitOnly).toMatch(/name="the kit reached a verdict"[^>]*>\s*<error message="INCONCLUSIVE: 1 error\(s\) of the kit itself/);
    expect([...kitOnly.matchAll(/<error /g)]).toHaveLength(2);
    // Without a kit error, an INCONCLUSIVE run (nothing deciding checked) is still an <error>.
    const nothing = junitReport(resultOf([outcome('[LVX-EXPIRY-2H] expiry', 'skipped', {}, { note: 'no clock control' })]), []);
    expect(nothing).toMatch(/name="the kit reached a verdict"[^>]*>\s*<error message="INCONCLUSIVE: no deciding rule was checked/);
    // A conforming run has no <error> and no <failure>.
    const fine = junitReport(resultOf([outcome('[LVX-LOGIN-ACCESS-MISSING] login', 'passed', { 'LVX-LOGIN-ACCESS-MISSING': tally(3) })]), []);
    expect(fine).not.toMatch(/<error|<failure/);
    expect(fine).toMatch(/errors="0"/);
  });

  it('counts tests, failures, errors and skipped per suite and in total, and spreads each test time over its rules', () => {
    const suites = [...xml.matchAll(/<testsuite name="([^"]+)" tests="(\d+)" failures="(\d+)" errors="(\d+)" skipped="(\d+)" time="([\d.]+)"/g)];
    expect(suites.map((s) => s[1])).toEqual(['session-kit', 'LiveVox Session API']);
    for (const [, name, tests, failures, errors, skipped] of suites) {
      const body = xml.slice(xml.indexOf(`<testsuite name="${name}"`), xml.indexOf('</testsuite>', xml.indexOf(`<testsuite name="${name}"`)));
      expect(Number(tests), name).toBe([...body.matchAll(/<testcase /g)].length);
      expect(Number(failures), name).toBe([...body.matchAll(/<failure /g)].length);
      expect(Number(errors), name).toBe([...body.matchAll(/<error /g)].length);
      expect(Number(skipped), name).toBe([...body.matchAll(/<skipped /g)].length);
    }
    const livevox = suites[1]!;
    expect(livevox[3]).toBe('1');
    expect(livevox[4]).toBe('0');
    // Three tests of 300 ms each, every one naming at least one LiveVox rule.
    expect(livevox[6]).toBe('0.900');
    expect(xml).toMatch(/<testsuites name="session-kit conformance" tests="(\d+)" failures="1" errors="1" time="4.321">/);
    expect(Number(/<testsuites [^>]*tests="(\d+)"/.exec(xml)![1])).toBe(result.rules.length + 2);
  });

  it('escapes markup, makes control characters and lone surrogates visible, and redacts secrets', () => {
    expect(xml).not.toContain(SECRET);
    expect(xml).not.toContain('secret&gt;');
    expect(xml).toContain('«redacted…34»');
    expect(xml).toContain('\\u001b[1m bell\\u0007 half\\ud800');
    // eslint-disable-next-line no-control-regex
    expect(xml).not.toMatch(/[\u0000-\u0008\u000B\u000C\u000E-\u001F]/);
    expect(xml).toContain('target" value="vendor &amp; &quot;co&quot; (http://127.0.0.1:4010)"');
  });

  it.skipIf(skipWithoutXmllint)('is valid against junit-10.xsd, and xmllint reads the same counts', () => {
    const file = write(xml);
    const check = validateJUnit(file);
    expect(check.ok, check.output).toBe(true);
    expect(xpath(file, 'count(//testcase)')).toBe(String(result.rules.length + 2));
    expect(xpath(file, 'count(//testcase[failure])')).toBe('1');
    expect(xpath(file, 'string(//testcase[failure]/@name)')).toMatch(/^LVX-LOGIN-ACCESS-MISSING: /);
    expect(xpath(file, 'count(//testcase[error])')).toBe('1');
    // A parser reads the attribute back as it was written, the newline included.
    expect(xpath(file, 'string(//testcase[failure]/failure/@message)')).toBe('2 failed check(s): expected 401 <got 200> & "quotes" \\u001b[1m bell\\u0007 half\\ud800 with LV-Access: «redacted…34»');
  });

  it.skipIf(skipWithoutXmllint)('makes xmllint refuse a file that breaks the schema (the validation is real)', () => {
    const broken = write(xml.replace('<testsuite name="LiveVox Session API" ', '<testsuite '));
    expect(validateJUnit(broken).ok).toBe(false);
    const notXml = write(xml.replace('&amp;', '&'));
    expect(validateJUnit(notXml).ok).toBe(false);
  });
});

describe('junitReport of a property failure', () => {
  it("puts the property's Why: line in the failure message (its first line only counts runs)", () => {
    const why = ['Property failed after 1 run(s) and 1 shrink(s) (seed 1, path "0:0").', 'Counterexample: [[7201000]]', 'Why: after a gap of 7201000 ms: expected 200 to be 401'].join('\n');
    const xml = junitReport(resultOf([outcome('[LVX-EXPIRY-2H] expiry', 'failed', { 'LVX-EXPIRY-2H': tally(0, 1, [why]) })]), []);
    expect(xml).toContain('<failure message="1 failed check(s): after a gap of 7201000 ms: expected 200 to be 401" type="documented">');
    expect(xml).toContain('Counterexample: [[7201000]]');
  });
});
