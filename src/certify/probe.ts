// Before a run: is the target reachable, is it the API at all, are its credentials right, and what does it offer
// beyond what the vendors document? Whatever the target file does not state is found out here, over plain HTTP, so
// a bare URL of any deployment gets skips with reasons instead of false failures.
import { apiBaseUrl, CAPABILITY_NAMES, type Capabilities, type Target } from './target.js';
import { adminHeaders, call, SetupError, type Answer } from './target-http.js';

export { SetupError } from './target-http.js';

const describe = (a: Answer) => `${a.status} ${a.contentType || 'without Content-Type'}${a.text ? `: ${a.text.slice(0, 120).replace(/\s+/g, ' ')}` : ''}`;
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** What the probe found: the capabilities, why each absent one is absent, and the probe's own log lines. */
export interface ProbeResult {
  capabilities: Capabilities;
  absent: Partial<Record<keyof Capabilities, string>>;
}

/** What each capability is, as a skip reason names it. */
const CAPABILITY_LABELS: Record<keyof Capabilities, string> = {
  clock: 'clock control',
  reset: 'reset control',
  idp: 'test identity provider',
  sessionDetails: 'session details (GET /session/details)',
  ssoLogin: "SSO login at session-kit's path",
  callCenters: 'callCenters (Configuration API)',
};

/**
 * Checks the target can be certified at all and probes every capability the target file leaves out. Throws a
 * SetupError (exit 2) for an unreachable target, a target that is not the API, or refused credentials.
 */
export async function probeTarget(target: Target): Promise<ProbeResult> {
  const found: Partial<Capabilities> = {};
  const absent: ProbeResult['absent'] = {};
  const stated = target.stated ?? {};
  const note = (cap: keyof Capabilities, present: boolean, why: string) => {
    if (cap in stated) return;
    found[cap] = present;
    if (!present) absent[cap] = why;
  };

  // The admin API (clock and reset) and the test identity provider: session-kit's own test controls. They live with
  // the deployment that serves an API, so each API's own base URL is asked (once when both APIs share one), and the
  // clock counts only when every certified API's deployment has it: a suite moves the clock where its API lives.
  const urls = [...new Set(target.apis.map((api) => apiBaseUrl(target, api)))];
  const where = (url: string) => (urls.length > 1 ? ` at ${url}` : '');
  let noAdmin: string | undefined;
  for (const url of urls) {
    const clock = await call(url, 'GET', '/__admin/clock', adminHeaders(target));
    if ((clock.status === 401 || clock.status === 403) && target.adminToken) throw new SetupError(`the target refused the admin token (GET ${where(url) ? url : ''}/__admin/clock answered ${clock.status})`);
    const hasAdmin = clock.status === 200 && isObject(clock.json) && typeof clock.json.epochMs === 'number';
    if ((stated.clock || stated.reset) && !hasAdmin) {
      throw new SetupError(`the target file says the target offers clock/reset controls, but GET ${where(url) ? url : ''}/__admin/clock answered ${describe(clock)}${target.adminToken ? '' : ' (no admin token was given: set SESSION_KIT_ADMIN_TOKEN or adminToken)'}`);
    }
    if (!hasAdmin && noAdmin === undefined) {
      noAdmin = clock.status === 401 || clock.status === 403 ? `the admin API${where(url)} needs a token (set SESSION_KIT_ADMIN_TOKEN)` : `no clock control (GET /__admin/clock is not session-kit's admin API${where(url) || ' here'})`;
    }
  }
  note('clock', noAdmin === undefined, noAdmin ?? '');
  note('reset', noAdmin === undefined, (noAdmin ?? '').replace('no clock control', 'no reset control'));
  // ID tokens are for LiveVox SSO: the identity provider that counts is the LiveVox deployment's.
  const idpUrl = apiBaseUrl(target, target.apis.includes('livevox') ? 'livevox' : target.apis[0]!);
  const jwks = await call(idpUrl, 'GET', '/__idp/jwks.json');
  note('idp', jwks.status === 200 && Array.isArray(jwks.json?.keys), 'no test identity provider to mint ID tokens (GET /__idp/jwks.json)');

  if (target.apis.includes('livevox') && target.livevox) await probeLiveVox(target, apiBaseUrl(target, 'livevox'), note);
  if (target.apis.includes('loudvoice') && target.loudvoice) await probeLoudVoice(target, apiBaseUrl(target, 'loudvoice'));

  const capabilities = Object.fromEntries(CAPABILITY_NAMES.map((c) => [c, c in stated ? stated[c] === true : found[c] === true])) as unknown as Capabilities;
  for (const c of CAPABILITY_NAMES) if (c in stated && !stated[c]) absent[c] = `no ${CAPABILITY_LABELS[c]}: the target file says the target does not offer it`;
  return { capabilities, absent };
}

async function probeLiveVox(target: Target, url: string, note: (cap: keyof Capabilities, present: boolean, why: string) => void): Promise<void> {
  const { primary } = target.livevox!;
  const login = await call(url, 'POST', '/session/login', { 'LV-Access': primary.apiTokens[0]! }, { clientName: primary.clientName, userName: primary.user.userName, password: primary.user.password });
  if (!isObject(login.json) || 'response' in login.json) {
    throw new SetupError(`the target does not look like the LiveVox Session API: POST /session/login answered ${describe(login)}`);
  }
  if (login.status === 401 || login.status === 403) {
    throw new SetupError(`the target refused the login of the target file's primary user (${login.status}): check clientName, apiTokens and the password`);
  }
  const sessionId = typeof login.json.sessionId === 'string' ? login.json.sessionId : undefined;
  if (sessionId) {
    const session = { 'LV-Session': sessionId };
    // Present when a live user session reads it (200), or is refused as unauthenticated although it is live (401: a
    // defect the LV-Session rules must see). Anything else (404, or 403 for the user's role) leaves it out.
    // A 403 is either the user's role or an Authorization error of a target that answers those with 403 (the docs
    // name no status): asked again with the login's LV-Access too, an operation that exists answers 200, and the
    // refusal without it is the defect the LV-Session rules must see.
    const offered = async (path: string): Promise<{ present: boolean; status: number }> => {
      const res = await call(url, 'GET', path, session);
      if (res.status === 200 || res.status === 401) return { present: true, status: res.status };
      if (res.status !== 403) return { present: false, status: res.status };
      const withAccess = await call(url, 'GET', path, { ...session, 'LV-Access': primary.apiTokens[0]! });
      return { present: withAccess.status === 200, status: res.status };
    };
    const details = await offered('/session/details');
    note('sessionDetails', details.present, `no session details operation (GET /session/details is session-kit's design; it answered ${details.status} here)`);
    const centers = await offered('/configuration/v6.0/callCenters');
    note('callCenters', centers.present, `no Configuration API callCenters read for the primary user (it answered ${centers.status} here)`);
    await call(url, 'DELETE', `/session/logout/${encodeURIComponent(sessionId)}`);
  } else {
    // The login broke its own rule (LVX-LOGIN-SUCCESS decides that); the operations behind it cannot be probed.
    note('sessionDetails', false, 'could not be probed: the login answered no sessionId');
    note('callCenters', false, 'could not be probed: the login answered no sessionId');
  }
  // Every other principal of the target file must log in too, or its tests would blame the target for a typo.
  const { secondary, passwordUser } = target.livevox!;
  const others: [string, string, string, { userName: string; password: string }, Record<string, unknown>][] = [];
  if (primary.agent) others.push(['agent', primary.apiTokens[0]!, primary.clientName, primary.agent, { agent: true }]);
  if (secondary) others.push(['secondary.user', secondary.apiToken, secondary.clientName, secondary.user, {}]);
  if (passwordUser) others.push(['passwordUser', primary.apiTokens[0]!, primary.clientName, passwordUser, {}]);
  primary.apiTokens.slice(1).forEach((token, i) => others.push([`primary.apiTokens.${i + 1}`, token, primary.clientName, primary.user, {}]));
  for (const [who, token, clientName, principal, extra] of others) {
    const res = await call(url, 'POST', '/session/login', { 'LV-Access': token }, { clientName, userName: principal.userName, password: principal.password, ...extra });
    if (res.status === 401 || res.status === 403) throw new SetupError(`the target refused the login of the target file's ${who} (${res.status}): check its credentials`);
    if (typeof res.json?.sessionId === 'string') await call(url, 'DELETE', `/session/logout/${encodeURIComponent(res.json.sessionId)}`);
  }
  const sso = await call(url, 'POST', '/session/sso/login', { 'LV-Access': primary.apiTokens[0]! }, {});
  note('ssoLogin', sso.status !== 404 && sso.status !== 405, 'no SSO login at POST /session/sso/login (its path is session-kit\'s design; 404 here)');
}

async function probeLoudVoice(target: Target, url: string): Promise<void> {
  const { publicKey, privateKey } = target.loudvoice!;
  const authorization = `Basic ${Buffer.from(`${publicKey}:${privateKey}`).toString('base64')}`;
  const list = await call(url, 'GET', '/loudvoice/authors.json?entries_per_page=1', { authorization });
  if (!isObject(list.json) || !isObject(list.json.response)) {
    throw new SetupError(`the target does not look like the LoudVoice API: GET /loudvoice/authors.json answered ${describe(list)}`);
  }
  if (list.status === 401 || list.status === 403) throw new SetupError(`the target refused the site keys of the target file (GET /loudvoice/authors.json answered ${list.status})`);
}
