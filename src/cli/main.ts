import { readFileSync } from 'node:fs';
import { TargetError } from '../certify/target-error.js';
import { FixtureError } from '../config/fixtures.js';
import { StateFileError } from '../runtime/state-file.js';
import { JournalFileError } from '../journal/journal-file.js';
import { CannotStartError } from './cannot-start.js';
import { UsageError } from './usage-error.js';

// Each command's module is loaded only when that command runs: `serve` (npm start) then loads nothing of the kit
// (vitest, the contracts' validator, the bundle code), which took about a tenth of its start-up time.
type Env = NodeJS.ProcessEnv;
const MODULES = {
  serve: () => import('./serve.js'),
  conformance: () => import('./conformance.js'),
  proxy: () => import('./proxy.js'),
  verify: () => import('./verify.js'),
  replay: () => import('./replay.js'),
  journal: () => import('./journal-check.js'),
};
const COMMANDS = {
  serve: async (args: string[], env: Env) => void (await (await MODULES.serve()).serve(args, env)),
  conformance: async (args: string[], env: Env) => (await MODULES.conformance()).conformance(args, env),
  proxy: async (args: string[], env: Env) => void (await (await MODULES.proxy()).proxy(args, env)),
  verify: async (args: string[]) => (await MODULES.verify()).verify(args),
  replay: async (args: string[], env: Env) => (await MODULES.replay()).replay(args, env),
  journal: async (args: string[], env: Env) => (await MODULES.journal()).journal(args, env),
} satisfies Record<keyof typeof MODULES, (args: string[], env: Env) => Promise<number | void>>;

/** The whole help: the usage lines and every command's own help (which loads every command). */
async function help(): Promise<string> {
  const [serve, conformance, proxy, verify, replay, journal] = await Promise.all([
    MODULES.serve(),
    MODULES.conformance(),
    MODULES.proxy(),
    MODULES.verify(),
    MODULES.replay(),
    MODULES.journal(),
  ]);
  return [USAGE, serve.SERVE_HELP, conformance.CONFORMANCE_HELP, proxy.PROXY_HELP, verify.VERIFY_HELP, replay.REPLAY_HELP, journal.JOURNAL_HELP].join('\n\n');
}

const USAGE = `session-kit: mock server and conformance kit for the LiveVox Session API and the OneAll LoudVoice API

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
  session-kit --version              the version of session-kit`;

/** The version in the package.json beside dist/ (or src/), the one npm installed. */
const version = (): string => (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;

/** The command line: the only place that reads process.argv, process.env and decides exit codes. */
export async function main(argv: string[]): Promise<void> {
  const [command = 'serve', ...rest] = argv;
  try {
    if (command === 'help' || command === '--help' || command === '-h') console.log(await help());
    else if (command === '--version' || command === '-v' || command === 'version') console.log(version());
    else if (Object.hasOwn(COMMANDS, command)) {
      const exitCode = await COMMANDS[command as keyof typeof COMMANDS](rest, process.env);
      if (exitCode !== undefined) process.exitCode = exitCode;
    } else if (command.startsWith('-')) await COMMANDS.serve(argv, process.env);
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
