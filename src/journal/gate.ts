// The CI gate on a journal (`session-kit journal check`): which exchanges broke a contract, after the integrator's
// filters and allowances, and the reports CI reads (text, Markdown, JUnit XML, GitHub annotations). Pure: it reads
// entries as the journal shows them (already redacted), never the network or the disk, so every report holds only
// what the journal would show.
import type { Violation } from '../contract/judge-exchange.js';
import { nearMissLine } from '../contract/near-miss.js';
import { OPERATION_UNDECLARED, SCHEMA, STATUS_UNDECLARED } from '../contract/violation-rules.js';
import { rules as livevoxRules } from '../generated/livevox-session-catalogue.js';
import { rules as loudvoiceRules } from '../generated/loudvoice-catalogue.js';
import type { JournalEntry } from './entry.js';
import { GateInputError } from './gate-input-error.js';

export { GateInputError };

/** Every rule id a violation can carry: the two contracts' catalogues and the plain ids of the verdict. */
const RULE_TEXT = new Map<string, string>([
  ...[...livevoxRules, ...loudvoiceRules].map((r) => [r.id, r.rule] as [string, string]),
  [SCHEMA, 'The exchange fits the schemas of its contract (no more specific rule applies).'],
  [STATUS_UNDECLARED, 'A response has a status its operation declares.'],
  [OPERATION_UNDECLARED, 'A request calls a path and method its contract defines.'],
]);

/** True when a violation can carry this rule id. */
export const isKnownRule = (id: string): boolean => RULE_TEXT.has(id);

/** What a rule says, from its contract's catalogue (undefined for an unknown id). */
export const ruleText = (id: string): string | undefined => RULE_TEXT.get(id);

/**
 * A violation the integrator means to cause (a test that sends a bad body on purpose): a rule, narrowed by the
 * operation, method and path prefix when given. Every given field must match.
 */
export interface Allowance {
  rule: string;
  operationId?: string;
  method?: string;
  /** A prefix of the path as the journal shows it (redacted). */
  path?: string;
  /** Why it is intended: shown beside each violation it allows. */
  reason?: string;
  /** Where it was given (`--allow`, or FILE#index), for the unused-allowance warning. */
  from: string;
}


/** `--allow RULE` or `--allow RULE@operationId`. */
export function parseAllowFlag(text: string): Allowance {
  const [rule = '', operationId, extra] = text.split('@');
  if (extra !== undefined || rule === '' || operationId === '') throw new GateInputError(`--allow takes RULE or RULE@operationId (e.g. LVX-LOGIN-BODY-INVALID@login), not "${text}"`);
  if (!isKnownRule(rule)) throw new GateInputError(`--allow ${text}: no contract has the rule ${rule}`);
  return { rule, ...(operationId !== undefined ? { operationId } : {}), from: `--allow ${text}` };
}

const ALLOWANCE_KEYS = new Set(['rule', 'operationId', 'method', 'path', 'reason']);

/** An allow file: a JSON array of `{rule, operationId?, method?, path?, reason?}`. Anything else is refused. */
export function parseAllowFile(text: string, name: string): Allowance[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new GateInputError(`--allow-file ${name} is not JSON: ${(error as Error).message}`);
  }
  if (!Array.isArray(parsed)) throw new GateInputError(`--allow-file ${name} must hold a JSON array of {"rule", "operationId"?, "method"?, "path"?, "reason"?}`);
  return parsed.map((item, i) => {
    const at = `--allow-file ${name} [${i}]`;
    if (typeof item !== 'object' || item === null || Array.isArray(item)) throw new GateInputError(`${at} must be an object such as {"rule": "LVX-LOGIN-BODY-INVALID"}`);
    for (const [key, value] of Object.entries(item as Record<string, unknown>)) {
      if (!ALLOWANCE_KEYS.has(key)) throw new GateInputError(`${at}: unknown field "${key}"; the fields are ${[...ALLOWANCE_KEYS].join(', ')}`);
      if (typeof value !== 'string' || value === '') throw new GateInputError(`${at}: ${key} must be a non-empty string`);
    }
    const a = item as Record<string, string>;
    if (a.rule === undefined) throw new GateInputError(`${at}: rule is required`);
    if (!isKnownRule(a.rule)) throw new GateInputError(`${at}: no contract has the rule ${a.rule}`);
    if (a.path !== undefined && !a.path.startsWith('/')) throw new GateInputError(`${at}: path must be a path prefix starting with /`);
    return {
      rule: a.rule,
      ...(a.operationId !== undefined ? { operationId: a.operationId } : {}),
      ...(a.method !== undefined ? { method: a.method.toUpperCase() } : {}),
      ...(a.path !== undefined ? { path: a.path } : {}),
      ...(a.reason !== undefined ? { reason: a.reason } : {}),
      from: `${name}[${i}]`,
    };
  });
}

/** Which entries the gate looks at. */
export interface GateFilter {
  api?: 'livevox' | 'loudvoice';
  /** Arrived at or after this real time (ms since the epoch). */
  sinceWallTime?: number;
  /** Recorded after the entry with this id. */
  afterId?: number;
}

/** `--since`: an ISO-8601 date-time (arrived at or after), or a journal entry id (recorded after it). */
export function parseSince(text: string): Pick<GateFilter, 'sinceWallTime' | 'afterId'> {
  if (/^\d{1,15}$/.test(text)) return { afterId: Number(text) };
  const at = /^\d{4}-\d{2}-\d{2}T/.test(text) ? Date.parse(text) : Number.NaN;
  if (Number.isNaN(at)) throw new GateInputError(`--since takes an ISO-8601 date-time (2026-01-05T09:00:00Z) or a journal entry id (42), not "${text}"`);
  return { sinceWallTime: at };
}

/** True when the entry passes the filter. */
export function selected(entry: JournalEntry, filter: GateFilter): boolean {
  if (filter.api !== undefined && entry.api !== filter.api) return false;
  if (filter.sinceWallTime !== undefined && Date.parse(entry.wallTime) < filter.sinceWallTime) return false;
  if (filter.afterId !== undefined && Number(entry.id) <= filter.afterId) return false;
  return true;
}

/** A violation with the side of the exchange it is on. */
export interface SidedViolation extends Violation {
  side: 'request' | 'response';
}

/** One exchange as the gate decided it. */
export interface GatedExchange {
  entry: JournalEntry;
  /** `#7 POST /session/login -> 401 (login)`. */
  label: string;
  /** Violations no allowance covers: any makes the exchange (and the check) fail. */
  failures: SidedViolation[];
  /** Violations an allowance covers, each with the allowance. */
  allowed: { violation: SidedViolation; allowance: Allowance }[];
  /** False when no contract covers the exchange's path (it is listed, not judged). */
  judged: boolean;
}

/** The gate's decision on a set of entries. */
export interface GateResult {
  exchanges: GatedExchange[];
  /** Exchanges with at least one unallowed violation. */
  failed: number;
  /** Allowances that matched no violation (a test that was meant to break a rule may not have run). */
  unusedAllowances: Allowance[];
  /** What was not judged, with how many exchanges each reason concerns (chaos-injected statuses, unread bodies…). */
  unchecked: { reason: string; count: number }[];
}

/** The label of an entry: id, method, path and query (as shown), status, operation. */
export function labelOf(e: JournalEntry): string {
  const query = e.request.query === '' ? '' : `?${e.request.query}`;
  const status = e.response.status === 0 ? 'no response' : String(e.response.status);
  return `#${e.id} ${e.request.method} ${e.request.path}${query} -> ${status} (${e.operation?.operationId ?? (e.api ? 'no operation' : 'no contract')})`;
}

const covers = (a: Allowance, v: Violation, e: JournalEntry): boolean =>
  a.rule === v.rule &&
  (a.operationId === undefined || a.operationId === e.operation?.operationId) &&
  (a.method === undefined || a.method === e.request.method) &&
  (a.path === undefined || e.request.path.startsWith(a.path));

/** A reason of `unchecked` without the detail that differs per exchange (a rule id), so like reasons count together. */
const reasonKind = (reason: string): string => reason.replace(/ by chaos rule \S+,/, ' by a chaos rule,');

/** Decides every selected entry, oldest first (the order a reader follows a test run in). */
export function gate(entries: readonly JournalEntry[], filter: GateFilter, allowances: readonly Allowance[]): GateResult {
  const used = new Set<Allowance>();
  const unchecked = new Map<string, number>();
  const exchanges = entries
    .filter((e) => selected(e, filter))
    .sort((a, b) => Number(a.id) - Number(b.id))
    .map((entry): GatedExchange => {
      const failures: SidedViolation[] = [];
      const allowed: GatedExchange['allowed'] = [];
      for (const side of ['request', 'response'] as const) {
        for (const v of entry.verdict[side]) {
          const violation = { ...v, side };
          const allowance = allowances.find((a) => covers(a, v, entry));
          if (allowance) {
            used.add(allowance);
            allowed.push({ violation, allowance });
          } else failures.push(violation);
        }
      }
      for (const reason of new Set(entry.verdict.unchecked.map(reasonKind))) unchecked.set(reason, (unchecked.get(reason) ?? 0) + 1);
      return { entry, label: labelOf(entry), failures, allowed, judged: entry.api !== null };
    });
  return {
    exchanges,
    failed: exchanges.filter((x) => x.failures.length > 0).length,
    unusedAllowances: allowances.filter((a) => !used.has(a)),
    unchecked: [...unchecked].map(([reason, count]) => ({ reason, count })),
  };
}

/** Where the entries came from, and what the gate was asked, for the reports' headers. */
export interface GateContext {
  /** `target http://127.0.0.1:4010` or `file reports/journal.ndjson`. */
  source: string;
  /** The filters and allowances as given, e.g. `--api livevox --since 42`. */
  options: string;
  /** When the check ran (ISO-8601). */
  checkedAt: string;
  /** Warnings to repeat in every report (entries pushed out of the ring before they were read…). */
  warnings: string[];
}

const violationLine = (v: SidedViolation) => `${v.side} ${v.rule} at ${v.where}: ${v.message}`;

/** The headline: what CI shows first. */
export function headline(result: GateResult): string {
  const judged = result.exchanges.filter((x) => x.judged).length;
  if (result.failed > 0) return `DOES NOT CONFORM: ${result.failed} of ${judged} exchange(s) broke the contract`;
  return `CONFORMS: ${judged} exchange(s) judged, none broke the contract`;
}

/** The human summary for stdout. */
export function textSummary(result: GateResult, context: GateContext): string {
  const lines = [`session-kit journal check: ${context.source}${context.options ? ` (${context.options})` : ''}`];
  for (const x of result.exchanges) {
    if (x.failures.length === 0) continue;
    lines.push(`FAIL ${x.label}`);
    for (const v of x.failures) lines.push(`     ${violationLine(v)}`);
    // What the client probably meant, when no operation answered: the fix is usually in this line.
    for (const m of x.entry.nearMisses ?? []) lines.push(`     near miss: ${nearMissLine(m)}`);
  }
  const allowed = result.exchanges.flatMap((x) => x.allowed.map((a) => ({ x, ...a })));
  if (allowed.length > 0) {
    lines.push(`allowed (intended) violations: ${allowed.length}`);
    for (const a of allowed) lines.push(`     ${a.x.label}: ${a.violation.rule} at ${a.violation.where}${a.allowance.reason ? ` (${a.allowance.reason})` : ''}`);
  }
  const outside = result.exchanges.filter((x) => !x.judged).length;
  if (outside > 0) lines.push(`not judged: ${outside} exchange(s) on paths no contract covers`);
  for (const u of result.unchecked) if (u.reason !== 'no contract covers this path') lines.push(`partly judged: ${u.count} exchange(s): ${u.reason} (not counted as violations)`);
  for (const a of result.unusedAllowances) lines.push(`warning: ${a.from} allowed ${a.rule}${a.operationId ? `@${a.operationId}` : ''}, but no exchange broke it (did the test that should have run?)`);
  for (const w of context.warnings) lines.push(`warning: ${w}`);
  if (result.exchanges.length === 0) lines.push('warning: no exchanges to check (did the client reach this mock? are the filters right?)');
  lines.push(headline(result));
  return lines.join('\n');
}

const mdCell = (s: string) => s.replaceAll('\\', '\\\\').replaceAll('|', '\\|').replaceAll('`', '\\`').replace(/[\r\n]+/g, ' ');

/** The Markdown report, in the certificate's style: the verdict and its counts first, then what failed. */
export function markdownSummary(result: GateResult, context: GateContext): string {
  const judged = result.exchanges.filter((x) => x.judged);
  const allowed = result.exchanges.flatMap((x) => x.allowed.map((a) => ({ x, ...a })));
  const lines = [
    '# Journal check: client traffic against the contracts',
    '',
    `**${headline(result)}**`,
    '',
    '| | |',
    '|---|---|',
    `| source | ${mdCell(context.source)} |`,
    `| options | ${context.options ? `\`${mdCell(context.options)}\`` : 'none'} |`,
    `| checked | ${context.checkedAt} |`,
    `| exchanges | ${result.exchanges.length}: ${judged.length} judged, ${result.failed} broke the contract, ${result.exchanges.length - judged.length} outside the contracts |`,
    `| allowed violations | ${allowed.length} |`,
    '',
  ];
  const failing = result.exchanges.filter((x) => x.failures.length > 0);
  if (failing.length > 0) {
    lines.push('## Exchanges that broke the contract', '', '| exchange | side | rule | where | what is wrong |', '|---|---|---|---|---|');
    for (const x of failing) for (const v of x.failures) lines.push(`| ${mdCell(x.label)} | ${v.side} | ${v.rule} | ${mdCell(v.where)} | ${mdCell(v.message)} |`);
    lines.push('', '### The rules broken', '');
    for (const rule of new Set(failing.flatMap((x) => x.failures.map((v) => v.rule)))) lines.push(`- **${rule}**: ${(ruleText(rule) ?? '').replace(/[\r\n]+/g, ' ')}`);
    lines.push('');
  }
  if (allowed.length > 0) {
    lines.push('## Allowed (intended) violations', '', '| exchange | rule | where | allowed by |', '|---|---|---|---|');
    for (const a of allowed) lines.push(`| ${mdCell(a.x.label)} | ${a.violation.rule} | ${mdCell(a.violation.where)} | ${mdCell(a.allowance.from)}${a.allowance.reason ? `: ${mdCell(a.allowance.reason)}` : ''} |`);
    lines.push('');
  }
  const notes = [
    ...result.unchecked.map((u) => `${u.count} exchange(s) partly judged: ${u.reason} (not counted as violations)`),
    ...result.unusedAllowances.map((a) => `${a.from} allowed ${a.rule}, but no exchange broke it`),
    ...context.warnings,
  ];
  if (notes.length > 0) lines.push('## Notes', '', ...notes.map((n) => `- ${mdCell(n)}`), '');
  lines.push('Secrets are shown as the journal shows them: credentials and session ids keep at most their last four characters, passwords nothing.', '');
  return lines.join('\n');
}

/** Text as XML character data or an attribute value: escaped, and characters XML 1.0 cannot hold replaced. */
const xml = (s: string) =>
  s
    .replace(/[^\t\n\r\x20-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu, '\uFFFD')
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;')
    .replaceAll("'", '&apos;');

const seconds = (ms: number) => (ms / 1000).toFixed(3);

/** JUnit XML: one suite per API, one test case per exchange; a violation is a failure, an exchange no contract covers is skipped. */
export function junitXml(result: GateResult, context: GateContext): string {
  const groups = new Map<string, GatedExchange[]>();
  for (const x of result.exchanges) {
    const name = x.entry.api ?? 'outside the contracts';
    groups.set(name, [...(groups.get(name) ?? []), x]);
  }
  const total = (xs: GatedExchange[]) => xs.reduce((t, x) => t + x.entry.durationMs, 0);
  const suites = [...groups].map(([name, xs]) => {
    const cases = xs.map((x) => {
      const classname = `journal.${x.entry.api ?? 'none'}.${x.entry.operation?.operationId ?? 'no-operation'}`;
      const open = `    <testcase classname="${xml(classname)}" name="${xml(x.label)}" time="${seconds(x.entry.durationMs)}"`;
      const body: string[] = [];
      if (!x.judged) body.push(`      <skipped message="${xml('no contract covers this path')}"/>`);
      if (x.failures.length > 0) {
        const first = x.failures[0]!;
        const message = `${first.rule}: ${first.message}${x.failures.length > 1 ? ` (and ${x.failures.length - 1} more)` : ''}`;
        body.push(`      <failure message="${xml(message)}" type="${xml([...new Set(x.failures.map((v) => v.rule))].join(' '))}">${xml(x.failures.map(violationLine).join('\n'))}</failure>`);
      }
      const out = [
        ...x.allowed.map((a) => `allowed: ${violationLine(a.violation)} (by ${a.allowance.from}${a.allowance.reason ? `: ${a.allowance.reason}` : ''})`),
        ...x.entry.verdict.unchecked.map((u) => `not judged: ${u}`),
      ];
      if (out.length > 0) body.push(`      <system-out>${xml(out.join('\n'))}</system-out>`);
      return body.length === 0 ? `${open}/>` : `${open}>\n${body.join('\n')}\n    </testcase>`;
    });
    const failures = xs.filter((x) => x.failures.length > 0).length;
    const skipped = xs.filter((x) => !x.judged).length;
    return `  <testsuite name="${xml(`journal ${name}`)}" tests="${xs.length}" failures="${failures}" errors="0" skipped="${skipped}" time="${seconds(total(xs))}" timestamp="${xml(context.checkedAt)}">\n${cases.join('\n')}\n  </testsuite>`;
  });
  const skipped = result.exchanges.filter((x) => !x.judged).length;
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="${xml(`session-kit journal check: ${context.source}`)}" tests="${result.exchanges.length}" failures="${result.failed}" errors="0" skipped="${skipped}" time="${seconds(total(result.exchanges))}">`,
    ...suites,
    '</testsuites>',
    '',
  ].join('\n');
}

/** A GitHub workflow command's message, escaped as the runner reads it. */
const ghData = (s: string) => s.replaceAll('%', '%25').replaceAll('\r', '%0D').replaceAll('\n', '%0A');
/** A GitHub workflow command's property value (title=...), escaped as the runner reads it. */
const ghProperty = (s: string) => ghData(s).replaceAll(':', '%3A').replaceAll(',', '%2C');

/** One `::error` workflow command per exchange that broke the contract, for GitHub Actions' annotations. */
export function githubAnnotations(result: GateResult): string[] {
  return result.exchanges
    .filter((x) => x.failures.length > 0)
    .map((x) => `::error title=${ghProperty(`${[...new Set(x.failures.map((v) => v.rule))].join(' ')} (journal #${x.entry.id})`)}::${ghData(`${x.label}\n${x.failures.map(violationLine).join('\n')}`)}`);
}
