// The Markdown certificate a vendor hands a customer: the verdict and its counts first, then the failed and skipped
// deciding rules, then everything else; sources as readable citations; secrets redacted.
import { contractOperations, coverageMarkdown, ruleCoverage } from './coverage.js';
import { redact, whereApisAre } from './target.js';
import { capabilitiesText, type RuleVerdict, type RunResult } from './grade-rules.js';

const esc = (s: string) => s.replaceAll('|', '\\|').replaceAll('\n', ' ');
const STATUS: Record<RuleVerdict['status'], string> = { pass: 'pass', fail: '**FAIL**', skip: 'skip', 'not reached': 'not reached', 'not covered': 'not covered', 'not observable': 'not observable' };
const API_TITLE = { livevox: 'LiveVox Session API', loudvoice: 'OneAll LoudVoice API' } as const;

/** A rule's sources as readable citations (title and link), after the source text itself. */
export function citationText(r: RuleVerdict): string {
  const cites = r.citations.map((c) => `[${c.id}] ${c.citation}${c.url ? ` <${c.url}>` : ''}`);
  return cites.length > 0 ? `${r.source} — ${cites.join('; ')}` : r.source;
}

const grade = (r: RuleVerdict) => (r.grade === 'observed' && r.decides ? 'observed, deciding' : r.grade);

/** The Markdown certificate. */
export function markdownReport(result: RunResult, secrets: readonly string[]): string {
  const s = result.summary;
  const lines: string[] = [
    `# Conformance certificate: ${result.target.name}`,
    '',
    `**${s.headline}**`,
    '',
    '| | |',
    '|---|---|',
    `| target | ${esc(result.target.name)} (${esc(whereApisAre(result.target, result.target.apis))}) |`,
    `| APIs | ${result.target.apis.join(', ')} |`,
    `| deciding rules | ${s.deciding.total}: ${s.deciding.passed} hold, ${s.deciding.failed} fail, ${s.deciding.skipped} skipped, ${s.deciding.notReached + s.deciding.notCovered} not reached |`,
    `| all rules | ${result.rules.length}: ${count(result.rules, 'pass')} pass, ${count(result.rules, 'fail')} fail, ${count(result.rules, 'skip')} skipped, ${count(result.rules, 'not reached') + count(result.rules, 'not covered')} not reached or not covered |`,
    `| capabilities | ${esc(capabilitiesText(result.target))} |`,
    `| run | ${result.startedAt}, ${(result.durationMs / 1000).toFixed(1)} s, seed ${result.seed}, ${result.runs} runs per property |`,
    `| tool | session-kit ${result.tool.version}, Node ${result.node} |`,
    `| tests | ${s.passed} passed, ${s.failed} failed, ${s.skipped} skipped |`,
    `| replay | \`${result.replay}\` |`,
    '',
    'Grades: **documented** = stated by the vendor\'s documentation; **observed** = seen in real clients of the real',
    'service (a few, marked "deciding", are relied on by every client and decide too); **assumed** = session-kit\'s',
    'choice where the vendor is silent. Only deciding rules can make a target fail; the others are reported.',
    '',
  ];
  const deciding = result.rules.filter((r) => r.decides);
  const failed = deciding.filter((r) => r.status === 'fail');
  const skipped = deciding.filter((r) => r.status === 'skip' || r.status === 'not reached' || r.status === 'not covered');
  if (failed.length > 0 || skipped.length > 0) {
    lines.push('## Deciding rules that failed or were not checked', '', '| rule | result | grade | what it says | source |', '|---|---|---|---|---|');
    for (const r of [...failed, ...skipped]) lines.push(row(r));
    lines.push('');
  }
  if (failed.length > 0) {
    lines.push('## What failed', '');
    for (const r of failed) lines.push(...failureBlock(r));
  }
  if (result.kitErrors.length > 0 || result.runErrors.length > 0) {
    lines.push('## Errors of the kit itself (not findings about the target)', '');
    for (const e of result.kitErrors) lines.push(`- ${e.count}×: ${esc(e.message.split('\n')[0]!)} (in: ${e.tests.slice(0, 3).map(esc).join('; ')}${e.tests.length > 3 ? ' …' : ''})`);
    for (const e of result.runErrors) lines.push(`- ${esc(e.split('\n')[0]!)}`);
    lines.push('');
  }
  const others = result.rules.filter((r) => !r.decides && r.status === 'fail');
  if (others.length > 0) {
    lines.push("## Where the target differs from session-kit's own choices (reported, not deciding)", '');
    for (const r of others) lines.push(...failureBlock(r));
  }
  if (result.prism) {
    const v = result.prism.responseViolations;
    lines.push('## Independent check by Prism', '', v.length === 0 ? 'Every response passed through `prism proxy` matched the contracts.' : `Prism found ${v.length} response(s) that break the contracts' schemas (an assumed rule):`, '');
    for (const x of v.slice(0, 50)) lines.push(`- ${x.api}: \`${x.request}\`: ${esc(x.message)}`);
    lines.push('');
  }
  if (result.cleanup && result.cleanup.length > 0) lines.push('## After the run', '', ...result.cleanup.map((c) => `- ${c}`), '');
  lines.push(...coverageMarkdown(result.coverage ?? ruleCoverage(result.rules, contractOperations(result.target.apis))));
  for (const api of ['livevox', 'loudvoice'] as const) {
    const rows = result.rules.filter((r) => r.api === api);
    if (rows.length === 0) continue;
    lines.push(`## ${API_TITLE[api]}: every rule (${rows.length})`, '', '| rule | result | grade | what it says | source |', '|---|---|---|---|---|');
    for (const r of rows) lines.push(row(r));
    lines.push('');
  }
  return redact(lines.join('\n'), secrets);
}

const count = (rules: RuleVerdict[], status: RuleVerdict['status']) => rules.filter((r) => r.status === status).length;

function row(r: RuleVerdict): string {
  const result = r.status === 'fail' ? `**FAIL** (${r.failedChecks} check${r.failedChecks === 1 ? '' : 's'})` : r.notes.length > 0 ? `${STATUS[r.status]}: ${r.notes.join('; ')}` : STATUS[r.status];
  return `| ${r.id} | ${esc(result)} | ${grade(r)} | ${esc(r.rule)} | ${esc(citationText(r))} |`;
}

function failureBlock(r: RuleVerdict): string[] {
  const out = [`### ${r.id} (${grade(r)}): ${r.failedChecks} failed check(s), ${r.passedChecks} passed`, '', `> ${esc(r.rule)}`, '', `Source: ${citationText(r)}`, ''];
  for (const f of r.failures) out.push(f.count > 1 ? `${f.count}× like this:` : 'Failure:', '', '```', f.message, '```', '');
  return out;
}
