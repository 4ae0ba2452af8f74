// LiveVox calls the suites make, in the API's own words, over the kit's recording HTTP client.
import { cannotContinue, expect, precondition } from '../harness/checks.js';
import type { KitHttp, KitResponse } from '../harness/http.js';
import { MAX_RESTORE_CHANGES, newKitPassword } from '../../src/certify/kit-passwords.js';
import type { ResolvedPrincipal, Target } from '../../src/certify/target.js';

/** The LiveVox part of the target, which every LiveVox suite needs. */
export function livevoxOf(target: Target): NonNullable<Target['livevox']> {
  if (!target.livevox) throw new Error('the target file has no livevox section');
  return target.livevox;
}

/** Calls of the LiveVox Session API. */
export class LiveVoxCalls {
  /** Every session id a login handed this client, so the file can end them when it is done. */
  private readonly handedOut = new Set<string>();

  constructor(readonly http: KitHttp) {
    http.watchers.push((res) => {
      if (res.status === 200 && typeof res.body?.sessionId === 'string') this.handedOut.add(res.body.sessionId);
    });
  }

  /** Logs out every session this client was handed: the run leaves no session of its own behind. */
  async endSessions(): Promise<void> {
    for (const sessionId of this.handedOut) await this.logout(sessionId);
    this.handedOut.clear();
  }

  login(token: string | undefined, clientName: string, who: ResolvedPrincipal, extra: Record<string, unknown> = {}, path = '/session/login'): Promise<KitResponse> {
    return this.http.send({
      method: 'POST',
      path,
      headers: { 'LV-Access': token },
      json: { clientName, userName: who.userName, password: who.password, ...extra },
    });
  }

  /**
   * Logs in and returns the session id. A login that hands out no session here fails LVX-LOGIN-SUCCESS (the test
   * stops); any 2xx with a sessionId will do, so the exact status is judged by LVX-LOGIN-SUCCESS's own test only.
   */
  async sessionFor(token: string, clientName: string, who: ResolvedPrincipal, extra: Record<string, unknown> = {}): Promise<string> {
    const res = await this.login(token, clientName, who, extra);
    await precondition('LVX-LOGIN-SUCCESS', () => expect(sessionIdOf(res), `a session for ${who.userName} (the login answered ${res.status})`).toEqual(expect.any(String)));
    return res.body.sessionId as string;
  }

  /**
   * Inside a check: a refused login created no session. It failed (no 2xx), and any session id its answer carries
   * authenticates nothing: validate does not report it live and every protected operation refuses it.
   */
  async expectNoSession(res: KitResponse, what: string): Promise<void> {
    expect(isSuccess(res.status), `${what}: the login fails (it answered ${res.status})`).toBe(false);
    const carried = res.body?.sessionId;
    if (typeof carried !== 'string' || carried === '') return;
    const validated = await this.validate(carried);
    expect(isSuccess(validated.status), `${what}: the session id its answer carries is not live (validate answered ${validated.status})`).toBe(false);
    for (const op of protectedOperationsOf(this.http.target)) {
      const used = await op.call(this, carried);
      expect(used.status, `${what}: ${op.name} with the session id its answer carries`).toBeOneOf(AUTHORIZATION_ERROR);
    }
  }

  /** A session nobody else holds: any live session of this identity is logged out first. */
  async freshSession(token: string, clientName: string, who: ResolvedPrincipal, extra: Record<string, unknown> = {}): Promise<string> {
    await this.loggedOut(await this.sessionFor(token, clientName, who, extra));
    return this.sessionFor(token, clientName, who, extra);
  }

  /**
   * Logs a session out for a test that needs it ended; a logout that does not succeed (its status is an observed,
   * non-deciding rule) leaves nothing the test could go on with.
   */
  async loggedOut(sessionId: string): Promise<void> {
    const res = await this.logout(sessionId);
    if (res.status < 200 || res.status >= 300) cannotContinue(`logout answered ${res.status}, so no session could be ended for this test`);
  }

  details(sessionHeader: string | string[] | undefined, path = '/session/details'): Promise<KitResponse> {
    return this.http.send({ method: 'GET', path, headers: { 'LV-Session': sessionHeader } });
  }

  callCenters(sessionHeader: string | undefined, query = '', path = '/configuration/v6.0/callCenters'): Promise<KitResponse> {
    return this.http.send({ method: 'GET', path: `${path}${query}`, headers: { 'LV-Session': sessionHeader } });
  }

  validate(sessionId: string, path = '/session/validate'): Promise<KitResponse> {
    return this.http.send({ method: 'GET', path: `${path}/${encodeURIComponent(sessionId)}` });
  }

  logout(sessionId: string, path = '/session/logout'): Promise<KitResponse> {
    return this.http.send({ method: 'DELETE', path: `${path}/${encodeURIComponent(sessionId)}` });
  }

  changePassword(token: string, clientName: string, who: ResolvedPrincipal, newPassword: string): Promise<KitResponse> {
    return this.http.send({
      method: 'POST',
      path: '/session/password',
      headers: { 'LV-Access': token },
      json: { clientName, userName: who.userName, password: who.password, newPassword },
    });
  }

  ssoLogin(token: string, clientName: string, idToken: string, extra: Record<string, unknown> = {}): Promise<KitResponse> {
    return this.http.send({ method: 'POST', path: '/session/sso/login', headers: { 'LV-Access': token }, json: { clientName, idToken, ...extra } });
  }
}

/** A protected operation: a function of the LV-Session header value. */
export interface ProtectedOperation {
  name: string;
  /** Which capability of the target offers it. */
  capability: 'sessionDetails' | 'callCenters';
  call: (lv: LiveVoxCalls, session: string | string[] | undefined) => Promise<KitResponse>;
}

const PROTECTED: ProtectedOperation[] = [
  { name: 'GET /session/details', capability: 'sessionDetails', call: (lv, s) => lv.details(s) },
  { name: 'GET /configuration/v6.0/callCenters', capability: 'callCenters', call: (lv, s) => lv.http.send({ method: 'GET', path: '/configuration/v6.0/callCenters', headers: { 'LV-Session': s } }) },
];

/**
 * The protected operations this target offers. Session details is session-kit's design and callCenters belongs to
 * another LiveVox API, so a target may offer neither; the caller skips with `noProtectedOperation` then.
 */
export const protectedOperationsOf = (target: Target): ProtectedOperation[] => PROTECTED.filter((op) => target.capabilities[op.capability]);

/** Why a target with no protected operation skips the LV-Session rules. */
export const noProtectedOperation = (target: Target) =>
  `the target offers no operation behind LV-Session to call (${target.absent?.sessionDetails ?? 'no session details'}; ${target.absent?.callCenters ?? 'no callCenters'})`;

/** Why a test that needs a second client skips: what the vendor would add to the target file. */
export const NO_SECOND_CLIENT = 'needs a second client in the target file (livevox.secondary)';
/** Why a rule that needs two API tokens of one client is not checked. */
export const NO_SECOND_TOKEN = 'needs a second API token of the client in the target file (livevox.primary.apiTokens)';
/** Why a test that needs an agent skips. */
export const NO_AGENT = 'needs an agent in the target file (livevox.primary.agent)';

/** Whether an HTTP status is a success (2xx). */
export const isSuccess = (status: number): boolean => status >= 200 && status < 300;

/**
 * The statuses LiveVox's "Authorization error" may have. The docs (L2) name none; HTTP has two for a refused
 * authorization (RFC 9110 15.5.2, 15.5.4), and LiveVox's own client (L5) reads both as a refusal. Exactly 401 is the
 * observed, non-deciding LVX-AUTH-ERROR-401.
 */
export const AUTHORIZATION_ERROR: number[] = [401, 403];

/** The session id a login answer hands out: a 2xx with a non-empty sessionId string, or undefined. */
export const sessionIdOf = (res: KitResponse): string | undefined =>
  isSuccess(res.status) && typeof res.body?.sessionId === 'string' && res.body.sessionId !== '' ? (res.body.sessionId as string) : undefined;

/** Checks an error body against the catalogue's code for the situation (assumed: the codes are session-kit's own). */
export const errorCodeIs = (body: unknown, code: number) => expect(body).toEqual({ code, message: expect.any(String) });

/** The LiveVox error shape (observed): a JSON object with a numeric code and a string message. */
export const errorShaped = (body: unknown) => expect(body).toMatchObject({ code: expect.any(Number), message: expect.any(String) });

/**
 * The fresh passwords of this run, one per call: the runner's (redacted in every report), then new ones when the
 * suites run without the runner (no report is written then).
 */
export function freshPasswords(livevox: NonNullable<Target['livevox']>): () => string {
  const given = [...(livevox.kitPasswords ?? [])];
  return () => given.shift() ?? newKitPassword();
}

/** How putting a password back ended. */
export interface RestoreOutcome {
  restored: boolean;
  /** The password that logs in now, when it is not the original. */
  current?: string;
  /** Why it could not be restored. */
  why?: string;
  /** How many changes the restore made. */
  changes: number;
}

/**
 * Puts `who`'s original password back, starting from the one the kit believes is current. A target whose policy
 * refuses a password it had before (LiveVox: the last 4) is taken through fresh passwords, the original tried after
 * each, until it is accepted or MAX_RESTORE_CHANGES changes were made.
 */
export async function restorePassword(lv: LiveVoxCalls, token: string, clientName: string, who: ResolvedPrincipal, believed: string, fresh: () => string): Promise<RestoreOutcome> {
  const as = (password: string) => ({ userName: who.userName, password });
  const logsIn = async (password: string) => sessionIdOf(await lv.login(token, clientName, as(password))) !== undefined;
  if (await logsIn(who.password)) return { restored: true, changes: 0 };
  if (believed === who.password || !(await logsIn(believed))) return { restored: false, changes: 0, why: 'neither the original password nor the one the kit set logs in' };
  let current = believed;
  for (let changes = 0; ; changes++) {
    const back = await lv.changePassword(token, clientName, as(current), who.password);
    if (isSuccess(back.status)) return { restored: true, changes: changes + 1 };
    if (changes >= MAX_RESTORE_CHANGES) return { restored: false, current, changes, why: `the target still refused the original password after ${changes} changes through fresh ones` };
    const next = fresh();
    const step = await lv.changePassword(token, clientName, as(current), next);
    if (!isSuccess(step.status)) return { restored: false, current, changes, why: `a change to a fresh password answered ${step.status}` };
    current = next;
  }
}

/** What the vendor reads in the recovery file: the password that logs in now, and what to do with it. */
export const recoveryNote = (userName: string, clientName: string, outcome: RestoreOutcome): string =>
  [
    `session-kit could not put the password of ${userName} (client ${clientName}) back: ${outcome.why ?? 'unknown reason'}.`,
    outcome.current ? `Its password is now: ${outcome.current}` : 'The kit does not know a password that logs in now.',
    'Set the original back (POST /session/password, or the LiveVox Portal), then delete this file.',
    '',
  ].join('\n');
