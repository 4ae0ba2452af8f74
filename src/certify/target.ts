// What the conformance kit runs against: where each API is served, credentials (read from environment variables, never
// from the file itself unless they are public test fixtures), and which capabilities the deployment offers. The file's
// shape is conformance/targets/target.schema.json; docs/target-file.md explains every key.
import { TargetError } from './target-error.js';
import { readFileSync } from 'node:fs';
import { jsonErrorLine, targetFileProblems } from './target-schema.js';

/** A credential in a target file: a literal (public test fixtures only) or `{ "env": "NAME" }`. */
export type SecretRef = string | { env: string };

/** The APIs the kit certifies. */
export type ApiName = 'livevox' | 'loudvoice';

/**
 * A target file as written by a vendor or CI: the TypeScript face of target.schema.json (a test keeps the two in
 * agreement, key for key).
 */
export interface TargetFile {
  /** The schema the file follows, for editors; ignored by the kit. */
  $schema?: string;
  name: string;
  /** Serves both APIs and their admin calls; optional when every certified API gives its own baseUrl. */
  baseUrl?: string;
  apis?: ApiName[];
  /**
   * What the deployment offers beyond the vendors' APIs; each one left out is probed before the run. clock: POST
   * /__admin/clock moves time; reset: POST /__admin/reset; idp: POST /__idp/token mints ID tokens; sessionDetails: GET
   * /session/details; ssoLogin: POST /session/sso/login; callCenters: GET /configuration/v6.0/callCenters.
   */
  capabilities?: Partial<Capabilities>;
  adminToken?: SecretRef;
  livevox?: {
    /** Where the LiveVox API and its admin calls go, when not to the top-level baseUrl. */
    baseUrl?: string;
    /** A client with at least two API tokens, a user and an agent. */
    primary: { clientName: string; apiTokens: SecretRef[]; user: Principal; agent?: Principal; ssoAudience?: string };
    /** A second client (for "a token of another client is refused"). */
    secondary?: { clientName: string; apiToken: SecretRef; user: Principal };
    /** A user whose password the kit may change (it changes it back). Omit to skip the password-change rules. */
    passwordUser?: Principal;
  };
  loudvoice?: {
    /** Where the LoudVoice API and its admin calls go, when not to the top-level baseUrl. */
    baseUrl?: string;
    publicKey: SecretRef;
    privateKey: SecretRef;
    /** A Social Login identity token the deployment knows (for the identity_token session variant). */
    identityToken?: SecretRef;
  };
}

/** A user or agent's credentials. */
export interface Principal {
  userName: string;
  password: SecretRef;
}

/** What a deployment offers beyond what the vendors document (session-kit's test controls and designed endpoints). */
export interface Capabilities {
  clock: boolean;
  reset: boolean;
  idp: boolean;
  sessionDetails: boolean;
  ssoLogin: boolean;
  callCenters: boolean;
}

/** Every capability, in the order reports list them. */
export const CAPABILITY_NAMES: readonly (keyof Capabilities)[] = ['clock', 'reset', 'idp', 'sessionDetails', 'ssoLogin', 'callCenters'];

/** A target with every secret resolved, as the suites receive it. */
export interface Target {
  name: string;
  /** The top-level base URL, or when the file gives none, the first certified API's own (a name for reports). */
  baseUrl: string;
  /** Each certified API's own base URL: that API's traffic and its admin calls go there (see `apiBaseUrl`). */
  baseUrls?: Partial<Record<ApiName, string>>;
  apis: ApiName[];
  capabilities: Capabilities;
  /** Why each absent capability is absent (stated in the target file, or what the probe saw). */
  absent?: Partial<Record<keyof Capabilities, string>>;
  /** The capabilities the target file states; the others are probed before the run. */
  stated?: Partial<Capabilities>;
  adminToken?: string;
  livevox?: {
    primary: { clientName: string; apiTokens: string[]; user: ResolvedPrincipal; agent?: ResolvedPrincipal; ssoAudience?: string };
    secondary?: { clientName: string; apiToken: string; user: ResolvedPrincipal };
    passwordUser?: ResolvedPrincipal;
    /** The passwords this run may set on passwordUser (src/certify/kit-passwords.ts); each is among `secrets`. */
    kitPasswords?: string[];
  };
  loudvoice?: { publicKey: string; privateKey: string; identityToken?: string };
  /**
   * Where each API's traffic goes through a Prism proxy (`--prism`), which forwards it to the API's own base URL;
   * admin calls never go through a proxy.
   */
  apiBaseUrls?: Partial<Record<ApiName, string>>;
  /** Every resolved secret, so reports can redact them. */
  secrets: string[];
}

/** Resolved credentials of a user or agent. */
export interface ResolvedPrincipal {
  userName: string;
  password: string;
}

export { TargetError };

/** The environment variable through which the runner hands every suite file the same run tag. */
export const RUN_TAG_ENV = 'SESSION_KIT_RUN_TAG';

/** A fresh run tag: the prefix of every reference a run creates (`session-kit-run-...`). */
export const newRunTag = (): string => `session-kit-run-${Date.now().toString(36)}${Math.floor(Math.random() * 1e6).toString(36)}`;

/** The folder the kit was started from: where a note only its user may read goes (a password it could not restore). */
export const WORKDIR_ENV = 'SESSION_KIT_WORKDIR';

/** The environment variable through which the runner hands the resolved target to the suites. */
export const TARGET_ENV = 'SESSION_KIT_TARGET';

/** The session-kit reference with its default fixtures: what `--target URL` means. */
export function referenceTarget(baseUrl: string): TargetFile {
  return {
    name: `session-kit reference at ${baseUrl}`,
    baseUrl,
    apis: ['livevox', 'loudvoice'],
    adminToken: { env: 'SESSION_KIT_ADMIN_TOKEN' },
    livevox: {
      primary: {
        clientName: 'DEMO',
        apiTokens: ['11111111-1111-4111-8111-111111111111', '22222222-2222-4222-8222-222222222222'],
        user: { userName: 'demo.user', password: 'Demo-Pass-1' },
        agent: { userName: 'demo.agent', password: 'Agent-Pass-1' },
        ssoAudience: 'livevox-demo',
      },
      secondary: { clientName: 'OTHER', apiToken: '33333333-3333-4333-8333-333333333333', user: { userName: 'other.user', password: 'Other-Pass-1' } },
      passwordUser: { userName: 'demo.user', password: 'Demo-Pass-1' },
    },
    loudvoice: {
      publicKey: 'aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa',
      privateKey: 'bbbbbbbb-bbbb-4bbb-8bbb-bbbbbbbbbbbb',
      identityToken: 'd86196e7-969d-48ad-8fe1-63a1f074f9b0',
    },
  };
}

/**
 * Reads a target file (JSON) or takes a URL as the session-kit reference at that address. A file is checked against
 * the target schema before anything is sent: a TargetError names the first problem in one line (`file: path: what`).
 */
export function readTargetFile(fileOrUrl: string): TargetFile {
  if (/^https?:\/\//.test(fileOrUrl)) return referenceTarget(fileOrUrl.replace(/\/+$/, ''));
  let text: string;
  try {
    text = readFileSync(fileOrUrl, 'utf8');
  } catch (error) {
    const { code, message } = error as NodeJS.ErrnoException;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : code === 'EISDIR' ? 'is a directory, not a file' : (code ?? message);
    throw new TargetError(`${fileOrUrl}: cannot read the target file (${why})`);
  }
  // Editors on Windows may save a byte order mark; JSON.parse would call it an unexpected token.
  text = text.replace(/^\uFEFF/, '');
  if (text.trim() === '') throw new TargetError(`${fileOrUrl}: the target file is empty (see docs/target-file.md)`);
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new TargetError(`${fileOrUrl}: ${jsonErrorLine(text, error as Error)}`);
  }
  const [first] = targetFileProblems(data);
  if (first !== undefined) throw new TargetError(`${fileOrUrl}: ${first}`);
  return data as TargetFile;
}

/** Where a run goes, for a report: `livevox, loudvoice at URL`, or `livevox at URL1, loudvoice at URL2`. */
export function whereApisAre(target: Pick<Target, 'baseUrl' | 'baseUrls'>, apis: readonly ApiName[]): string {
  const urls = apis.map((api) => apiBaseUrl(target, api));
  if (new Set(urls).size <= 1) return `${apis.join(', ')} at ${urls[0] ?? target.baseUrl}`;
  return apis.map((api, i) => `${api} at ${urls[i]}`).join(', ');
}

/** The base URL of one API of a target: its own when the file gives one, else the top-level one. */
export function apiBaseUrl(target: Pick<Target, 'baseUrl' | 'baseUrls'>, api: ApiName): string {
  return target.baseUrls?.[api] ?? target.baseUrl;
}

/** Resolves every secret reference from the environment; a missing variable is an error that names it. */
export function resolveTarget(file: TargetFile, env: NodeJS.ProcessEnv): Target {
  const secrets: string[] = [];
  const secret = (ref: SecretRef, where: string, optional = false): string | undefined => {
    const value = typeof ref === 'string' ? ref : env[ref.env];
    if (value === undefined || value === '') {
      if (optional) return undefined;
      throw new TargetError(`${where}: environment variable ${(ref as { env: string }).env} is not set`);
    }
    secrets.push(value);
    return value;
  };
  const principal = (p: Principal, where: string): ResolvedPrincipal => ({ userName: p.userName, password: secret(p.password, `${where}.password`)! });
  // An API listed without its section has nothing to log in with: it is not certified (the schema refuses such files).
  const apis = (file.apis ?? (['livevox', 'loudvoice'] as const)).filter((a) => file[a] !== undefined);
  if (apis.length === 0) throw new TargetError('the target gives neither livevox nor loudvoice credentials');
  const trim = (url: string) => url.replace(/\/+$/, '');
  const baseUrls: Partial<Record<ApiName, string>> = {};
  for (const api of apis) {
    const url = file[api]?.baseUrl ?? file.baseUrl;
    if (url === undefined) throw new TargetError(`${api} has no base URL: give baseUrl, or ${api}.baseUrl`);
    baseUrls[api] = trim(url);
  }
  const target: Target = {
    name: file.name,
    baseUrl: file.baseUrl === undefined ? baseUrls[apis[0]!]! : trim(file.baseUrl),
    baseUrls,
    apis: [...apis],
    // Until the probe has run, only what the file states counts.
    capabilities: Object.fromEntries(CAPABILITY_NAMES.map((c) => [c, file.capabilities?.[c] === true])) as unknown as Capabilities,
    stated: { ...file.capabilities },
    secrets,
  };
  const adminToken = file.adminToken === undefined ? undefined : secret(file.adminToken, 'adminToken', true);
  if (adminToken !== undefined) target.adminToken = adminToken;
  if (file.livevox && apis.includes('livevox')) {
    const { primary, secondary, passwordUser } = file.livevox;
    target.livevox = {
      primary: {
        clientName: primary.clientName,
        apiTokens: primary.apiTokens.map((t, i) => secret(t, `livevox.primary.apiTokens.${i}`)!),
        user: principal(primary.user, 'livevox.primary.user'),
        ...(primary.agent ? { agent: principal(primary.agent, 'livevox.primary.agent') } : {}),
        ...(primary.ssoAudience ? { ssoAudience: primary.ssoAudience } : {}),
      },
      ...(secondary
        ? { secondary: { clientName: secondary.clientName, apiToken: secret(secondary.apiToken, 'livevox.secondary.apiToken')!, user: principal(secondary.user, 'livevox.secondary.user') } }
        : {}),
      ...(passwordUser ? { passwordUser: principal(passwordUser, 'livevox.passwordUser') } : {}),
    };
  }
  if (file.loudvoice && apis.includes('loudvoice')) {
    const identityToken = file.loudvoice.identityToken === undefined ? undefined : secret(file.loudvoice.identityToken, 'loudvoice.identityToken', true);
    target.loudvoice = {
      publicKey: secret(file.loudvoice.publicKey, 'loudvoice.publicKey')!,
      privateKey: secret(file.loudvoice.privateKey, 'loudvoice.privateKey')!,
      ...(identityToken ? { identityToken } : {}),
    };
  }
  return target;
}

/** The target the runner handed over, or undefined when the suites run outside the runner. */
export function targetFromEnv(env: NodeJS.ProcessEnv = process.env): Target | undefined {
  const raw = env[TARGET_ENV];
  return raw ? (JSON.parse(raw) as Target) : undefined;
}

/** Replaces every secret in a text by a marker, so reports and counterexamples can be shared. */
export function redact(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const s of [...secrets].sort((a, b) => b.length - a.length)) {
    if (s.length >= 4) out = out.split(s).join(`«redacted…${s.slice(-2)}»`);
  }
  return out;
}
