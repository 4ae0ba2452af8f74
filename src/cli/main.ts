import { readFileSync } from 'node:fs';
import { TargetError } from '../certify/target.js';
import { FixtureError } from '../config/fixtures.js';
import { StateFileError } from '../runtime/state-file.js';
import { JournalFileError } from '../journal/journal-file.js';
import { conformance, CONFORMANCE_HELP } from './conformance.js';
import { CannotStartError } from './cannot-start.js';
import { journal, JOURNAL_HELP } from './journal-check.js';
import { proxy, PROXY_HELP } from './proxy.js';
import { serve, SERVE_HELP } from './serve.js';
import { UsageError } from './usage-error.js';
import { verify, VERIFY_HELP } from './verify.js';
import { replay, REPLAY_HELP } from './replay.js';

const HELP = `session-kit: mock server and conformance kit for the LiveVox Session API and the OneAll LoudVoice API

Usage:
  session-kit serve [options]        run the mock (npm start)
  session-kit conformance [options]  certify a deployment against the contracts
  session-kit proxy [options]        check your own client's traffic against the contracts, through Prism
  session-kit verify BUNDLE          check a bundle written by conformance --bundle (hashes, manifest, verdict)
  session-kit replay BUNDLE --rule ID [--target URL|FILE]
                                     re-send the exchanges of a rule's recorded failures and compare the answers
  session-kit journal check [...]    CI gate: exit 1 when traffic in the mock's journal broke a contract
  session-kit journal har [...]      the journal (live, or a --journal-file) as HAR 1.2
  session-kit help                   this text
  session-kit --version              the version of session-kit

${SERVE_HELP}

${CONFORMANCE_HELP}

${PROXY_HELP}

${VERIFY_HELP}

${REPLAY_HELP}

${JOURNAL_HELP}`;

/** The version in the package.json beside dist/ (or src/), the one npm installed. */
const version = (): string => (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;

/** The command line: the only place that reads process.argv, process.env and decides exit codes. */
export async function main(argv: string[]): Promise<void> {
  const [command = 'serve', ...rest] = argv;
  try {
    if (command === 'help' || command === '--help' || command === '-h') console.log(HELP);
    else if (command === '--version' || command === '-v' || command === 'version') console.log(version());
    else if (command === 'serve') await serve(rest, process.env);
    else if (command === 'conformance') process.exitCode = await conformance(rest, process.env);
    else if (command === 'proxy') await proxy(rest, process.env);
    else if (command === 'verify') process.exitCode = await verify(rest);
    else if (command === 'replay') process.exitCode = await replay(rest, process.env);
    else if (command === 'journal') process.exitCode = await journal(rest, process.env);
    else if (command.startsWith('-')) await serve(argv, process.env);
    else throw new UsageError(`unknown command "${command}"`);
  } catch (error) {
    // A target file's problem is one line naming the key and its path: the options were right, so no help hint.
    if (error instanceof TargetError) {
      console.error(`session-kit: ${error.message}`);
      process.exit(2);
    }
    if (error instanceof UsageError || (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      console.error(`session-kit: ${(error as Error).message}\nRun "session-kit help" for the options.`);
      process.exit(2);
    }
    if (error instanceof FixtureError || error instanceof StateFileError || error instanceof CannotStartError || error instanceof JournalFileError) {
      console.error(`session-kit: cannot start: ${error.message}`);
      process.exit(1);
    }
    throw error;
  }
}

await main(process.argv.slice(2));
