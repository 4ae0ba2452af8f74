// What a run shows natively inside GitHub Actions: the summary as Markdown on the job's page ($GITHUB_STEP_SUMMARY) and
// one `::error` annotation per failing deciding rule, so the reason for a red build is on the run's front page without
// opening logs or artifacts. The builders are pure; the CLI hands in its environment and says where things go.
import type { RuleVerdict, RunResult } from './grade-rules.js';
import { failureGist } from './junit-report.js';
import { redact } from './target.js';

const MAX_ANNOTATION_LINES = 20;

/** Escapes a workflow command's message (GitHub's toolkit `escapeData`: `%`, CR and LF). */
export const escapeData = (s: string): string => s.replaceAll('%', '%25').replaceAll('\r', '%0D').replaceAll('\n', '%0A');

/** Escapes a workflow command's property value (`escapeProperty`: as the message, plus `:` and `,`, which end a property). */
export const escapeProperty = (s: string): string => escapeData(s).replaceAll(':', '%3A').replaceAll(',', '%2C');

const clip = (s: string, max: number) => {
  const lines = s.split('\n');
  return lines.length <= max ? s : [...lines.slice(0, max), `… (${lines.length - max} more lines in the reports)`].join('\n');
};

/** The rules whose failure fails the run: the deciding ones, and under --strict every one. */
const rulesFailingTheRun = (result: RunResult, strict = false) => result.rules.filter((r) => (r.decides || strict) && r.status === 'fail');

function annotationMessage(r: RuleVerdict): string {
  const first = r.failures[0]?.message ?? r.notes[0] ?? '';
  // The gist first: GitHub shows an annotation's first line on the run's page, the rest when it is opened.
  return clip(`${failureGist(first)}\n${r.rule} (${r.grade}, ${r.decides ? 'deciding' : 'not deciding, failing under --strict'}): ${r.failedChecks} failed check(s)\n${first}`, MAX_ANNOTATION_LINES);
}

/** One `::error` workflow command per failing deciding rule (any failing rule under --strict) and per kit error; secrets redacted. */
export function githubAnnotations(result: RunResult, secrets: readonly string[], options: { strict?: boolean } = {}): string[] {
  const command = (title: string, message: string) => `::error title=${escapeProperty(redact(title, secrets))}::${escapeData(redact(message, secrets))}`;
  return [
    ...rulesFailingTheRun(result, options.strict).map((r) => command(r.id, annotationMessage(r))),
    // The kit's own errors make the run INCONCLUSIVE and the build red: say so where the build's reason is read.
    ...result.kitErrors.map((e) => command('session-kit kit error', clip(`${e.count}x (an error of the kit, not of the target): ${e.message}`, MAX_ANNOTATION_LINES))),
    ...result.runErrors.map((e) => command('session-kit run error', clip(e, MAX_ANNOTATION_LINES))),
  ];
}

/** A table cell: one line, no pipe that would split it. */
const cell = (s: string) => s.replace(/\s+/g, ' ').replaceAll('|', '\\|').trim();
const firstLine = (s: string) => s.split('\n')[0]!;

/** The run as the Markdown of a GitHub step summary: headline, counts, failing deciding rules, skipped reasons; secrets redacted. */
export function githubStepSummary(result: RunResult, secrets: readonly string[]): string {
  const s = result.summary;
  const d = s.deciding;
  const icon = s.verdict === 'CONFORMS' ? ':white_check_mark:' : s.verdict === 'DOES NOT CONFORM' ? ':x:' : ':warning:';
  const lines = [
    `## session-kit conformance: ${cell(result.target.name)}`,
    '',
    `${icon} **${s.headline}**`,
    '',
    '| deciding rules | checked | hold | fail | skipped | not reached | other rules that differ | kit errors |',
    '|---|---|---|---|---|---|---|---|',
    `| ${d.total} | ${d.checked} | ${d.passed} | ${d.failed} | ${d.skipped} | ${d.notReached + d.notCovered} | ${s.otherFailures} | ${s.kitErrors} |`,
    '',
  ];
  const failed = rulesFailingTheRun(result);
  if (failed.length > 0) {
    lines.push('### Deciding rules that fail', '', '| rule | grade | failed checks | what it says | what went wrong |', '|---|---|---|---|---|');
    for (const r of failed) lines.push(`| ${r.id} | ${r.grade} | ${r.failedChecks} | ${cell(r.rule)} | ${cell(failureGist(r.failures[0]?.message ?? ''))} |`);
    lines.push('');
  }
  if (s.skippedReasons.length > 0) {
    lines.push('### Deciding rules skipped', '');
    for (const x of s.skippedReasons) lines.push(`- ${cell(x.reason)}: ${x.rules.join(', ')}`);
    lines.push('');
  }
  if (result.kitErrors.length > 0 || result.runErrors.length > 0) {
    lines.push('### Errors of the kit itself (not findings about the target)', '');
    for (const e of result.kitErrors) lines.push(`- ${e.count}x ${cell(firstLine(e.message))}`);
    for (const e of result.runErrors) lines.push(`- ${cell(firstLine(e))}`);
    lines.push('');
  }
  lines.push(`Replay: \`${result.replay}\``, '');
  return redact(lines.join('\n'), secrets);
}

/** Where the GitHub Actions output goes: the CLI passes its own console and file append. */
export interface CiSinks {
  print: (line: string) => void;
  append: (file: string, text: string) => void;
}

/**
 * Inside GitHub Actions (`GITHUB_ACTIONS=true`): prints the annotations and appends the summary to `$GITHUB_STEP_SUMMARY`
 * when set. Elsewhere it does nothing, so a local run's output stays as it was.
 */
export function writeCiOutput(
  result: RunResult,
  secrets: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
  sinks: CiSinks,
  options: { strict?: boolean } = {},
): void {
  if (env.GITHUB_ACTIONS !== 'true') return;
  for (const line of githubAnnotations(result, secrets, options)) sinks.print(line);
  if (env.GITHUB_STEP_SUMMARY) sinks.append(env.GITHUB_STEP_SUMMARY, githubStepSummary(result, secrets));
}
