import type { AddressInfo } from 'node:net';
import { parseArgs } from 'node:util';
import { DEFAULT_FIXTURES_PATH, emptyApis, FixtureError } from '../config/fixtures.js';
import { FAULTS } from '../core/faults.js';
import { VARIANTS } from '../core/variants.js';
import { buildApp, DEFAULT_CONFIG, type ApiSelection } from '../http/app.js';
import { parseAllowedHosts as parseHosts, parseCorsOption as parseCors, ServeOptionError, serveSettings } from '../http/serve-config.js';
import { ControlledClock } from '../runtime/clock.js';
import { StateFileError } from '../runtime/state-file.js';
import { cryptoIds } from '../runtime/ids.js';
import { TestIdentityProvider } from '../sso/test-identity-provider.js';
import { CannotStartError, whyNotListening } from './cannot-start.js';
import { onStop } from './on-stop.js';
import { JournalFileError } from '../journal/journal-file.js';
import { UsageError } from './usage-error.js';
import { redactRedisUrl } from '../store/redis-url.js';
import { isWorker, readWorkers, reportListening, runWorkers } from './workers.js';

export const SERVE_HELP = `session-kit serve: run the LiveVox and LoudVoice mock with its fixtures

Options:
  --host HOST            address to bind (default 127.0.0.1; anything else needs --admin-token or --no-admin)
  --port PORT            port (default 4010; 0 picks a free one)
  --api API              livevox | loudvoice | both (default both)
  --fixtures PATH        fixture file (default fixtures/default.json)
  --clock MODE           system | fixed (default system); either can be moved with POST /__admin/clock
  --clock-start ISO      where a fixed clock starts (default: now)
  --admin-token TOKEN    require "Authorization: Bearer TOKEN" on /__admin/ (or env SESSION_KIT_ADMIN_TOKEN)
  --no-admin             no /__admin/ controls and no test identity provider
  --allowed-host NAME    on loopback the admin controls, the console and /__idp/ answer only Host localhost,
                         *.localhost and IP addresses (against DNS rebinding); NAME is one more (repeatable;
                         .NAME also allows its subdomains; or env SESSION_KIT_ALLOWED_HOSTS, comma-separated).
                         A request with the admin token passes whatever its Host. State changes also need
                         Content-Type: application/json or X-Session-Kit: 1, and no Origin of another site
  --state FILE           keep the state across restarts: load FILE at start (if it exists), save it every
                         --state-interval ms when something changed and on SIGTERM or SIGINT (atomic
                         write-then-rename); a FILE that cannot be written stops start-up
  --state-interval MS    how often the state is saved (default 1000)
  --store STORE          memory (default) | redis://[user:password@]HOST:PORT[/DB] (or env SESSION_KIT_STORE):
                         with Redis (or Valkey) every instance on that store shares one state and one clock
  --workers N            N server processes on this machine sharing the port (needs --store redis://...)
  --body-limit BYTES     largest request body (default 1048576)
  --latency MS[-MS]      delay every API request (not /__admin): MS always, or MIN-MAX drawn from a fixed seed
                         (so a run repeats); more faults per rule with POST /__admin/chaos
  --log-level LEVEL      fatal | error | warn | info | debug | silent (default info)
  --log-requests         one log line per request (ids in paths redacted)
  --journal-size N       how many requests the request journal keeps, newest first, each with its contract
                         verdict (GET /__admin/requests; default 1000, at most 100000; 4 KiB of memory each)
  --no-journal           no request journal (its admin routes answer an empty list with capacity 0)
  --journal-file FILE    also append every exchange to FILE (created or emptied at start), one JSON line each,
                         redacted and judged as GET /__admin/requests shows it; written in batches off the
                         request's path and drained on SIGTERM or SIGINT. For CI: keep it as evidence, gate on it
                         with \`session-kit journal check --file FILE\`, turn it into HAR with \`journal har\`
  --cors [ORIGIN]        answer CORS preflights and add Access-Control-Allow-Origin to every response, for
                         browser clients: ORIGIN, or a comma-separated list of origins (each reflected when it
                         calls), or any origin (*) when none is given. Off by default
  --fault NAME           start with a deliberate defect (repeatable; test-only: needs --enable-test-faults)
  --variant NAME         start with a legitimate vendor variant (repeatable; test-only: needs --enable-test-faults)
  --enable-test-faults   allow --fault and --variant; never use it for a mock people rely on
  --help                 this text

SIGTERM or SIGINT (also when sent to \`npm start\` or \`npx session-kit\`) closes the server and saves the state;
the exit status is 1 when that final save fails.

Test-only faults (each a realistic defect the conformance kit must catch):
${Object.entries(FAULTS)
  .map(([name, f]) => `  ${name.padEnd(40)} ${f.what}`)
  .join('\n')}

Test-only variants (each a different but correct vendor choice the conformance kit must accept):
${Object.entries(VARIANTS)
  .map(([name, v]) => `  ${name.padEnd(40)} ${v.what}`)
  .join('\n')}`;

/** `--cors` alone (last, or followed by another option) means any origin: parseArgs has no optional values. */
function withCorsValue(argv: string[]): string[] {
  return argv.flatMap((arg, i) => (arg === '--cors' && (i === argv.length - 1 || argv[i + 1]!.startsWith('--')) ? ['--cors=*'] : [arg]));
}

/** The value of --cors as a CORS configuration (shared with startMock, see src/http/serve-config.ts). */
export const parseCorsOption = (value: string) => asUsageError(() => parseCors(value));

/** The values of --allowed-host (shared with startMock, see src/http/serve-config.ts). */
export const parseAllowedHosts = (values: string[]) => asUsageError(() => parseHosts(values));

/** A serve option refused by the shared checks is a usage error of the command line (exit 2). */
function asUsageError<T>(f: () => T): T {
  try {
    return f();
  } catch (error) {
    if (error instanceof ServeOptionError) throw new UsageError(error.message);
    throw error;
  }
}

/** How the bound address reads in a URL: IPv6 in brackets. */
const urlOf = (bound: AddressInfo) => `http://${bound.family === 'IPv6' ? `[${bound.address}]` : bound.address}:${bound.port}`;

/** Starts the server as argv says; resolves once it listens. */
export async function serve(argv: string[], env: NodeJS.ProcessEnv): Promise<void> {
  const { values } = parseArgs({
    args: withCorsValue(argv),
    options: {
      host: { type: 'string', default: '127.0.0.1' },
      port: { type: 'string', default: '4010' },
      api: { type: 'string', default: 'both' },
      fixtures: { type: 'string' },
      clock: { type: 'string', default: 'system' },
      'clock-start': { type: 'string' },
      'admin-token': { type: 'string' },
      'no-admin': { type: 'boolean', default: false },
      'allowed-host': { type: 'string', multiple: true, default: [] },
      'body-limit': { type: 'string', default: String(DEFAULT_CONFIG.bodyLimit) },
      latency: { type: 'string' },
      state: { type: 'string' },
      store: { type: 'string' },
      workers: { type: 'string', default: '1' },
      'state-interval': { type: 'string', default: '1000' },
      'log-level': { type: 'string', default: 'info' },
      'log-requests': { type: 'boolean', default: false },
      'journal-size': { type: 'string', default: String(DEFAULT_CONFIG.journalSize) },
      'no-journal': { type: 'boolean', default: false },
      'journal-file': { type: 'string' },
      cors: { type: 'string' },
      fault: { type: 'string', multiple: true, default: [] },
      variant: { type: 'string', multiple: true, default: [] },
      'enable-test-faults': { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
    strict: true,
  });
  if (values.help) {
    console.log(SERVE_HELP);
    return;
  }
  const settings = asUsageError(() =>
    serveSettings(
      {
        host: values.host,
        port: values.port,
        api: values.api as ApiSelection,
        ...(values.fixtures !== undefined ? { fixtures: values.fixtures } : {}),
        clock: values.clock as 'system' | 'fixed',
        ...(values['clock-start'] !== undefined ? { clockStart: values['clock-start'] } : {}),
        ...(values['admin-token'] !== undefined ? { adminToken: values['admin-token'] } : {}),
        admin: !values['no-admin'],
        allowedHosts: values['allowed-host'],
        bodyLimit: values['body-limit'],
        ...(values.latency !== undefined ? { latency: values.latency } : {}),
        ...(values.state !== undefined ? { state: values.state } : {}),
        stateInterval: values['state-interval'],
        ...(values.store !== undefined ? { store: values.store } : {}),
        logLevel: values['log-level'],
        logRequests: values['log-requests'],
        journalSize: values['journal-size'],
        journal: !values['no-journal'],
        ...(values['journal-file'] !== undefined ? { journalFile: values['journal-file'] } : {}),
        ...(values.cors !== undefined ? { cors: values.cors } : {}),
        faults: values.fault,
        variants: values.variant,
        enableTestFaults: values['enable-test-faults'],
      },
      env,
    ),
  );
  const { store, latency, faults, variants, cors, adminEnabled, adminToken, allowedHosts, journalFile, stateInterval, host, port, config } = settings;
  const api = config.api;
  const workers = readWorkers(values.workers, store !== undefined);
  // N processes emptying and appending to one file would interleave and clobber each other's lines.
  if (journalFile !== undefined && workers > 1) throw new UsageError('--journal-file is written by one process: it cannot be used with --workers');
  const fixturesPath = settings.fixturesPath ?? DEFAULT_FIXTURES_PATH;
  const fixtures = config.fixtures;
  const empty = emptyApis(fixtures).filter((a) => api === 'both' || api === a);
  if (empty.length > 0 && !isWorker()) {
    const what = empty.map((a) => (a === 'livevox' ? 'no LiveVox client' : 'no LoudVoice site')).join(' and ');
    console.error(`session-kit: warning: ${fixturesPath} has ${what}, so nothing can log in there; starting anyway`);
  }
  const apis = api === 'both' ? 'LiveVox + LoudVoice' : api === 'livevox' ? 'LiveVox' : 'LoudVoice';
  const banner = (address: string) => {
    const everywhere = /^http:\/\/(0\.0\.0\.0|\[::\]):/.test(address);
    console.log(`session-kit ${apis} mock listening on ${address}${everywhere ? ' (every interface)' : ''}${workers > 1 ? ` (${workers} workers)` : ''}`);
    console.log(`  fixtures: ${fixturesPath}`);
    if (values.state) console.log(`  state: ${values.state} (saved every ${stateInterval} ms when changed, and on SIGTERM or SIGINT)`);
    if (store) console.log(`  store: ${redactRedisUrl(store.url)} (shared by every instance on it)`);
    console.log(`  clock: ${values.clock}${adminEnabled ? ` (move it with POST ${address}/__admin/clock)` : ''}`);
    if (latency) console.log(`  latency: ${latency.minMs === latency.maxMs ? `${latency.minMs} ms` : `${latency.minMs}-${latency.maxMs} ms`} before every API request`);
    if (faults.size > 0) console.log(`  TEST FAULTS ON: ${[...faults].join(', ')} (this server is deliberately wrong)`);
    if (variants.size > 0) console.log(`  TEST VARIANTS ON: ${[...variants].join(', ')} (legitimate vendor choices, not the reference's)`);
    if (journalFile !== undefined) console.log(`  journal file: ${journalFile} (every exchange, redacted, with its verdict)`);
    if (cors) console.log(`  CORS: on for ${cors.origin === '*' ? 'any origin' : cors.origin.join(', ')}`);
    if (adminEnabled && allowedHosts.length > 0) console.log(`  admin hosts: localhost, IP addresses and ${allowedHosts.join(', ')}`);
    if (!adminEnabled) console.log('  admin controls: off');
    else if (adminToken !== undefined) console.log('  admin controls: on, token required');
    if (adminEnabled) console.log(`  console: ${address}/__admin/ui${adminToken !== undefined ? ' (it asks for the admin token)' : ''}`);
  };
  // --workers N: this process only forks and watches the workers, which run this same command.
  if (workers > 1 && !isWorker()) return runWorkers(workers, banner);

  const clock = new ControlledClock(settings.clockMode, settings.clockStart);
  const idp = adminEnabled ? await TestIdentityProvider.create() : undefined;
  const app = await buildApp(
    {
      ...config,
      ...(values.state
        ? {
            stateFile: {
              path: values.state,
              intervalMs: stateInterval,
              // A save that fails is said on stderr, not only in the JSON log: the state is at risk until it works.
              onSave: (event) =>
                console.error(
                  event.kind === 'failed'
                    ? `session-kit: WARNING: the state was not saved: ${event.reason}; trying again every ${stateInterval} ms`
                    : `session-kit: the state is saved to ${values.state} again`,
                ),
            },
          }
        : {}),
      // A write that fails is said on stderr: the file is evidence, a gap in it matters.
      ...(journalFile !== undefined ? { journalFile: { path: journalFile, onError: (error: Error) => console.error(`session-kit: WARNING: ${error.message}`) } } : {}),
    },
    { clock, ids: cryptoIds, ...(idp ? { idp } : {}) },
  );
  try {
    await app.listen({ host, port });
  } catch (error) {
    throw new CannotStartError(whyNotListening(error, values.host, port));
  }
  // What was actually bound: 0.0.0.0 stays 0.0.0.0 (fastify's own address would name one interface), port 0 its port.
  const bound = app.server.address() as AddressInfo;
  const address = urlOf(bound);
  if (isWorker()) reportListening(address);
  else banner(address);

  onStop(env, (why) => {
    console.log(`session-kit: ${why}, closing`);
    app.close().then(
      () => process.exit(0),
      (error: Error) => {
        console.error(`session-kit: ${error instanceof StateFileError ? 'the final save of the state failed' : error instanceof JournalFileError ? 'the journal file was not fully written' : 'closing failed'}: ${error.message}`);
        process.exit(1);
      },
    );
  });
}

export { FixtureError };
