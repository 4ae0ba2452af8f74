import { parseArgs } from 'node:util';
import { DEFAULT_FIXTURES_PATH, FixtureError, loadFixtures } from '../config/fixtures.js';
import { FAULTS, isFaultName, type FaultName } from '../core/faults.js';
import { isVariantName, VARIANTS, type VariantName } from '../core/variants.js';
import { parseLatency, type LatencyRange } from '../chaos/chaos-rules.js';
import { buildApp, DEFAULT_CONFIG, type ApiSelection } from '../http/app.js';
import { ControlledClock } from '../runtime/clock.js';
import { cryptoIds } from '../runtime/ids.js';
import { TestIdentityProvider } from '../sso/test-identity-provider.js';
import { UsageError } from './usage-error.js';

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
  --state FILE           keep the state across restarts: load FILE at start (if it exists), save it every
                         --state-interval ms when something changed and on SIGTERM (atomic write-then-rename)
  --state-interval MS    how often the state is saved (default 1000)
  --body-limit BYTES     largest request body (default 1048576)
  --latency MS[-MS]      delay every API request (not /__admin): MS always, or MIN-MAX drawn from a fixed seed
                         (so a run repeats); more faults per rule with POST /__admin/chaos
  --log-level LEVEL      fatal | error | warn | info | debug | silent (default info)
  --log-requests         one log line per request (ids in paths redacted)
  --fault NAME           start with a deliberate defect (repeatable; test-only: needs --enable-test-faults)
  --variant NAME         start with a legitimate vendor variant (repeatable; test-only: needs --enable-test-faults)
  --enable-test-faults   allow --fault and --variant; never use it for a mock people rely on
  --help                 this text

Test-only faults (each a realistic defect the conformance kit must catch):
${Object.entries(FAULTS)
  .map(([name, f]) => `  ${name.padEnd(40)} ${f.what}`)
  .join('\n')}

Test-only variants (each a different but correct vendor choice the conformance kit must accept):
${Object.entries(VARIANTS)
  .map(([name, v]) => `  ${name.padEnd(40)} ${v.what}`)
  .join('\n')}`;

const LOOPBACK = /^(127\.\d{1,3}\.\d{1,3}\.\d{1,3}|::1|\[::1\]|localhost)$/;

/** Starts the server as argv says; resolves once it listens. */
export async function serve(argv: string[], env: NodeJS.ProcessEnv): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: {
      host: { type: 'string', default: '127.0.0.1' },
      port: { type: 'string', default: '4010' },
      api: { type: 'string', default: 'both' },
      fixtures: { type: 'string' },
      clock: { type: 'string', default: 'system' },
      'clock-start': { type: 'string' },
      'admin-token': { type: 'string' },
      'no-admin': { type: 'boolean', default: false },
      'body-limit': { type: 'string', default: String(DEFAULT_CONFIG.bodyLimit) },
      latency: { type: 'string' },
      state: { type: 'string' },
      'state-interval': { type: 'string', default: '1000' },
      'log-level': { type: 'string', default: 'info' },
      'log-requests': { type: 'boolean', default: false },
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
  let latency: LatencyRange | null = null;
  if (values.latency !== undefined) {
    latency = parseLatency(values.latency);
    if (!latency) throw new UsageError(`--latency must be MS or MIN-MAX in milliseconds (at most 600000, MIN <= MAX), not "${values.latency}"`);
  }
  const levels = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];
  if (!levels.includes(values['log-level'])) throw new UsageError(`--log-level must be one of ${levels.join(', ')}`);

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

  const fixturesPath = values.fixtures ?? DEFAULT_FIXTURES_PATH;
  const fixtures = loadFixtures(fixturesPath);
  const clock = new ControlledClock(values.clock, start);
  const idp = adminEnabled ? await TestIdentityProvider.create() : undefined;
  const app = await buildApp(
    {
      ...DEFAULT_CONFIG,
      api,
      fixtures,
      admin: { enabled: adminEnabled, ...(adminToken !== undefined ? { token: adminToken } : {}) },
      bodyLimit,
      logLevel: values['log-level'],
      logRequests: values['log-requests'],
      faults,
      variants,
      latency,
      ...(values.state ? { stateFile: { path: values.state, intervalMs: stateInterval } } : {}),
    },
    { clock, ids: cryptoIds, ...(idp ? { idp } : {}) },
  );
  const address = await app.listen({ host: values.host, port });
  const apis = api === 'both' ? 'LiveVox + LoudVoice' : api === 'livevox' ? 'LiveVox' : 'LoudVoice';
  console.log(`session-kit ${apis} mock listening on ${address}`);
  console.log(`  fixtures: ${fixturesPath}`);
  if (values.state) console.log(`  state: ${values.state} (saved every ${stateInterval} ms and on SIGTERM)`);
  console.log(`  clock: ${values.clock}${adminEnabled ? ` (move it with POST ${address}/__admin/clock)` : ''}`);
  if (latency) console.log(`  latency: ${latency.minMs === latency.maxMs ? `${latency.minMs} ms` : `${latency.minMs}-${latency.maxMs} ms`} before every API request`);
  if (faults.size > 0) console.log(`  TEST FAULTS ON: ${[...faults].join(', ')} (this server is deliberately wrong)`);
  if (variants.size > 0) console.log(`  TEST VARIANTS ON: ${[...variants].join(', ')} (legitimate vendor choices, not the reference's)`);
  if (!adminEnabled) console.log('  admin controls: off');
  else if (adminToken !== undefined) console.log('  admin controls: on, token required');

  let closing = false;
  const shutdown = (signal: string) => {
    if (closing) return;
    closing = true;
    console.log(`session-kit: ${signal}, closing`);
    app.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGINT', () => shutdown('SIGINT'));
  process.once('SIGTERM', () => shutdown('SIGTERM'));
}

export { FixtureError };
