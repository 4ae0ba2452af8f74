/**
 * The three routes session-kit is compared with WireMock on (issue 20), and the WireMock stubs for them, written as an
 * integrator would: record what the API answers (here, session-kit with a fixed clock), then stub each exchange so
 * that it matches only the right method, path, credential header and body fields and answers the same bytes.
 *
 * The requests are the HTTP benchmark's own (bench/http-bench.ts ROUTES), so both benchmarks load the same thing.
 */
import { ROUTES, type Load } from './http-bench.js';
import { stubFor, valueAt, type RecordedExchange, type StubMapping } from './lib/wiremock.js';

/** A route of the peer comparison: which header carries its credential and which body fields a stub must match. */
export interface PeerRoute {
  id: 'a' | 'b' | 'c';
  name: string;
  /** Spelt as the vendor's docs spell it; HTTP header names match whatever their case. */
  credentialHeader: string;
  bodyFields: string[];
  expectedStatus: number;
}

/** Login, the protected read with `LV-Session`, and the LoudVoice session PUT of the fixtures' existing author. */
export const PEER_ROUTES: PeerRoute[] = [
  { id: 'a', name: 'LiveVox login', credentialHeader: 'LV-Access', bodyFields: ['$.clientName', '$.userName', '$.password'], expectedStatus: 200 },
  { id: 'b', name: 'LiveVox details (LV-Session)', credentialHeader: 'LV-Session', bodyFields: [], expectedStatus: 200 },
  { id: 'c', name: 'LoudVoice session PUT, existing author', credentialHeader: 'Authorization', bodyFields: ['$.request.author_session.author.author_reference'], expectedStatus: 200 },
];

/** The benchmark's request for a route; `lvSession` is the session id the protected read sends. */
export function peerLoad(route: PeerRoute, lvSession: string): Load {
  const source = ROUTES.find((r) => r.id === route.id);
  if (!source) throw new Error(`bench/http-bench.ts has no route ${route.id}`);
  return source.load({ target: 'session-kit', lvSession });
}

/** Sends a load once and returns the status, content type and body text. */
export async function send(port: number, load: Load): Promise<{ status: number; contentType: string; body: string }> {
  const res = await fetch(`http://127.0.0.1:${port}${load.path}`, {
    method: load.method,
    headers: load.headers,
    ...(load.body !== undefined ? { body: load.body } : {}),
    signal: AbortSignal.timeout(10_000),
  });
  return { status: res.status, contentType: res.headers.get('content-type') ?? '', body: await res.text() };
}

/** The session id of one login on a server (its `sessionId`), for the protected read. */
export async function loginSession(port: number): Promise<string> {
  const answer = await send(port, peerLoad(PEER_ROUTES[0]!, ''));
  const sessionId = (JSON.parse(answer.body) as { sessionId?: string }).sessionId;
  if (answer.status !== 200 || !sessionId) throw new Error(`login answered ${answer.status}: ${answer.body.slice(0, 300)}`);
  return sessionId;
}

/** The exchange of one route as recorded from session-kit, ready to stub. */
export function exchangeFor(route: PeerRoute, load: Load, response: RecordedExchange['response']): RecordedExchange {
  const credential = Object.entries(load.headers).find(([name]) => name.toLowerCase() === route.credentialHeader.toLowerCase());
  if (!credential) throw new Error(`${route.name}: the benchmark's request sends no ${route.credentialHeader}`);
  const body: unknown = load.body === undefined ? undefined : JSON.parse(load.body);
  const bodyFields: Record<string, string> = {};
  for (const path of route.bodyFields) {
    const value = valueAt(body, path);
    if (value === undefined) throw new Error(`${route.name}: the request body has no ${path}`);
    bodyFields[path] = value;
  }
  return { name: `${route.id} ${route.name}`, method: load.method, path: load.path.split('?')[0]!, credential: { header: route.credentialHeader, value: credential[1] }, bodyFields, response };
}

/**
 * Records session-kit's steady answer to each peer route and returns the stubs answering the same bytes, with the
 * session id the protected read sends. Each request goes three times: the first may change state (a first login
 * creates the session, a first PUT sets the author's `date_last_update`), the second is recorded, and the third must
 * equal it, or the route does not answer fixed bytes (a server without `--clock fixed`) and no stub could stand in.
 */
export async function recordStubs(sessionKitPort: number): Promise<{ lvSession: string; exchanges: RecordedExchange[]; stubs: StubMapping[] }> {
  const lvSession = await loginSession(sessionKitPort);
  const exchanges: RecordedExchange[] = [];
  for (const route of PEER_ROUTES) {
    const load = peerLoad(route, lvSession);
    await send(sessionKitPort, load);
    const recorded = await send(sessionKitPort, load);
    const again = await send(sessionKitPort, load);
    if (recorded.status !== route.expectedStatus) throw new Error(`${route.name}: session-kit answered ${recorded.status}, expected ${route.expectedStatus}: ${recorded.body.slice(0, 300)}`);
    if (again.body !== recorded.body) throw new Error(`${route.name}: session-kit's answer changes between requests (is its clock fixed?), no fixed stub can stand in for it`);
    exchanges.push(exchangeFor(route, load, recorded));
  }
  return { lvSession, exchanges, stubs: exchanges.map(stubFor) };
}
