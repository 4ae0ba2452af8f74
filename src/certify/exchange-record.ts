// One HTTP exchange of a run as the suites' worker hands it to the runner (one NDJSON line each), redacted before it
// is written: the evidence of a bundle is shareable from the moment it touches the disk. Credentials are replaced by
// markers that say where the value came from (which field of the target file, which earlier response), so a replay can
// put the replaying target's own values back without the bundle ever holding one.
import { appendFileSync, readFileSync } from 'node:fs';
import { redact, type Target } from './target.js';

/** The key under which the runner provides the path of the run's exchange log to the suites (vitest `provide`). */
export const EXCHANGE_LOG_KEY = 'sessionKitExchangeLog';

/** One recorded exchange, redacted. `note` marks an admin call that the report shows as a step of the story. */
export interface ExchangeRecord {
  /** Stable id within the run: failures name the exchanges they show by it, the HAR carries it as `_id`. */
  id: string;
  /** The suite file and test that sent it (empty outside a test: a file's set-up). */
  file: string;
  test: string;
  /**
   * Which API's contract it was sent to, `admin` for the target's test controls (/__admin/, /__idp/), or `runner` for
   * the runner's own probe before the suites and clean-up after them (the `test` then says which).
   */
  api: 'livevox' | 'loudvoice' | 'admin' | 'runner';
  startedAt: string;
  durationMs: number;
  note?: string;
  method: string;
  url: string;
  requestHeaders: [string, string][];
  requestBody?: string;
  status: number;
  statusText: string;
  responseHeaders: [string, string][];
  responseBody: string;
}

/** The same exchange before redaction, as the worker sees it. */
export type RawExchange = Omit<ExchangeRecord, 'id'>;

/** Headers whose values are credentials in every exchange: never written, whatever their value. */
export const CREDENTIAL_HEADERS = ['lv-access', 'lv-session', 'authorization'] as const;

/** A secret of the target and where the target file put it (`livevox.primary.apiTokens.0`). */
export interface SecretPlace {
  place: string;
  value: string;
}

/** Every secret of a resolved target with its place, in the target file's order (a value may sit in two places). */
export function secretPlaces(target: Pick<Target, 'adminToken' | 'livevox' | 'loudvoice'>): SecretPlace[] {
  const out: SecretPlace[] = [];
  const add = (place: string, value: string | undefined) => {
    if (value !== undefined && value !== '') out.push({ place, value });
  };
  const lv = target.livevox;
  if (lv) {
    lv.primary.apiTokens.forEach((t, i) => add(`livevox.primary.apiTokens.${i}`, t));
    add('livevox.primary.user.password', lv.primary.user.password);
    add('livevox.primary.agent.password', lv.primary.agent?.password);
    add('livevox.secondary.apiToken', lv.secondary?.apiToken);
    add('livevox.secondary.user.password', lv.secondary?.user.password);
    add('livevox.passwordUser.password', lv.passwordUser?.password);
    // The passwords a run sets on passwordUser are new every run: a replay cannot know them and sends "redacted".
    (lv.kitPasswords ?? []).forEach((p, i) => add(`livevox.kitPasswords.${i}`, p));
  }
  const ld = target.loudvoice;
  if (ld) {
    add('loudvoice.publicKey', ld.publicKey);
    add('loudvoice.privateKey', ld.privateKey);
    add('loudvoice.identityToken', ld.identityToken);
  }
  add('adminToken', target.adminToken);
  return out;
}

/** Shorter values are not replaced (as in `redact`): a 3-character secret would blank out ordinary text. */
const MIN_SECRET_LENGTH = 4;

/** Replaces every secret of the target in a text by `«secret:PLACE»`, then anything `redact` still finds. */
export function redactText(text: string, places: readonly SecretPlace[], secrets: readonly string[]): string {
  let out = text;
  const seen = new Set<string>();
  // Longest first, so a secret that contains another is replaced whole; the first place of a value names it.
  for (const p of [...places].sort((a, b) => b.value.length - a.value.length)) {
    if (p.value.length < MIN_SECRET_LENGTH || seen.has(p.value)) continue;
    seen.add(p.value);
    out = out.split(p.value).join(`«secret:${p.place}»`);
  }
  return redact(out, secrets);
}

const placeOf = (value: string, places: readonly SecretPlace[]) => places.find((p) => p.value === value)?.place;

/**
 * The marker that replaces a credential header's value: `«secret:PLACE»` for a secret of the target file,
 * `«basic:PLACE:PLACE»` for Basic credentials made of them (`?` for a part that is none), `«from:ID:POINTER»` for a
 * value an earlier response gave (a session id), and `«redacted»` for anything else (the kit's deliberately wrong values).
 */
export function credentialMarker(name: string, value: string, places: readonly SecretPlace[], origin: (value: string) => string | undefined): string {
  const lower = name.toLowerCase();
  if (lower === 'authorization') {
    const [scheme = '', ...rest] = value.split(' ');
    const credentials = rest.join(' ');
    if (/^basic$/i.test(scheme)) {
      const decoded = Buffer.from(credentials, 'base64').toString('utf8');
      const colon = decoded.indexOf(':');
      if (colon >= 0) return `${scheme} «basic:${placeOf(decoded.slice(0, colon), places) ?? '?'}:${placeOf(decoded.slice(colon + 1), places) ?? '?'}»`;
      return `${scheme} «redacted»`;
    }
    const place = placeOf(credentials, places);
    return `${scheme} ${place ? `«secret:${place}»` : '«redacted»'}`;
  }
  const place = placeOf(value, places);
  if (place) return `«secret:${place}»`;
  const from = origin(value);
  return from ? `«from:${from}»` : '«redacted»';
}

/** Redacts one exchange: credential headers become markers, every other secret in any text becomes `«secret:PLACE»`. */
export function redactExchange(raw: RawExchange, id: string, target: Pick<Target, 'adminToken' | 'livevox' | 'loudvoice' | 'secrets'>, origin: (value: string) => string | undefined): ExchangeRecord {
  const places = secretPlaces(target);
  const text = (s: string) => redactText(s, places, target.secrets);
  const headers = (list: [string, string][], request: boolean): [string, string][] =>
    list.map(([n, v]) => [n, request && (CREDENTIAL_HEADERS as readonly string[]).includes(n.toLowerCase()) ? credentialMarker(n, v, places, origin) : text(v)]);
  return {
    id,
    file: raw.file,
    test: text(raw.test),
    api: raw.api,
    startedAt: raw.startedAt,
    durationMs: raw.durationMs,
    ...(raw.note !== undefined ? { note: text(raw.note) } : {}),
    method: raw.method,
    url: text(raw.url),
    requestHeaders: headers(raw.requestHeaders, true),
    ...(raw.requestBody !== undefined ? { requestBody: text(raw.requestBody) } : {}),
    status: raw.status,
    statusText: raw.statusText,
    responseHeaders: headers(raw.responseHeaders, false),
    responseBody: text(raw.responseBody),
  };
}

/**
 * The string values of a JSON response with their JSON pointers: where a later request's credential came from. Only
 * values long enough to be ids (8+ characters) are kept, so a "true" or a page number never counts as an origin.
 */
export function originsOf(body: string): [string, string][] {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    return [];
  }
  const out: [string, string][] = [];
  const walk = (v: unknown, pointer: string) => {
    if (typeof v === 'string') {
      if (v.length >= 8) out.push([v, pointer]);
    } else if (Array.isArray(v)) v.forEach((x, i) => walk(x, `${pointer}/${i}`));
    else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) walk(x, `${pointer}/${k.replaceAll('~', '~0').replaceAll('/', '~1')}`);
  };
  walk(json, '');
  return out;
}

/** Reads a run's exchange log (NDJSON); a missing file is an empty log (no test sent anything). */
export function readExchangeLog(file: string): ExchangeRecord[] {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return [];
  }
  return text
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as ExchangeRecord);
}

/**
 * Records the runner's own calls (probe, clean-up) to a run's exchange log, redacted like the suites' exchanges, with
 * ids of their own (`run.N`); `phase` says which part of the run sent them.
 */
export function runnerRecorder(file: string, target: Pick<Target, 'adminToken' | 'livevox' | 'loudvoice' | 'secrets'>): { record: (raw: RawExchange) => void; phase: (name: string) => void } {
  let seq = 0;
  let phase = '';
  const origins = new Map<string, string>();
  return {
    phase: (name) => {
      phase = name;
    },
    record: (raw) => {
      const id = `run.${++seq}`;
      appendFileSync(file, `${JSON.stringify(redactExchange({ ...raw, test: phase }, id, target, (v) => origins.get(v)))}\n`);
      for (const [value, pointer] of originsOf(raw.responseBody)) origins.set(value, `${id}:${pointer}`);
    },
  };
}
