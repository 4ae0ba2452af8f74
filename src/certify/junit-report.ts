// The JUnit XML a CI server reads, written from the graded result rather than from vitest's tests: a CI page then shows
// what the certificate says, one testcase per contract rule, and turns red exactly when the exit code is not 0: the
// verdict is not CONFORMS, or (with --strict) any rule failed.
// The shape is the common Ant/Jenkins one (junit-10.xsd, test/fixtures/junit-10.xsd), which Jenkins, GitLab, Azure
// DevOps and the GitHub Actions JUnit reporters all read:
//   <testsuites>  one <testsuite> per API (+ one "session-kit" suite for the run itself)
//     <testcase classname="API.OPERATION" name="RULE-ID: rule text">
//       pass: nothing (a <system-out> with grade and counts)
//       deciding rule failed: <failure message="first failure">every distinct failure</failure>
//       non-deciding rule failed: passes, with the difference in <system-out> (see nonDecidingNote); under --strict,
//         a <failure> like a deciding one's (type "…, not deciding (fails the run under --strict)")
//       skip / not reached / not covered / not observable: <skipped message="reason"/>
//   the run itself: "the kit reached a verdict", an <error> when INCONCLUSIVE, and an <error> per kit error, so CI
//   turns red on the kit's own errors too.
import { redact } from './target.js';
import type { RuleVerdict, RunResult } from './grade-rules.js';

const API_SUITE = { livevox: 'LiveVox Session API', loudvoice: 'OneAll LoudVoice API' } as const;

/**
 * XML 1.0 cannot carry most C0 controls, not even as character references, and a parser refuses the whole file for one:
 * they are written as a visible `\u001b`-style escape. Lone surrogates and U+FFFE/U+FFFF are not XML characters either.
 */
const NOT_XML = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;
const visible = (c: string) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`;

/** Text content: the markup characters escaped (`>` too, so `]]>` cannot appear), invalid characters made visible. */
const text = (s: string) => s.replace(NOT_XML, visible).replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;');

/** An attribute value: as text, plus quotes, and newlines and tabs as references (a parser would fold them to spaces). */
const attr = (s: string) => text(s).replaceAll('"', '&quot;').replaceAll("'", '&apos;').replaceAll('\n', '&#10;').replaceAll('\r', '&#13;').replaceAll('\t', '&#9;');

const firstLine = (s: string) => s.split('\n')[0]!;

/** The one line that says what went wrong: a property's "Why:" line (its first line only counts runs), else the first line. */
export const failureGist = (message: string): string => /^Why: (.*)$/m.exec(message)?.[1] ?? firstLine(message);
/** Seconds with millisecond precision, as the schema's `time` is read by every consumer. */
const seconds = (ms: number) => (ms / 1000).toFixed(3);
/** A testcase name carries the rule's short text; the whole text is in the certificate. */
const short = (s: string, max = 120) => {
  const one = s.replace(/\s+/g, ' ').trim();
  return one.length <= max ? one : `${one.slice(0, max - 1)}…`;
};

interface Case {
  classname: string;
  name: string;
  timeMs: number;
  failure?: { message: string; type: string; body: string };
  error?: { message: string; type: string; body: string };
  skipped?: string;
  out?: string;
}

const grade = (r: RuleVerdict) => (r.decides ? `${r.grade}, deciding` : `${r.grade}, not deciding`);

/**
 * A failing rule that does not decide is reported, not a failure: it must not turn CI red. It stays a passing testcase
 * and says how the target differs in <system-out>, which Jenkins, GitLab and the GitHub Actions reporters all show on
 * the test's page (a <properties> note inside a testcase is outside junit-10.xsd, and most tools drop it).
 */
function nonDecidingNote(r: RuleVerdict): string {
  return [
    `DIFFERS from session-kit's choice (${grade(r)}: reported, does not decide the verdict): ${r.failedChecks} failed check(s), ${r.passedChecks} passed`,
    ...r.failures.map((f) => `${f.count > 1 ? `${f.count}x like this:` : 'failure:'}\n${f.message}`),
  ].join('\n\n');
}

function skipReason(r: RuleVerdict): string {
  // A note may already name the status ("not covered: …"): it is not said twice.
  if (r.notes.length > 0) return r.notes[0]!.startsWith(`${r.status}:`) ? r.notes.join('; ') : `${r.status}: ${r.notes.join('; ')}`;
  return r.status === 'not covered' ? 'not covered: no test of this run checks it' : r.status;
}

function ruleCase(r: RuleVerdict, timeMs: number, strict: boolean): Case {
  const base = { classname: `${r.api}.${r.operation ?? 'every operation'}`, name: `${r.id}: ${short(r.rule)}`, timeMs };
  const about = `${r.rule}\n\nGrade: ${grade(r)}. Source: ${r.source}${r.citations.map((c) => `\n[${c.id}] ${c.citation}${c.url ? ` <${c.url}>` : ''}`).join('')}`;
  switch (r.status) {
    case 'pass':
      return { ...base, out: `${r.passedChecks} check(s) held. ${about}` };
    case 'fail': {
      // Under --strict any failing rule makes the exit code 1, so the JUnit file says the same: a failure.
      if (!r.decides && !strict) return { ...base, out: `${nonDecidingNote(r)}\n\n${about}` };
      const messages = r.failures.map((f) => `${f.count > 1 ? `${f.count}x like this:` : 'failure:'}\n${f.message}`);
      return {
        ...base,
        failure: {
          message: `${r.failedChecks} failed check(s): ${failureGist(r.failures[0]?.message ?? r.notes[0] ?? 'failed')}`,
          type: r.decides ? r.grade : `${r.grade}, not deciding (fails the run under --strict)`,
          body: [`${r.failedChecks} failed check(s), ${r.passedChecks} passed.`, ...messages, about].join('\n\n'),
        },
      };
    }
    default:
      return { ...base, skipped: skipReason(r), out: about };
  }
}

/**
 * Each test's time goes to the rules it names, split evenly, so a suite's time is the time its tests took (a rule's
 * own time has no meaning of its own: one property checks several rules).
 */
function ruleTimes(result: RunResult): Map<string, number> {
  const times = new Map<string, number>();
  const known = new Set(result.rules.map((r) => r.id));
  for (const t of result.tests) {
    const ids = [...new Set([...t.rules, ...Object.keys(t.checks)])].filter((id) => known.has(id));
    for (const id of ids) times.set(id, (times.get(id) ?? 0) + t.durationMs / ids.length);
  }
  return times;
}

/** The run itself as a testcase: the kit's own errors are <error>s (not findings about the target), the verdict its output. */
function runCases(result: RunResult): Case[] {
  const s = result.summary;
  const classname = 'session-kit.run';
  const cases: Case[] = result.kitErrors.map((e) => ({
    classname,
    name: `kit error: ${short(firstLine(e.message))}`,
    timeMs: 0,
    error: { message: firstLine(e.message), type: 'KitError', body: `${e.count}x in: ${e.tests.join('; ')}\n\n${e.message}` },
  }));
  for (const e of result.runErrors) cases.push({ classname, name: `run error: ${short(firstLine(e))}`, timeMs: 0, error: { message: firstLine(e), type: 'RunError', body: e } });
  // Named for what holds in every run that CI should pass: the kit reached a verdict (CONFORMS or DOES NOT CONFORM,
  // whose failures are the rules' own). INCONCLUSIVE is its <error>, also when no kit error explains it (no deciding
  // rule checked, or one not reached). A fixed name: CI servers track a test's history by its name.
  cases.unshift({
    classname,
    name: 'the kit reached a verdict',
    timeMs: 0,
    ...(s.verdict === 'INCONCLUSIVE' ? { error: { message: s.headline, type: 'Inconclusive', body: s.headline } } : {}),
    out: `${s.headline}\nReplay: ${result.replay}\nSeed ${result.seed}, ${result.runs} runs per property; session-kit ${result.tool.version}, Node ${result.node}.`,
  });
  return cases;
}

function suiteXml(name: string, cases: Case[], timestamp: string, properties: [string, string][], esc: (s: string) => string, at: (s: string) => string): string[] {
  const count = (f: (c: Case) => unknown) => cases.filter(f).length;
  const timeMs = cases.reduce((n, c) => n + c.timeMs, 0);
  const lines = [
    `  <testsuite name="${at(name)}" tests="${cases.length}" failures="${count((c) => c.failure)}" errors="${count((c) => c.error)}" skipped="${count((c) => c.skipped !== undefined)}" time="${seconds(timeMs)}" timestamp="${at(timestamp)}">`,
  ];
  if (properties.length > 0) {
    lines.push('    <properties>');
    for (const [k, v] of properties) lines.push(`      <property name="${at(k)}" value="${at(v)}"/>`);
    lines.push('    </properties>');
  }
  for (const c of cases) {
    const open = `    <testcase classname="${at(c.classname)}" name="${at(c.name)}" time="${seconds(c.timeMs)}"`;
    const inner: string[] = [];
    // junit-10.xsd orders a testcase's children: skipped, error, failure, system-out.
    if (c.skipped !== undefined) inner.push(`      <skipped message="${at(c.skipped)}"/>`);
    if (c.error) inner.push(`      <error message="${at(c.error.message)}" type="${at(c.error.type)}">${esc(c.error.body)}</error>`);
    if (c.failure) inner.push(`      <failure message="${at(c.failure.message)}" type="${at(c.failure.type)}">${esc(c.failure.body)}</failure>`);
    if (c.out) inner.push(`      <system-out>${esc(c.out)}</system-out>`);
    lines.push(inner.length === 0 ? `${open}/>` : `${open}>`, ...inner, ...(inner.length === 0 ? [] : ['    </testcase>']));
  }
  lines.push('  </testsuite>');
  return lines;
}

/** The run as JUnit XML: one testcase per rule of the selected contracts, as graded; secrets redacted. */
export function junitReport(result: RunResult, secrets: readonly string[], options: { strict?: boolean } = {}): string {
  const strict = options.strict === true;
  // Redact before escaping: a secret with a markup character would no longer match once escaped.
  const esc = (s: string) => text(redact(s, secrets));
  const at = (s: string) => attr(redact(s, secrets));
  const times = ruleTimes(result);
  const suites: { name: string; cases: Case[]; properties: [string, string][] }[] = [
    {
      name: 'session-kit',
      cases: runCases(result),
      properties: [
        ['verdict', result.summary.verdict],
        ['strict', String(strict)],
        ['headline', result.summary.headline],
        ['target', `${result.target.name} (${result.target.baseUrl})`],
        ['seed', String(result.seed)],
        ['runs', String(result.runs)],
        ['replay', result.replay],
        ['session-kit', result.tool.version],
      ],
    },
  ];
  for (const api of result.target.apis) {
    const rules = result.rules.filter((r) => r.api === api);
    if (rules.length > 0) suites.push({ name: API_SUITE[api], cases: rules.map((r) => ruleCase(r, times.get(r.id) ?? 0, strict)), properties: [] });
  }
  const all = suites.flatMap((s) => s.cases);
  const count = (f: (c: Case) => unknown) => all.filter(f).length;
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    // junit-10.xsd has no `skipped` on <testsuites>; each <testsuite> carries its own.
    `<testsuites name="session-kit conformance" tests="${all.length}" failures="${count((c) => c.failure)}" errors="${count((c) => c.error)}" time="${seconds(result.durationMs)}">`,
    ...suites.flatMap((s) => suiteXml(s.name, s.cases, result.startedAt, s.properties, esc, at)),
    '</testsuites>',
    '',
  ].join('\n');
}
