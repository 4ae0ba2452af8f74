// LiveVox calls the suites make, in the API's own words, over the kit's recording HTTP client.
import type { KitHttp, KitResponse } from '../harness/http.js';
import type { ResolvedPrincipal, Target } from '../../src/certify/target.js';

/** The LiveVox part of the target, which every LiveVox suite needs. */
export function livevoxOf(target: Target): NonNullable<Target['livevox']> {
  if (!target.livevox) throw new Error('the target file has no livevox section');
  return target.livevox;
}

/** Calls of the LiveVox Session API. */
export class LiveVoxCalls {
  constructor(readonly http: KitHttp) {}

  login(token: string | undefined, clientName: string, who: ResolvedPrincipal, extra: Record<string, unknown> = {}, path = '/session/login'): Promise<KitResponse> {
    return this.http.send({
      method: 'POST',
      path,
      headers: { 'LV-Access': token },
      json: { clientName, userName: who.userName, password: who.password, ...extra },
    });
  }

  /** Logs in and returns the session id, failing loudly when the login itself fails. */
  async sessionFor(token: string, clientName: string, who: ResolvedPrincipal, extra: Record<string, unknown> = {}): Promise<string> {
    const res = await this.login(token, clientName, who, extra);
    if (res.status !== 200) throw new Error(`login of ${who.userName} failed with ${res.status}: ${res.text}`);
    return res.body.sessionId as string;
  }

  /** A session nobody else holds: any live session of this identity is logged out first. */
  async freshSession(token: string, clientName: string, who: ResolvedPrincipal, extra: Record<string, unknown> = {}): Promise<string> {
    await this.logout(await this.sessionFor(token, clientName, who, extra));
    return this.sessionFor(token, clientName, who, extra);
  }

  details(sessionHeader: string | string[] | undefined, path = '/session/details'): Promise<KitResponse> {
    return this.http.send({ method: 'GET', path, headers: { 'LV-Session': sessionHeader } });
  }

  callCenters(sessionHeader: string | undefined, query = ''): Promise<KitResponse> {
    return this.http.send({ method: 'GET', path: `/configuration/v6.0/callCenters${query}`, headers: { 'LV-Session': sessionHeader } });
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

/** The protected operations the suites exercise, each a function of the LV-Session header value. */
export const protectedOperations: { name: string; call: (lv: LiveVoxCalls, session: string | string[] | undefined) => Promise<KitResponse> }[] = [
  { name: 'GET /session/details', call: (lv, s) => lv.details(s) },
  { name: 'GET /session/v6.0/details', call: (lv, s) => lv.details(s, '/session/v6.0/details') },
  { name: 'GET /configuration/v6.0/callCenters', call: (lv, s) => lv.http.send({ method: 'GET', path: '/configuration/v6.0/callCenters', headers: { 'LV-Session': s } }) },
];
