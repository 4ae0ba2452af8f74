import { isIP, type AddressInfo } from 'node:net';
import { parseArgs } from 'node:util';
import { DEFAULT_FIXTURES_PATH, emptyApis, FixtureError, loadFixtures } from '../config/fixtures.js';
import { FAULTS, isFaultName, type FaultName } from '../core/faults.js';
import { isVariantName, VARIANTS, type VariantName } from '../core/variants.js';
import { parseLatency, type LatencyRange } from '../chaos/chaos-rules.js';
import { buildApp, DEFAULT_CONFIG, type ApiSelection } from '../http/app.js';
import type { CorsConfig } from '../admin/http/cors.js';
import { ControlledClock } from '../runtime/clock.js';
import { StateFileError } from '../runtime/state-file.js';
import { cryptoIds } from '../runtime/ids.js';
import { TestIdentityProvider } from '../sso/test-identity-provider.js';
import { CannotStartError, whyNotListening } from './cannot-start.js';
import { onStop } from './on-stop.js';
import { JournalFileError } from '../journal/journal-file.js';
import { UsageError } from './usage-error.js';
import { redactRedisUrl } from '../store/redis-url.js';
import { isWorker, readStore, readWorkers, reportListening, runWorkers } from './workers.js';

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

/** The value of --cors as a CORS configuration: `*` (or nothing) for any origin, else a comma-separated list of origins. */
export function parseCorsOption(value: string): CorsConfig {
  const origins = value
    .split(',')
    .map((o) => o.trim())
    .filter((o) => o !== '');
  if (origins.length === 0 || origins.includes('*')) return { origin: '*' };
  for (const origin of origins) {
    if (!/^https?:\/\/[^/\s]+$/.test(origin)) throw new UsageError(`--cors takes origins such as http://localhost:3000 (scheme and host, no path), not "${origin}"`);
  }
  return { origin: origins };
}

/** The values of --allowed-host (or SESSION_KIT_ALLOWED_HOSTS) as lower-case host names; `.NAME` keeps its dot. */
export function parseAllowedHosts(values: string[]): string[] {
  const hosts = values.map((v) => v.trim().toLowerCase().replace(/\.$/, '')).filter((v) => v !== '');
  for (const host of hosts) {
    const name = host.startsWith('.') ? host.slice(1) : host;
    if (!HOST_NAME.test(name) && isIP(name.replace(/^\[(.*)\]$/, '$1')) === 0) {
      throw new UsageError(`--allowed-host takes a host name such as mock.test or .mock.test (no scheme, no port), not "${host}"`);
    }
  }
  return hosts;
}

const LOOPBACK = /^(127\.\d{1,3}\.\d{1,3}\.\d{1,3}|::1|\[::1\]|localhost)$/;
/** A DNS name (RFC 1123 labels): what --host takes besides an IP address. */
const HOST_NAME = /^(?=.{1,253}\.?$)[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*\.?$/;

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
  const api = values.api as ApiSelection;
  if (!['livevox', 'loudvoice', 'both'].includes(api)) throw new UsageError(`--api must be livevox, loudvoice or both, not "${values.api}"`);
  // [::1] is how an IPv6 address reads in a URL; listening takes it bare.
  const host = /^\[.*\]$/.test(values.host) ? values.host.slice(1, -1) : values.host;
  if (isIP(host) === 0 && !HOST_NAME.test(host)) throw new UsageError(`--host must be an IP address or a host name (such as 127.0.0.1, ::1, 0.0.0.0 or localhost), not "${values.host}"`);
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError(`--port must be a port number, not "${values.port}"`);
  const bodyLimit = Number(values['body-limit']);
  if (!Number.isSafeInteger(bodyLimit) || bodyLimit < 1024) throw new UsageError('--body-limit must be an integer of at least 1024');
  if (values.clock !== 'system' && values.clock !== 'fixed') throw new UsageError(`--clock must be system or fixed, not "${values.clock}"`);
  let start = Date.now();
  if (values['clock-start'] !== undefined) {
    start = Date.parse(values['clock-start']);
    if (Number.isNaN(start)) throw new UsageError('--clock-start must be an ISO-8601 date-time');
  }
  const stateInterval = Number(values['state-interval']);
  if (!Number.isSafeInteger(stateInterval) || stateInterval < 10) throw new UsageError('--state-interval must be an integer of at least 10 (ms)');
  const store = readStore(values.store ?? (env.SESSION_KIT_STORE || 'memory'));
  if (store && values.state) throw new UsageError('--state keeps one process\'s state in a file; with --store redis://... the state is in Redis: use one or the other');
  const workers = readWorkers(values.workers, store !== undefined);
  let latency: LatencyRange | null = null;
  if (values.latency !== undefined) {
    latency = parseLatency(values.latency);
    if (!latency) throw new UsageError(`--latency must be MS or MIN-MAX in milliseconds (at most 600000, MIN <= MAX), not "${values.latency}"`);
  }
  const levels = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];
  if (!levels.includes(values['log-level'])) throw new UsageError(`--log-level must be one of ${levels.join(', ')}`);

  const journalSize = Number(values['journal-size']);
  if (!/^\d+$/.test(values['journal-size']) || !Number.isSafeInteger(journalSize) || journalSize < 1 || journalSize > 100_000) {
    throw new UsageError('--journal-size must be an integer from 1 to 100000 (use --no-journal to turn the journal off)');
  }
  const journalFile = values['journal-file'];
  if (journalFile !== undefined && journalFile.trim() === '') throw new UsageError('--journal-file needs a file name');
  // N processes emptying and appending to one file would interleave and clobber each other's lines.
  if (journalFile !== undefined && workers > 1) throw new UsageError('--journal-file is written by one process: it cannot be used with --workers');
  const cors = values.cors === undefined ? undefined : parseCorsOption(values.cors);

  const faults = new Set<FaultName>();
  for (const name of values.fault) {
    if (!values['enable-test-faults']) throw new UsageError('--fault is for testing the conformance kit only: it needs --enable-test-faults');
    if (!isFaultName(name)) throw new UsageError(`unknown fault "${name}"; known: ${Object.keys(FAULTS).join(', ')}`);
    faults.add(name);
  }
  const variants = new Set<VariantName>();
  for (const name of values.variant) {
    if (!values['enable-test-faults']) throw new UsageError('--variant is for testing the conformance kit only: it needs --enable-test-faults');
    if (!isVariantName(name)) throw new UsageError(`unknown variant "${name}"; known: ${Object.keys(VARIANTS).join(', ')}`);
    variants.add(name);
  }

  const adminEnabled = !values['no-admin'];
  const adminToken = values['admin-token'] ?? (env.SESSION_KIT_ADMIN_TOKEN || undefined);
  if (adminEnabled && adminToken === undefined && !LOOPBACK.test(values.host)) {
    throw new UsageError(
      `refusing to serve the admin controls on ${values.host} without a token: they move the clock and reset state.\n` +
        'Set --admin-token TOKEN (or SESSION_KIT_ADMIN_TOKEN), or pass --no-admin.',
    );
  }

  const allowedHosts = parseAllowedHosts([...values['allowed-host'], ...(values['allowed-host'].length === 0 ? (env.SESSION_KIT_ALLOWED_HOSTS ?? '').split(',') : [])]);
  // On loopback every Host but the unrebindable ones and the allowed is refused (src/admin/http/admin-guard.ts). On any other
  // bind the admin token already guards every data route, so the Host is checked only when hosts were named.
  const hostCheck: 'any' | string[] = LOOPBACK.test(values.host) || allowedHosts.length > 0 ? allowedHosts : 'any';

  const fixturesPath = values.fixtures ?? DEFAULT_FIXTURES_PATH;
  const fixtures = loadFixtures(fixturesPath);
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

  const clock = new ControlledClock(values.clock, start);
  const idp = adminEnabled ? await TestIdentityProvider.create() : undefined;
  const app = await buildApp(
    {
      ...DEFAULT_CONFIG,
      api,
      fixtures,
      admin: { enabled: adminEnabled, allowedHosts: hostCheck, ...(adminToken !== undefined ? { token: adminToken } : {}) },
      bodyLimit,
      logLevel: values['log-level'],
      logRequests: values['log-requests'],
      faults,
      variants,
      latency,
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
      ...(store ? { redis: store } : {}),
      journalSize: values['no-journal'] ? 0 : journalSize,
      // A write that fails is said on stderr: the file is evidence, a gap in it matters.
      ...(journalFile !== undefined ? { journalFile: { path: journalFile, onError: (error: Error) => console.error(`session-kit: WARNING: ${error.message}`) } } : {}),
      ...(cors ? { cors } : {}),
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
