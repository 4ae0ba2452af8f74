// What the console shows after a run: the verdict line, one compact block per failing deciding rule (its exchanges
// and the replay command, no stack frames of the kit), one line per non-deciding difference, kit errors counted once.
import type { RuleVerdict, RunResult } from './grade-rules.js';

const MAX_LINES_PER_FAILURE = 60;

const clip = (text: string, max: number) => {
  const lines = text.split('\n');
  return lines.length <= max ? text : [...lines.slice(0, max), `… (${lines.length - max} more lines in the JSON and Markdown reports)`].join('\n');
};

const indent = (text: string) => text.replace(/^/gm, '    ');

function block(r: RuleVerdict): string {
  const first = r.failures[0];
  return [
    `x ${r.id} (${r.grade}${r.grade === 'observed' ? ', deciding' : ''}): ${r.failedChecks} failed check(s)`,
    indent(r.rule),
    ...(first ? [indent(clip(first.message, MAX_LINES_PER_FAILURE))] : []),
    ...(r.failures.length > 1 ? [indent(`(${r.failures.length - 1} other kind(s) of failure in the reports)`)] : []),
  ].join('\n');
}

/** The console summary of a run. */
export function consoleReport(result: RunResult): string {
  const s = result.summary;
  const out: string[] = [''];
  const failedDeciding = result.rules.filter((r) => r.decides && r.status === 'fail');
  for (const r of failedDeciding) out.push(block(r), '');
  const others = result.rules.filter((r) => !r.decides && r.status === 'fail');
  if (others.length > 0) {
    out.push(`Differences from session-kit's own choices (${others.length} observed/assumed rules; reported, not deciding):`);
    for (const r of others) out.push(`  ~ ${r.id} (${r.grade}): ${r.failedChecks} check(s): ${(r.failures[0]?.message ?? r.notes[0] ?? '').split('\n')[0]!.slice(0, 160)}`);
    out.push('');
  }
  if (result.kitErrors.length > 0 || result.runErrors.length > 0) {
    out.push('Errors of the kit itself (not findings about the target):');
    for (const e of result.kitErrors) out.push(`  ! ${e.count}x ${e.message.split('\n')[0]!.slice(0, 200)}`);
    for (const e of result.runErrors) out.push(`  ! ${e.split('\n')[0]!.slice(0, 200)}`);
    out.push('');
  }
  for (const line of result.cleanup ?? []) out.push(`After the run: ${line}`);
  out.push(`session-kit conformance: ${s.headline}`, `Replay: ${result.replay}`);
  return out.join('\n');
}
