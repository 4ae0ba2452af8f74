// LiveVox calls the suites make, in the API's own words, over the kit's recording HTTP client.
import { cannotContinue, expect, precondition } from '../harness/checks.js';
import type { KitHttp, KitResponse } from '../harness/http.js';
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

  /** Logs in and returns the session id; a login that fails here fails LVX-LOGIN-SUCCESS (the test stops). */
  async sessionFor(token: string, clientName: string, who: ResolvedPrincipal, extra: Record<string, unknown> = {}): Promise<string> {
    const res = await this.login(token, clientName, who, extra);
    await precondition('LVX-LOGIN-SUCCESS', () => {
      expect(res.status, `login of ${who.userName}`).toBe(200);
      expect(res.body?.sessionId, 'sessionId of the login answer').toEqual(expect.any(String));
    });
    return res.body.sessionId as string;
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

/** Checks an error body against the catalogue's code for the situation (assumed: the codes are session-kit's own). */
export const errorCodeIs = (body: unknown, code: number) => expect(body).toEqual({ code, message: expect.any(String) });

/** The LiveVox error shape (observed): a JSON object with a numeric code and a string message. */
export const errorShaped = (body: unknown) => expect(body).toMatchObject({ code: expect.any(Number), message: expect.any(String) });
