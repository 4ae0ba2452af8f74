// The serve options as data, checked and turned into what buildApp takes, in one place: `session-kit serve` (argv
// through parseArgs) and `startMock()` (an options object in an integrator's test) both come here, so a mock started
// in a test process is configured, refused and defaulted exactly as the command line's.
import { isIP } from 'node:net';
import { checkFixtures, DEFAULT_FIXTURES_PATH, loadFixtures } from '../config/fixtures.js';
import { FAULTS, isFaultName, type FaultName } from '../core/faults.js';
import { isVariantName, VARIANTS, type VariantName } from '../core/variants.js';
import { parseLatency, type LatencyRange } from '../chaos/chaos-rules.js';
import type { CorsConfig } from '../admin/http/cors.js';
import type { RedisStoreOptions } from '../store/redis-store.js';
import { DEFAULT_CONFIG, type AppConfig } from './app.js';
import type { ServeOptions } from './serve-options.js';

export type { ServeOptions } from './serve-options.js';

/** A serve option that cannot be used as given; the CLI reports it as a usage error (exit 2). */
export class ServeOptionError extends Error {
  override name = 'ServeOptionError';
}

/** The checked options: what buildApp takes, and what starting and the banner need besides. */
export interface ServeSettings {
  /** Without the state file and journal file hooks, which the caller adds (their messages depend on where they go). */
  config: AppConfig;
  /** The address to bind, bare (IPv6 without brackets), and the address as given (for messages). */
  host: string;
  hostAsGiven: string;
  port: number;
  fixturesPath: string | undefined;
  clockMode: 'system' | 'fixed';
  clockStart: number;
  adminEnabled: boolean;
  adminToken: string | undefined;
  allowedHosts: string[];
  store: RedisStoreOptions | undefined;
  stateFile: string | undefined;
  stateInterval: number;
  journalFile: string | undefined;
  latency: LatencyRange | null;
  faults: Set<FaultName>;
  variants: Set<VariantName>;
  cors: CorsConfig | undefined;
}

/** A loopback bind address: the admin controls may answer without a token there. */
export const LOOPBACK = /^(127\.\d{1,3}\.\d{1,3}\.\d{1,3}|::1|\[::1\]|localhost)$/;
/** A DNS name (RFC 1123 labels): what --host takes besides an IP address. */
const HOST_NAME = /^(?=.{1,253}\.?$)[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*\.?$/;

/** The value of --cors as a CORS configuration: `*` (or nothing) for any origin, else a comma-separated list of origins. */
export function parseCorsOption(value: string): CorsConfig {
  const origins = value
    .split(',')
    .map((o) => o.trim())
    .filter((o) => o !== '');
  if (origins.length === 0 || origins.includes('*')) return { origin: '*' };
  for (const origin of origins) {
    if (!/^https?:\/\/[^/\s]+$/.test(origin)) throw new ServeOptionError(`--cors takes origins such as http://localhost:3000 (scheme and host, no path), not "${origin}"`);
  }
  return { origin: origins };
}

/** The values of --allowed-host (or SESSION_KIT_ALLOWED_HOSTS) as lower-case host names; `.NAME` keeps its dot. */
export function parseAllowedHosts(values: string[]): string[] {
  const hosts = values.map((v) => v.trim().toLowerCase().replace(/\.$/, '')).filter((v) => v !== '');
  for (const host of hosts) {
    const name = host.startsWith('.') ? host.slice(1) : host;
    if (!HOST_NAME.test(name) && isIP(name.replace(/^\[(.*)\]$/, '$1')) === 0) {
      throw new ServeOptionError(`--allowed-host takes a host name such as mock.test or .mock.test (no scheme, no port), not "${host}"`);
    }
  }
  return hosts;
}

/** The --store value: undefined for the in-process memory store, else the Redis store's options. */
export function readStore(value: string): RedisStoreOptions | undefined {
  if (value === 'memory') return undefined;
  if (!/^rediss?:\/\/[^/?#\s]+(\/\d{1,2})?$/.test(value)) {
    throw new ServeOptionError(`--store must be memory or redis://[user:password@]HOST:PORT[/DB], not "${value.replace(/\/\/[^@/]*@/, '//***@')}"`);
  }
  return { url: value };
}

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

/** Checks the options as `serve` does and builds the server's configuration; throws ServeOptionError. */
export function serveSettings(options: ServeOptions, env: Readonly<Record<string, string | undefined>>): ServeSettings {
  const api = options.api ?? 'both';
  if (!['livevox', 'loudvoice', 'both'].includes(api)) throw new ServeOptionError(`--api must be livevox, loudvoice or both, not "${api}"`);
  const hostAsGiven = options.host ?? '127.0.0.1';
  // [::1] is how an IPv6 address reads in a URL; listening takes it bare.
  const host = /^\[.*\]$/.test(hostAsGiven) ? hostAsGiven.slice(1, -1) : hostAsGiven;
  if (isIP(host) === 0 && !HOST_NAME.test(host)) throw new ServeOptionError(`--host must be an IP address or a host name (such as 127.0.0.1, ::1, 0.0.0.0 or localhost), not "${hostAsGiven}"`);
  const port = Number(options.port ?? 4010);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new ServeOptionError(`--port must be a port number, not "${options.port}"`);
  const bodyLimit = Number(options.bodyLimit ?? DEFAULT_CONFIG.bodyLimit);
  if (!Number.isSafeInteger(bodyLimit) || bodyLimit < 1024) throw new ServeOptionError('--body-limit must be an integer of at least 1024');
  const clockMode = options.clock ?? 'system';
  if (clockMode !== 'system' && clockMode !== 'fixed') throw new ServeOptionError(`--clock must be system or fixed, not "${String(clockMode)}"`);
  let clockStart = Date.now();
  if (options.clockStart !== undefined) {
    const given = options.clockStart;
    clockStart = given instanceof Date ? given.getTime() : typeof given === 'number' ? given : Date.parse(given);
    if (!Number.isSafeInteger(clockStart)) throw new ServeOptionError('--clock-start must be an ISO-8601 date-time');
  }
  const stateInterval = Number(options.stateInterval ?? 1000);
  if (!Number.isSafeInteger(stateInterval) || stateInterval < 10) throw new ServeOptionError('--state-interval must be an integer of at least 10 (ms)');
  const store = readStore(options.store ?? (env.SESSION_KIT_STORE || 'memory'));
  if (store && options.state) throw new ServeOptionError("--state keeps one process's state in a file; with --store redis://... the state is in Redis: use one or the other");
  let latency: LatencyRange | null = null;
  if (options.latency !== undefined) {
    latency = parseLatency(String(options.latency));
    if (!latency) throw new ServeOptionError(`--latency must be MS or MIN-MAX in milliseconds (at most 600000, MIN <= MAX), not "${options.latency}"`);
  }
  const logLevel = options.logLevel ?? 'info';
  if (!LOG_LEVELS.includes(logLevel)) throw new ServeOptionError(`--log-level must be one of ${LOG_LEVELS.join(', ')}`);

  const journalText = String(options.journalSize ?? DEFAULT_CONFIG.journalSize);
  const journalSize = Number(journalText);
  if (!/^\d+$/.test(journalText) || !Number.isSafeInteger(journalSize) || journalSize < 1 || journalSize > 100_000) {
    throw new ServeOptionError('--journal-size must be an integer from 1 to 100000 (use --no-journal to turn the journal off)');
  }
  const journalFile = options.journalFile;
  if (journalFile !== undefined && journalFile.trim() === '') throw new ServeOptionError('--journal-file needs a file name');
  const cors = options.cors === undefined ? undefined : parseCorsOption(options.cors === true ? '*' : options.cors);

  const faults = new Set<FaultName>();
  for (const name of options.faults ?? []) {
    if (!options.enableTestFaults) throw new ServeOptionError('--fault is for testing the conformance kit only: it needs --enable-test-faults');
    if (!isFaultName(name)) throw new ServeOptionError(`unknown fault "${name}"; known: ${Object.keys(FAULTS).join(', ')}`);
    faults.add(name);
  }
  const variants = new Set<VariantName>();
  for (const name of options.variants ?? []) {
    if (!options.enableTestFaults) throw new ServeOptionError('--variant is for testing the conformance kit only: it needs --enable-test-faults');
    if (!isVariantName(name)) throw new ServeOptionError(`unknown variant "${name}"; known: ${Object.keys(VARIANTS).join(', ')}`);
    variants.add(name);
  }

  const adminEnabled = options.admin !== false;
  const adminToken = options.adminToken ?? (env.SESSION_KIT_ADMIN_TOKEN || undefined);
  if (adminEnabled && adminToken === undefined && !LOOPBACK.test(hostAsGiven)) {
    throw new ServeOptionError(
      `refusing to serve the admin controls on ${hostAsGiven} without a token: they move the clock and reset state.\n` +
        'Set --admin-token TOKEN (or SESSION_KIT_ADMIN_TOKEN), or pass --no-admin.',
    );
  }
  const givenHosts = options.allowedHosts ?? [];
  const allowedHosts = parseAllowedHosts([...givenHosts, ...(givenHosts.length === 0 ? (env.SESSION_KIT_ALLOWED_HOSTS ?? '').split(',') : [])]);
  // On loopback every Host but the unrebindable ones and the allowed is refused (src/admin/http/admin-guard.ts). On any other
  // bind the admin token already guards every data route, so the Host is checked only when hosts were named.
  const hostCheck: 'any' | string[] = LOOPBACK.test(hostAsGiven) || allowedHosts.length > 0 ? allowedHosts : 'any';

  // Fixtures given as an object are checked like a file's, so a typo in a test's fixtures is as loud as in a file.
  const given = options.fixtures;
  const fixturesPath = typeof given === 'string' ? given : given === undefined ? DEFAULT_FIXTURES_PATH : undefined;
  const fixtures = fixturesPath !== undefined ? loadFixtures(fixturesPath) : checkFixtures(given, '(fixtures given to startMock)');

  const config: AppConfig = {
    ...DEFAULT_CONFIG,
    api,
    fixtures,
    admin: { enabled: adminEnabled, allowedHosts: hostCheck, ...(adminToken !== undefined ? { token: adminToken } : {}) },
    bodyLimit,
    logLevel,
    logRequests: options.logRequests ?? false,
    faults,
    variants,
    latency,
    ...(store ? { redis: store } : {}),
    journalSize: options.journal === false ? 0 : journalSize,
    ...(cors ? { cors } : {}),
  };
  return {
    config,
    host,
    hostAsGiven,
    port,
    fixturesPath,
    clockMode,
    clockStart,
    adminEnabled,
    adminToken,
    allowedHosts,
    store,
    stateFile: options.state,
    stateInterval,
    journalFile,
    latency,
    faults,
    variants,
    cors,
  };
}
