// `session-kit verify BUNDLE`: checks a certification bundle (a directory or .tar.gz) and exits 0 only when every hash
// matches, the manifest agrees with the files, and the verdict re-derived from the rules is the one recorded.
import { parseArgs } from 'node:util';
import { openBundle } from '../certify/bundle.js';
import { UnreadableBundleError, verifyBundle } from '../certify/verify.js';
import { UsageError } from './usage-error.js';

/** The help text of `session-kit verify`. */
export const VERIFY_HELP = `session-kit verify BUNDLE: check a bundle written by \`conformance --bundle\` (a directory or .tar.gz)

Checks the sha256 of every file against manifest.json (and the manifest's own digest), that no unlisted file is
present, that the manifest agrees with the files (target, kit version, seed, runs, times, verdict), and re-derives the
verdict from the graded JSON with the kit's own grading code. Hashes without a signature show accidental or naive
edits; a forger who rewrites every file and hash consistently is caught only where the verdict no longer follows
from the rules and their checks.

Exit codes: 0 the bundle checks out; 1 something differs (each finding names its file); 2 the bundle cannot be read.`;

/** Verifies a bundle as argv says; returns the exit code. */
export async function verify(argv: string[], print: (line: string) => void = (l) => console.log(l)): Promise<number> {
  const { values, positionals } = parseArgs({ args: argv, options: { help: { type: 'boolean', default: false } }, allowPositionals: true, strict: true });
  if (values.help) {
    print(VERIFY_HELP);
    return 0;
  }
  if (positionals.length !== 1) throw new UsageError('verify takes one bundle: a directory or a .tar.gz');
  const path = positionals[0]!;
  let opened;
  try {
    opened = await openBundle(path);
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  try {
    let report;
    try {
      report = verifyBundle(opened.dir);
    } catch (error) {
      if (error instanceof UnreadableBundleError) throw new UsageError(error.message);
      throw error;
    }
    for (const line of report.checked) print(`  ok ${line}`);
    for (const line of report.notes) print(`  note: ${line}`);
    for (const p of report.problems) print(`  x ${p.file}: ${p.message}`);
    if (report.problems.length > 0) {
      const files = [...new Set(report.problems.map((p) => p.file))];
      print(`session-kit verify: ${path} does NOT check out: ${report.problems.length} problem(s) in ${files.join(', ')}`);
      return 1;
    }
    print(`session-kit verify: ${path} checks out`);
    return 0;
  } finally {
    opened.close();
  }
}
