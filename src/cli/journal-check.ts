// `session-kit journal check` and `session-kit journal har`: the CI side of the request journal. Reads entries from a
// running mock's admin API or from a `serve --journal-file` file, then gates on them (src/journal/gate.ts) or turns
// them into HAR (src/journal/har.ts). Every mistake in how it was called, and a target it cannot read, is one line
// on stderr and exit 2, so a CI log says what to fix.
import { appendFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import type { JournalEntry } from '../journal/entry.js';
import { gate, GateInputError, selected, githubAnnotations, junitXml, markdownSummary, parseAllowFile, parseAllowFlag, parseSince, textSummary, type Allowance, type GateFilter } from '../journal/gate.js';
import { toHar } from '../journal/har.js';
import { parseJournalLines } from '../journal/ndjson.js';

export const JOURNAL_HELP = `session-kit journal: gate your own client's traffic on the mock's contract verdicts, in CI

Usage:
  session-kit journal check (--target URL | --file FILE) [options]
  session-kit journal har   (--target URL | --file FILE) [--out FILE] [--api API] [--since WHEN]

Where the exchanges come from (one of):
  --target URL          a running mock: its journal, read over GET /__admin/requests
  --file FILE           the NDJSON a mock wrote with serve --journal-file FILE (it may have stopped since)
  --admin-token TOKEN   the mock's admin token (or env SESSION_KIT_ADMIN_TOKEN)

Which exchanges:
  --api API             livevox | loudvoice (default both)
  --since WHEN          an ISO-8601 date-time (exchanges that arrived then or later), or a journal entry id
                        (exchanges recorded after that one, e.g. the newest id noted before the tests ran)

Intended violations (a test that sends a bad request on purpose):
  --allow RULE[@OP]     allow every violation of RULE (on operation OP only, with @OP); repeatable
  --allow-file FILE     a JSON array of {"rule", "operationId"?, "method"?, "path"? (a prefix), "reason"?};
                        every given field must match. An allowance nothing matched is warned about

Reports (check):
  --junit FILE          JUnit XML: one test case per exchange, a failure per exchange that broke the contract
  --markdown FILE       the Markdown report (also --report FILE)
  With GITHUB_ACTIONS=true, each failing exchange is also an ::error annotation, and the Markdown report is
  appended to $GITHUB_STEP_SUMMARY.

Exit codes (check): 0 every exchange conforms (allowed violations aside); 1 an exchange broke a contract (each
is named with its rules); 2 bad usage, an unreadable file, or a target that cannot be read. Exchanges the
journal could only partly judge (a status injected by chaos, a body the server answered before reading, a
dropped connection) are judged on what was seen, and what was not is listed, never counted as a violation.`;

/** Where entries come from, read as the options say. */
interface Source {
  describe: string;
  origin: string;
  read: (filter: GateFilter) => Promise<{ entries: JournalEntry[]; warnings: string[] }>;
}

/** The most one read of the admin list returns (MAX_READ_LIMIT): larger journals are read page by page. */
const PAGE = 1000;

/** A running mock's journal, read over its admin API page by page (newest first, `before` the last page's oldest). */
function targetSource(url: string, token: string | undefined): Source {
  if (!/^https?:\/\/[^/\s]+/.test(url)) throw new GateInputError(`--target takes the mock's URL, such as http://127.0.0.1:4010, not "${url}"`);
  const base = url.replace(/\/+$/, '');
  return {
    describe: `target ${base}`,
    origin: base,
    read: async (filter) => {
      const entries: JournalEntry[] = [];
      const warnings: string[] = [];
      let before: string | undefined;
      for (;;) {
        const query = new URLSearchParams({ limit: String(PAGE) });
        if (filter.api) query.set('api', filter.api);
        if (filter.sinceWallTime !== undefined) query.set('since', String(filter.sinceWallTime));
        if (filter.afterId !== undefined) query.set('after', String(filter.afterId));
        if (before !== undefined) query.set('before', before);
        let response: Response;
        try {
          response = await fetch(`${base}/__admin/requests?${query}`, { headers: token ? { authorization: `Bearer ${token}` } : {}, signal: AbortSignal.timeout(30_000) });
        } catch (error) {
          const cause = (error as { cause?: { code?: string; message?: string } }).cause;
          throw new GateInputError(`cannot reach ${base}: ${cause?.code ?? cause?.message ?? (error as Error).message} (is the mock running there?)`);
        }
        if (response.status === 401 || response.status === 403) {
          throw new GateInputError(token ? `${base} refused the admin token (${response.status})` : `${base} needs its admin token: pass --admin-token TOKEN or set SESSION_KIT_ADMIN_TOKEN`);
        }
        if (response.status === 404) throw new GateInputError(`${base} has no journal (GET /__admin/requests is 404): is it session-kit serve, with its admin controls on?`);
        let page: { requests?: JournalEntry[]; meta?: { capacity?: number; dropped?: number } };
        try {
          page = (await response.json()) as typeof page;
        } catch {
          page = {};
        }
        if (response.status !== 200 || !Array.isArray(page.requests)) throw new GateInputError(`${base}/__admin/requests answered ${response.status} without a journal: is it session-kit serve?`);
        if (page.meta?.capacity === 0) throw new GateInputError(`${base} keeps no journal (it runs with --no-journal): nothing can be checked`);
        if (before === undefined && (page.meta?.dropped ?? 0) > 0) {
          warnings.push(`the mock's journal pushed out ${page.meta!.dropped} exchange(s) before they were read: they are not checked (raise serve --journal-size, or gate on serve --journal-file)`);
        }
        entries.push(...page.requests);
        if (page.requests.length < PAGE) return { entries, warnings };
        before = page.requests[page.requests.length - 1]!.id;
      }
    },
  };
}

/** A journal file written by `serve --journal-file`. */
function fileSource(path: string): Source {
  return {
    describe: `file ${path}`,
    origin: 'http://localhost',
    read: async () => {
      let text: string;
      try {
        text = readFileSync(path, 'utf8');
      } catch (error) {
        throw new GateInputError(`--file ${path} cannot be read: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
      }
      return parseJournalLines(text, path);
    },
  };
}

/** The source, filter and token the options name (shared by check and har). */
function readSource(values: { target?: string | undefined; file?: string | undefined; 'admin-token'?: string | undefined; api?: string | undefined; since?: string | undefined }, env: NodeJS.ProcessEnv): { source: Source; filter: GateFilter } {
  if ((values.target === undefined) === (values.file === undefined)) throw new GateInputError('give one of --target URL (a running mock) or --file FILE (what serve --journal-file wrote)');
  const token = values['admin-token'] ?? (env.SESSION_KIT_ADMIN_TOKEN || undefined);
  const source = values.target !== undefined ? targetSource(values.target, token) : fileSource(values.file!);
  const filter: GateFilter = {};
  if (values.api !== undefined) {
    if (values.api !== 'livevox' && values.api !== 'loudvoice') throw new GateInputError(`--api must be livevox or loudvoice, not "${values.api}"`);
    filter.api = values.api;
  }
  if (values.since !== undefined) Object.assign(filter, parseSince(values.since));
  return { source, filter };
}

/** Writes a report where the caller asked (relative to the working directory), creating its folder. */
function writeReport(option: string, path: string, text: string): string {
  const full = resolve(process.cwd(), path);
  try {
    mkdirSync(dirname(full), { recursive: true });
    writeFileSync(full, text);
  } catch (error) {
    throw new GateInputError(`${option} ${path} cannot be written: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
  return full;
}

const COMMON = {
  target: { type: 'string' },
  file: { type: 'string' },
  'admin-token': { type: 'string' },
  api: { type: 'string' },
  since: { type: 'string' },
  help: { type: 'boolean', default: false },
} as const;

/** `journal check`: the gate; returns the exit code. */
async function check(argv: string[], env: NodeJS.ProcessEnv): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      ...COMMON,
      allow: { type: 'string', multiple: true, default: [] },
      'allow-file': { type: 'string', multiple: true, default: [] },
      junit: { type: 'string' },
      markdown: { type: 'string' },
      report: { type: 'string' },
    },
    strict: true,
    allowPositionals: false,
  });
  if (values.help) {
    console.log(JOURNAL_HELP);
    return 0;
  }
  const { source, filter } = readSource(values, env);
  const allowances: Allowance[] = values.allow.map(parseAllowFlag);
  for (const file of values['allow-file']) {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (error) {
      throw new GateInputError(`--allow-file ${file} cannot be read: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
    }
    allowances.push(...parseAllowFile(text, file));
  }
  if (values.markdown !== undefined && values.report !== undefined) throw new GateInputError('--markdown and --report are the same report: give one');
  const markdownFile = values.markdown ?? values.report;

  const { entries, warnings } = await source.read(filter);
  const result = gate(entries, filter, allowances);
  // What was asked, for the reports; never the admin token.
  const options = [
    ...(values.api !== undefined ? [`--api ${values.api}`] : []),
    ...(values.since !== undefined ? [`--since ${values.since}`] : []),
    ...values.allow.map((a) => `--allow ${a}`),
    ...values['allow-file'].map((f) => `--allow-file ${f}`),
  ].join(' ');
  const context = { source: source.describe, options, checkedAt: new Date().toISOString(), warnings };
  const markdown = markdownSummary(result, context);
  const written: string[] = [];
  if (values.junit !== undefined) written.push(`  JUnit: ${writeReport('--junit', values.junit, junitXml(result, context))}`);
  if (markdownFile !== undefined) written.push(`  report: ${writeReport(values.markdown !== undefined ? '--markdown' : '--report', markdownFile, markdown)}`);
  if (env.GITHUB_ACTIONS === 'true') {
    for (const line of githubAnnotations(result)) console.log(line);
    if (env.GITHUB_STEP_SUMMARY) {
      try {
        appendFileSync(env.GITHUB_STEP_SUMMARY, `${markdown}\n`);
      } catch (error) {
        warnings.push(`the step summary ${env.GITHUB_STEP_SUMMARY} cannot be written: ${(error as Error).message}`);
      }
    }
  }
  console.log(textSummary(result, context));
  for (const line of written) console.log(line);
  return result.failed > 0 ? 1 : 0;
}

/** The version in the package.json beside dist/ (or src/): HAR names its creator. */
const version = (): string => (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;

/** `journal har`: the entries as HAR 1.2, on stdout or in --out FILE. */
async function har(argv: string[], env: NodeJS.ProcessEnv): Promise<number> {
  const { values } = parseArgs({ args: argv, options: { ...COMMON, out: { type: 'string' } }, strict: true, allowPositionals: false });
  if (values.help) {
    console.log(JOURNAL_HELP);
    return 0;
  }
  const { source, filter } = readSource(values, env);
  const { entries, warnings } = await source.read(filter);
  const text = `${JSON.stringify(toHar(entries.filter((e) => selected(e, filter)), { name: 'session-kit', version: version() }, source.origin), null, 2)}\n`;
  if (values.out !== undefined) console.error(`session-kit journal har: ${writeReport('--out', values.out, text)}`);
  else process.stdout.write(text);
  for (const w of warnings) console.error(`session-kit journal har: warning: ${w}`);
  return 0;
}

/** `session-kit journal SUBCOMMAND ...`; returns the exit code. Its own errors are one line on stderr and exit 2. */
export async function journal(argv: string[], env: NodeJS.ProcessEnv): Promise<number> {
  const [sub, ...rest] = argv;
  const name = `session-kit journal${sub === 'check' || sub === 'har' ? ` ${sub}` : ''}`;
  try {
    if (sub === 'check') return await check(rest, env);
    if (sub === 'har') return await har(rest, env);
    if (sub === undefined || sub === 'help' || sub === '--help' || sub === '-h') {
      console.log(JOURNAL_HELP);
      return sub === undefined ? 2 : 0;
    }
    throw new GateInputError(`unknown subcommand "${sub}": use check or har`);
  } catch (error) {
    if (error instanceof GateInputError) {
      console.error(`${name}: ${error.message}`);
      return 2;
    }
    if ((error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      console.error(`${name}: ${(error as Error).message.split('\n')[0]} (see session-kit journal --help)`);
      return 2;
    }
    throw error;
  }
}
