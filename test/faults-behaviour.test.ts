// Every test-only fault does what src/core/faults.ts says it does, in process: one scenario per fault, run once on a
// server started with that fault alone and once on the faultless server. The first run must show the defect, the
// second must not, so no fault can silently become a no-op (which would make the kit's power test prove nothing).
import type { FastifyInstance } from 'fastify';
import { describe, expect, it } from 'vitest';
import { FAULTS, type FaultName } from '../src/core/faults.js';
import type { ControlledClock } from '../src/runtime/clock.js';
import type { TestIdentityProvider } from '../src/sso/test-identity-provider.js';
import { DEMO, LOUDVOICE_AUTH, testApp } from './helpers/test-app.js';

const MINUTE = 60 * 1000;
const HOUR = 60 * MINUTE;
const UNKNOWN_UUID = '0f0f0f0f-0f0f-4f0f-8f0f-0f0f0f0f0f0f';

/** One server and the calls the scenarios make against it. */
interface Harness {
  app: FastifyInstance;
  clock: ControlledClock;
  idp: TestIdentityProvider;
}

async function harness(faults: FaultName[]): Promise<Harness> {
  const { app, clock, idp } = await testApp({ faults: new Set(faults) });
  return { app, clock, idp };
}

// ---- LiveVox -------------------------------------------------------------------------------------------------------

const JSON_TYPE = { 'content-type': 'application/json' };

/** POST /session/login; `token` null sends no LV-Access. */
const login = (h: Harness, body: object = DEMO.user, token: string | null = DEMO.token1) =>
  h.app.inject({ method: 'POST', url: '/session/login', headers: { ...JSON_TYPE, ...(token === null ? {} : { 'lv-access': token }) }, payload: JSON.stringify(body) });

/** A session id from a login that must succeed. */
async function sessionOf(h: Harness, body: object = DEMO.user, token: string = DEMO.token1): Promise<string> {
  const res = await login(h, body, token);
  expect(res.statusCode, res.body).toBe(200);
  return res.json().sessionId;
}

const details = (h: Harness, headers: Record<string, string>) => h.app.inject({ method: 'GET', url: '/session/details', headers });
const callCenters = (h: Harness, headers: Record<string, string>) => h.app.inject({ method: 'GET', url: '/configuration/v6.0/callCenters', headers });
const validate = (h: Harness, sessionId: string, headers: Record<string, string> = {}) => h.app.inject({ method: 'GET', url: `/session/validate/${sessionId}`, headers });
const logout = (h: Harness, sessionId: string) => h.app.inject({ method: 'DELETE', url: `/session/logout/${sessionId}` });
const changePassword = (h: Harness, newPassword: string, password: string = DEMO.user.password) =>
  h.app.inject({ method: 'POST', url: '/session/password', headers: { ...JSON_TYPE, 'lv-access': DEMO.token1 }, payload: JSON.stringify({ ...DEMO.user, password, newPassword }) });

/** An SSO login with an ID token for `userName`, minted for DEMO's SSO settings (the only client with SSO). */
async function ssoLogin(h: Harness, clientName: string, userName: string, token: string | null) {
  const idToken = await h.idp.mint({ claims: { preferred_username: userName }, audience: 'livevox-demo' }, h.clock.now());
  return h.app.inject({
    method: 'POST',
    url: '/session/sso/login',
    headers: { ...JSON_TYPE, ...(token === null ? {} : { 'lv-access': token }) },
    payload: JSON.stringify({ clientName, idToken }),
  });
}

/** What a scenario observed, and what it must observe with the fault and without it. */
interface FaultCase {
  scenario: (h: Harness) => Promise<unknown>;
  faulty: unknown;
  healthy: unknown;
}

const LIVEVOX: Record<Extract<FaultName, `livevox-${string}`>, FaultCase> = {
  'livevox-no-expiry': {
    scenario: async (h) => {
      const id = await sessionOf(h);
      h.clock.advance(3 * HOUR);
      return (await validate(h, id)).statusCode;
    },
    faulty: 204,
    healthy: 404,
  },
  'livevox-expiry-five-minutes-late': {
    // validate does not refresh, so one session serves both instants.
    scenario: async (h) => {
      const id = await sessionOf(h);
      h.clock.advance(2 * HOUR);
      const atTwoHours = (await validate(h, id)).statusCode;
      h.clock.advance(5 * MINUTE - 1);
      const justBeforeFive = (await validate(h, id)).statusCode;
      h.clock.advance(1);
      return [atTwoHours, justBeforeFive, (await validate(h, id)).statusCode];
    },
    faulty: [204, 204, 404],
    healthy: [404, 404, 404],
  },
  'livevox-activity-no-refresh': {
    scenario: async (h) => {
      const id = await sessionOf(h);
      h.clock.advance(HOUR);
      const first = (await details(h, { 'lv-session': id })).statusCode;
      h.clock.advance(HOUR + 30 * MINUTE);
      return [first, (await details(h, { 'lv-session': id })).statusCode];
    },
    faulty: [200, 401],
    healthy: [200, 200],
  },
  'livevox-access-unchecked': {
    scenario: async (h) => (await login(h, DEMO.user, null)).statusCode,
    faulty: 200,
    healthy: 401,
  },
  'livevox-foreign-token-accepted': {
    scenario: async (h) => (await login(h, DEMO.user, DEMO.otherToken)).statusCode,
    faulty: 200,
    healthy: 401,
  },
  'livevox-logout-noop': {
    scenario: async (h) => {
      const id = await sessionOf(h);
      return [(await logout(h, id)).statusCode, (await validate(h, id)).statusCode];
    },
    faulty: [204, 204],
    healthy: [204, 404],
  },
  'livevox-password-change-keeps-sessions': {
    scenario: async (h) => {
      const id = await sessionOf(h);
      return [(await changePassword(h, 'New-Pass-2')).statusCode, (await validate(h, id)).statusCode];
    },
    faulty: [204, 204],
    healthy: [204, 404],
  },
  'livevox-session-needs-access': {
    scenario: async (h) => {
      const id = await sessionOf(h);
      const agentId = await sessionOf(h, DEMO.agent);
      return {
        details: (await details(h, { 'lv-session': id })).json().code ?? 200,
        detailsWithAccess: (await details(h, { 'lv-session': id, 'lv-access': DEMO.token2 })).statusCode,
        detailsWithForeignAccess: (await details(h, { 'lv-session': id, 'lv-access': DEMO.otherToken })).json().code ?? 200,
        callCenters: (await callCenters(h, { 'lv-session': id })).json().code ?? 200,
        agentCallCentersWithAccess: (await callCenters(h, { 'lv-session': agentId, 'lv-access': DEMO.token1 })).statusCode,
      };
    },
    faulty: { details: 10005, detailsWithAccess: 200, detailsWithForeignAccess: 10005, callCenters: 10005, agentCallCentersWithAccess: 403 },
    healthy: { details: 200, detailsWithAccess: 200, detailsWithForeignAccess: 200, callCenters: 200, agentCallCentersWithAccess: 403 },
  },
  'livevox-callcenters-session-unchecked': {
    scenario: async (h) => {
      const otherId = await sessionOf(h, DEMO.other, DEMO.otherToken);
      const ended = await sessionOf(h);
      await logout(h, ended);
      const ids = (res: { statusCode: number; json(): { callCenter?: { callCenterId: number }[] } }) =>
        res.statusCode === 200 ? res.json().callCenter!.map((c) => c.callCenterId) : res.statusCode;
      return {
        none: ids(await callCenters(h, {})),
        unknown: ids(await callCenters(h, { 'lv-session': UNKNOWN_UUID })),
        ended: ids(await callCenters(h, { 'lv-session': ended })),
        live: ids(await callCenters(h, { 'lv-session': otherId })),
      };
    },
    faulty: { none: [3001, 3002], unknown: [3001, 3002], ended: [3001, 3002], live: [3101] },
    healthy: { none: 401, unknown: 401, ended: 401, live: [3101] },
  },
  'livevox-session-per-user': {
    scenario: async (h) => (await sessionOf(h, DEMO.user, DEMO.token1)) === (await sessionOf(h, DEMO.user, DEMO.token2)),
    faulty: true,
    healthy: false,
  },
  'livevox-any-token-accepted': {
    scenario: async (h) => {
      const any = await login(h, DEMO.user, 'not-a-token-at-all');
      return {
        any: any.statusCode === 200 ? any.json().clientId : any.json().code,
        foreign: (await login(h, DEMO.other, DEMO.token1)).json().clientId ?? 'refused',
        missing: (await login(h, DEMO.user, null)).json().code,
        unknownClient: (await login(h, { ...DEMO.user, clientName: 'NOPE' }, 'x')).json().code,
      };
    },
    faulty: { any: 1001, foreign: 1002, missing: 10001, unknownClient: 10003 },
    healthy: { any: 10002, foreign: 'refused', missing: 10001, unknownClient: 10002 },
  },
  'livevox-sso-access-unchecked': {
    scenario: async (h) => {
      const missing = await ssoLogin(h, 'DEMO', 'demo.user', null);
      const unknown = await ssoLogin(h, 'DEMO', 'demo.user', 'not-a-token');
      return [missing.json().clientId ?? missing.json().code, unknown.json().clientId ?? unknown.json().code, (await login(h, DEMO.user, null)).statusCode];
    },
    faulty: [1001, 1001, 401],
    healthy: [10001, 10002, 401],
  },
  'livevox-sso-without-config-uses-first': {
    scenario: async (h) => {
      const res = await ssoLogin(h, 'OTHER', 'other.user', DEMO.otherToken);
      return res.statusCode === 200 ? res.json().clientId : res.json().code;
    },
    faulty: 1002,
    healthy: 10010,
  },
  'livevox-validate-needs-session': {
    scenario: async (h) => {
      const id = await sessionOf(h);
      const bare = await validate(h, id);
      return [bare.statusCode === 204 ? 204 : bare.json().code, (await validate(h, id, { 'lv-session': 'anything' })).statusCode];
    },
    faulty: [10004, 204],
    healthy: [204, 204],
  },
  'livevox-any-password-accepted': {
    scenario: async (h) => [(await login(h, { ...DEMO.user, password: 'not-the-password-1' })).statusCode, (await changePassword(h, 'New-Pass-77', 'not-the-password-1')).statusCode],
    faulty: [200, 401],
    healthy: [401, 401],
  },
  'livevox-client-name-ignored': {
    scenario: async (h) => (await login(h, { ...DEMO.user, clientName: 'NO-SUCH-CLIENT' })).statusCode,
    faulty: 200,
    healthy: 401,
  },
  'livevox-password-change-keeps-old-password': {
    scenario: async (h) => {
      const changed = await changePassword(h, 'New-Pass-77');
      return [changed.statusCode, (await login(h, { ...DEMO.user, password: 'New-Pass-77' })).statusCode, (await login(h)).statusCode];
    },
    faulty: [204, 200, 200],
    healthy: [204, 200, 401],
  },
  'livevox-password-policy-unchecked': {
    scenario: async (h) => {
      // Too short, no digit, the current one again: each from whatever the password is by then.
      let current: string = DEMO.user.password;
      const results = [];
      for (const weak of ['short1', 'no-digits-here', 'same']) {
        const next = weak === 'same' ? current : weak;
        const res = await changePassword(h, next, current);
        if (res.statusCode === 204) current = next;
        results.push(res.statusCode);
      }
      return results;
    },
    faulty: [204, 204, 204],
    healthy: [400, 400, 400],
  },
  'livevox-agent-session-rejected-on-configuration': {
    scenario: async (h) => {
      const res = await callCenters(h, { 'lv-session': await sessionOf(h, DEMO.agent) });
      return [res.statusCode, res.json().code];
    },
    faulty: [401, 10005],
    healthy: [403, 10006],
  },
  'livevox-login-field-case': {
    scenario: async (h) => {
      const body = (await login(h)).json();
      return { keys: Object.keys(body), values: Object.values(body).slice(1) };
    },
    faulty: { keys: ['sessionID', 'clientId', 'userId'], values: [1001, 2001] },
    healthy: { keys: ['sessionId', 'clientId', 'userId'], values: [1001, 2001] },
  },
  'livevox-login-always-new-session': {
    scenario: async (h) => {
      const first = await sessionOf(h);
      const second = await sessionOf(h);
      return [first === second, (await validate(h, first)).statusCode, (await validate(h, second)).statusCode];
    },
    faulty: [false, 204, 204],
    healthy: [true, 204, 204],
  },
  'livevox-validate-dead-401': {
    scenario: async (h) => {
      const ended = await sessionOf(h);
      await logout(h, ended);
      const expired = await sessionOf(h, DEMO.agent);
      h.clock.advance(2 * HOUR);
      const codes = [];
      for (const id of [UNKNOWN_UUID, ended, expired]) codes.push((await validate(h, id)).statusCode);
      return codes;
    },
    faulty: [401, 401, 401],
    healthy: [404, 404, 404],
  },
};

// ---- LoudVoice -----------------------------------------------------------------------------------------------------

/** The demo site's data from the default fixtures. */
const FIX = {
  authorToken: '875b8930-eff8-4c2d-a594-3f4cc4ed4d0d',
  authorReference: 'USER-123456',
  identityToken: 'd86196e7-969d-48ad-8fe1-63a1f074f9b0',
  discussionToken: '4f1c2a7e-2b7d-4c57-9a63-7f0d2d9b1c10',
  discussionReference: 'ARTICLE-1',
  comment2: '0c9d8e7f-6a5b-4c3d-8e1f-2a3b4c5d6e7f',
} as const;

/** Any response body, read loosely: the scenarios pick out what they observe. */
type Json = any;

/** One LoudVoice call with the demo site's keys (or `auth`); no contract check, faults break the contract on purpose. */
async function call(h: Harness, method: 'GET' | 'POST' | 'PUT' | 'DELETE', url: string, body?: unknown, auth: string = LOUDVOICE_AUTH) {
  const payload = body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body);
  const res = await h.app.inject({ method, url, headers: { authorization: auth, ...(payload === undefined ? {} : JSON_TYPE) }, ...(payload === undefined ? {} : { payload }) });
  const json: Json = res.json();
  return { status: res.statusCode, json, data: json?.response?.result?.data as Json, envelope: json?.response?.request as Json };
}

/** PUT /loudvoice/authors/sessions.json with one author node (and an optional session node). */
const putSession = (h: Harness, author: object, session?: object) =>
  call(h, 'PUT', '/loudvoice/authors/sessions.json', { request: { author_session: { author, ...(session ? { session } : {}) } } });

/** The tokens (or another field) of a list's entries. */
const entriesOf = async (h: Harness, url: string, node: string, field: string) =>
  ((await call(h, 'GET', url)).data[node].entries as Json[]).map((e) => e[field]);

const LOUDVOICE_EXISTING: Record<
  | 'loudvoice-200-for-new-author'
  | 'loudvoice-allow-create-new-ignored'
  | 'loudvoice-delete-without-confirm'
  | 'loudvoice-date-format'
  | 'loudvoice-pagination-total-off-by-one'
  | 'loudvoice-session-token-shared'
  | 'loudvoice-no-expiry',
  FaultCase
> = {
  'loudvoice-200-for-new-author': {
    scenario: async (h) => [(await putSession(h, { author_reference: 'NEW-1', name: 'Ann' })).status, (await putSession(h, { author_reference: 'NEW-1' })).status],
    faulty: [200, 200],
    healthy: [201, 200],
  },
  'loudvoice-allow-create-new-ignored': {
    scenario: async (h) => [
      (await putSession(h, { author_reference: 'NEW-1', name: 'Ann', allow_create_new: false })).status,
      await entriesOf(h, '/loudvoice/authors.json', 'authors', 'author_reference'),
    ],
    faulty: [201, [FIX.authorReference, 'NEW-1']],
    healthy: [404, [FIX.authorReference]],
  },
  'loudvoice-delete-without-confirm': {
    scenario: async (h) => [(await call(h, 'DELETE', `/loudvoice/comments/${FIX.comment2}.json`)).status, (await call(h, 'GET', `/loudvoice/comments/${FIX.comment2}.json`)).status],
    faulty: [200, 404],
    healthy: [400, 200],
  },
  'loudvoice-date-format': {
    scenario: async (h) => (await call(h, 'GET', '/tools/ping.json')).envelope.date,
    faulty: '2026-01-05T09:00:00.000Z',
    healthy: 'Mon, 05 Jan 2026 09:00:00 +0000',
  },
  'loudvoice-pagination-total-off-by-one': {
    scenario: async (h) => (await call(h, 'GET', '/loudvoice/authors.json')).data.authors.pagination.total_entries,
    faulty: 2,
    healthy: 1,
  },
  'loudvoice-session-token-shared': {
    scenario: async (h) => {
      const first = (await putSession(h, { author_reference: 'NEW-1', name: 'Ann' })).data.author_session.author_session_token;
      const second = (await putSession(h, { author_reference: 'NEW-2', name: 'Bob' })).data.author_session.author_session_token;
      return first === second;
    },
    faulty: true,
    healthy: false,
  },
  'loudvoice-no-expiry': {
    scenario: async (h) => {
      const token = (await putSession(h, { author_reference: 'NEW-1', name: 'Ann' }, { expires_in: 60 })).data.author_session.author_session_token;
      h.clock.advance(60_000);
      return (await entriesOf(h, '/loudvoice/authors/sessions.json', 'author_sessions', 'author_session_token')).includes(token);
    },
    faulty: true,
    healthy: false,
  },
};

/** Basic credentials for the demo site's public key with another private key. */
const basic = (publicKey: string, privateKey: string) => `Basic ${Buffer.from(`${publicKey}:${privateKey}`).toString('base64')}`;
const DEMO_PUBLIC_KEY = 'aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa';

const LOUDVOICE_EDGE: Record<
  | 'loudvoice-plain-404'
  | 'loudvoice-status-code-mismatch'
  | 'loudvoice-error-with-result'
  | 'loudvoice-absent-omitted'
  | 'loudvoice-resource-without-query'
  | 'loudvoice-private-key-unchecked'
  | 'loudvoice-unwrapped-body-accepted'
  | 'loudvoice-catch-all-route',
  FaultCase
> = {
  'loudvoice-plain-404': {
    scenario: async (h) => {
      const res = await call(h, 'GET', '/loudvoice/nothing.json?x=1');
      return [res.status, res.json.response ? 'envelope' : res.json];
    },
    faulty: [404, { message: 'Route GET:/loudvoice/nothing.json?x=1 not found', error: 'Not Found', statusCode: 404 }],
    healthy: [404, 'envelope'],
  },
  'loudvoice-status-code-mismatch': {
    scenario: async (h) => {
      const created = await call(h, 'POST', '/loudvoice/discussions.json', { request: { discussion: { title: 'New' } } });
      const ping = await call(h, 'GET', '/tools/ping.json');
      return [created.status, created.envelope.status.code, ping.status, ping.envelope.status.code];
    },
    faulty: [201, 200, 200, 200],
    healthy: [201, 201, 200, 200],
  },
  'loudvoice-error-with-result': {
    scenario: async (h) => {
      const res = await call(h, 'GET', `/loudvoice/authors/${UNKNOWN_UUID}.json`);
      return [res.status, res.json.response.result ?? 'no result'];
    },
    faulty: [404, { data: {} }],
    healthy: [404, 'no result'],
  },
  'loudvoice-absent-omitted': {
    // Each node has one field that is null in the fixtures.
    scenario: async (h) => {
      const author = (await call(h, 'GET', `/loudvoice/authors/${FIX.authorToken}.json`)).data.author;
      const discussion = (await call(h, 'GET', `/loudvoice/discussions/${FIX.discussionToken}.json`)).data.discussion;
      const comment = (await call(h, 'GET', `/loudvoice/comments/${FIX.comment2}.json`)).data.comment;
      const session = (await putSession(h, { author_reference: FIX.authorReference })).data.author_session;
      return {
        author: 'identity_token' in author,
        discussion: 'realm' in discussion,
        comment: 'comment_reference' in comment,
        guestAuthor: 'author_token' in comment.author,
        session: 'date_last_update' in session,
        name: author.name,
      };
    },
    faulty: { author: false, discussion: false, comment: false, guestAuthor: false, session: false, name: 'John Doe' },
    healthy: { author: true, discussion: true, comment: true, guestAuthor: true, session: true, name: 'John Doe' },
  },
  'loudvoice-resource-without-query': {
    scenario: async (h) => [
      (await call(h, 'GET', '/loudvoice/authors.json?page=1')).envelope.resource,
      (await call(h, 'GET', '/loudvoice/authors.json?page=0')).envelope.resource,
    ],
    faulty: ['/loudvoice/authors.json', '/loudvoice/authors.json'],
    healthy: ['/loudvoice/authors.json?page=1', '/loudvoice/authors.json?page=0'],
  },
  'loudvoice-private-key-unchecked': {
    scenario: async (h) => [
      (await call(h, 'GET', '/tools/ping.json', undefined, basic(DEMO_PUBLIC_KEY, 'wrong'))).status,
      (await call(h, 'GET', '/tools/ping.json', undefined, basic(DEMO_PUBLIC_KEY, ''))).status,
      (await call(h, 'GET', '/tools/ping.json', undefined, basic(UNKNOWN_UUID, 'bbbbbbbb-bbbb-4bbb-8bbb-bbbbbbbbbbbb'))).status,
    ],
    faulty: [200, 200, 401],
    healthy: [401, 401, 401],
  },
  'loudvoice-unwrapped-body-accepted': {
    scenario: async (h) => [
      (await call(h, 'PUT', '/loudvoice/authors/sessions.json', { author_session: { author: { author_reference: 'NEW-1', name: 'Ann' } } })).status,
      (await call(h, 'POST', '/loudvoice/discussions.json', { discussion: { title: 'New' } })).status,
    ],
    faulty: [201, 201],
    healthy: [400, 400],
  },
  'loudvoice-catch-all-route': {
    scenario: async (h) => {
      const unknown = await call(h, 'GET', '/loudvoice/nothing.json');
      const deeper = await call(h, 'GET', '/loudvoice/authors/a/b/c.json');
      return [unknown.status, deeper.status];
    },
    faulty: [200, 200],
    healthy: [404, 404],
  },
};

const CONFIRM = '?confirm_deletion=true';
const AT_T0 = 'Mon, 05 Jan 2026 09:00:00 +0000';

const postDiscussion = async (h: Harness, discussion: object) => (await call(h, 'POST', '/loudvoice/discussions.json', { request: { discussion } })).data.discussion;
const postAuthor = (h: Harness, author: object) => call(h, 'POST', '/loudvoice/authors.json', { request: { author } });
const postComment = async (h: Harness, discussionToken: string, text: string) =>
  (await call(h, 'POST', '/loudvoice/comments.json', { request: { discussion: { discussion_token: discussionToken }, comment: { text, author: { name: 'A Guest' } } } })).data
    .comment;
const sessionToken = async (h: Harness, author: object, session?: object) => (await putSession(h, author, session)).data.author_session.author_session_token as string;
const listedSessions = (h: Harness, query = '') => entriesOf(h, `/loudvoice/authors/sessions.json${query}`, 'author_sessions', 'author_session_token');

const LOUDVOICE_CORE: Record<Exclude<Extract<FaultName, `loudvoice-${string}`>, keyof typeof LOUDVOICE_EXISTING | keyof typeof LOUDVOICE_EDGE>, FaultCase> = {
  'loudvoice-page-size-ignored': {
    scenario: async (h) => {
      await postDiscussion(h, { title: 'Second' });
      await postDiscussion(h, { title: 'Third' });
      const list = (await call(h, 'GET', '/loudvoice/discussions.json?entries_per_page=1')).data.discussions;
      return [list.entries.length, list.pagination.entries_per_page, list.pagination.total_pages];
    },
    faulty: [3, 250, 1],
    healthy: [1, 1, 3],
  },
  'loudvoice-order-direction-ignored': {
    scenario: async (h) => {
      h.clock.advance(1000);
      await postDiscussion(h, { title: 'Second' });
      const list = (await call(h, 'GET', '/loudvoice/discussions.json?order_direction=desc')).data.discussions;
      return [list.entries.map((d: Json) => d.title), list.pagination.order.direction];
    },
    faulty: [['Welcome to LoudVoice', 'Second'], 'desc'],
    healthy: [['Second', 'Welcome to LoudVoice'], 'desc'],
  },
  'loudvoice-last-update-set-on-create': {
    scenario: async (h) => {
      const author = (await postAuthor(h, { name: 'Ann' })).data.author;
      const discussion = await postDiscussion(h, { title: 'New' });
      const comment = await postComment(h, discussion.discussion_token, 'Hello');
      const session = (await putSession(h, { author_reference: 'NEW-1', name: 'Bob' })).data.author_session;
      return [author, discussion, comment, session, session.author].map((node) => node.date_last_update);
    },
    faulty: [AT_T0, AT_T0, AT_T0, AT_T0, AT_T0],
    healthy: [null, null, null, null, null],
  },
  'loudvoice-session-per-put': {
    scenario: async (h) => {
      const first = await putSession(h, { author_reference: 'NEW-1', name: 'Ann' });
      const second = await putSession(h, { author_reference: 'NEW-1' });
      const [t1, t2] = [first.data.author_session.author_session_token, second.data.author_session.author_session_token];
      const authorToken = first.data.author_session.author.author_token;
      const listed = (await listedSessions(h, `?filters=author_token:eq:${authorToken}`)).length;
      const older = await call(h, 'DELETE', `/loudvoice/authors/sessions/${t1}.json${CONFIRM}`);
      return [first.status, second.status, t1 === t2, listed, older.status];
    },
    faulty: [201, 200, false, 2, 200],
    healthy: [201, 200, true, 1, 200],
  },
  'loudvoice-reference-parameter-ignored': {
    scenario: async (h) => {
      const author = await call(h, 'GET', '/loudvoice/authors/author.json?author_reference=NOPE');
      const discussion = await call(h, 'GET', '/loudvoice/discussions/discussion.json?discussion_reference=NOPE');
      const comments = await call(h, 'GET', '/loudvoice/discussions/discussion/comments.json?discussion_reference=NOPE');
      const update = await call(h, 'PUT', '/loudvoice/authors/author.json?author_reference=NOPE', { request: { author: { description: 'Changed' } } });
      return [author.status, author.data?.author.name, discussion.status, discussion.data?.discussion.title, comments.status, update.status];
    },
    faulty: [200, 'John Doe', 200, 'Welcome to LoudVoice', 200, 200],
    healthy: [404, undefined, 404, undefined, 404, 404],
  },
  'loudvoice-discussion-comments-all': {
    scenario: async (h) => {
      await postComment(h, (await postDiscussion(h, { title: 'Other' })).discussion_token, 'Elsewhere');
      return (await entriesOf(h, `/loudvoice/discussions/${FIX.discussionToken}/comments.json`, 'comments', 'text')).sort();
    },
    faulty: ['A reply from a guest.', 'Elsewhere', 'First!'],
    healthy: ['A reply from a guest.', 'First!'],
  },
  'loudvoice-author-update-ignored': {
    scenario: async (h) => {
      const byToken = await call(h, 'PUT', `/loudvoice/authors/${FIX.authorToken}.json`, { request: { author: { name: 'Johnny' } } });
      const byReference = await call(h, 'PUT', `/loudvoice/authors/author.json?author_reference=${FIX.authorReference}`, { request: { author: { email: 'j@example.com' } } });
      const stored = (await call(h, 'GET', `/loudvoice/authors/${FIX.authorToken}.json`)).data.author;
      return [byToken.status, byToken.data.author.name, byReference.status, byReference.data.author.email, stored.name, stored.email];
    },
    faulty: [200, 'John Doe', 200, 'john.doe@example.com', 'John Doe', 'john.doe@example.com'],
    healthy: [200, 'Johnny', 200, 'j@example.com', 'Johnny', 'j@example.com'],
  },
  'loudvoice-author-delete-noop': {
    scenario: async (h) => [
      (await call(h, 'DELETE', `/loudvoice/authors/${FIX.authorToken}.json${CONFIRM}`)).status,
      (await call(h, 'GET', `/loudvoice/authors/${FIX.authorToken}.json`)).status,
    ],
    faulty: [200, 200],
    healthy: [200, 404],
  },
  'loudvoice-session-delete-noop': {
    scenario: async (h) => {
      const token = await sessionToken(h, { author_reference: FIX.authorReference });
      const deleted = await call(h, 'DELETE', `/loudvoice/authors/sessions/${token}.json${CONFIRM}`);
      const again = await call(h, 'DELETE', `/loudvoice/authors/sessions/${token}.json${CONFIRM}`);
      return [deleted.status, (await listedSessions(h)).includes(token), again.status];
    },
    faulty: [200, true, 200],
    healthy: [200, false, 404],
  },
  'loudvoice-details-sync-ignored': {
    scenario: async (h) => {
      const fields = { name: 'Johnny', email: 'j@example.com', description: 'New', picture_url: '', website_url: 'https://www.example.com/johnny/' };
      const res = await putSession(h, { author_reference: FIX.authorReference, ...fields });
      const stored = (await call(h, 'GET', `/loudvoice/authors/${FIX.authorToken}.json`)).data.author;
      const pick = (a: Json) => [a.name, a.email, a.description, a.picture_url, a.website_url];
      return [res.status, pick(res.data.author_session.author), pick(stored)];
    },
    faulty: [
      200,
      ['John Doe', 'john.doe@example.com', 'A writer by day and a reader by night', 'https://www.example.com/john/avatar.png', 'https://www.example.com/'],
      ['John Doe', 'john.doe@example.com', 'A writer by day and a reader by night', 'https://www.example.com/john/avatar.png', 'https://www.example.com/'],
    ],
    healthy: [
      200,
      ['Johnny', 'j@example.com', 'New', null, 'https://www.example.com/johnny/'],
      ['Johnny', 'j@example.com', 'New', null, 'https://www.example.com/johnny/'],
    ],
  },
  'loudvoice-expires-in-ignored': {
    scenario: async (h) => {
      const session = (await putSession(h, { author_reference: FIX.authorReference }, { expires_in: 60 })).data.author_session;
      h.clock.advance(60_000);
      return [session.expires_in, session.date_expiration, (await listedSessions(h)).length];
    },
    faulty: [1209600, 'Mon, 19 Jan 2026 09:00:00 +0000', 1],
    healthy: [60, 'Mon, 05 Jan 2026 09:01:00 +0000', 0],
  },
  'loudvoice-session-filter-ignored': {
    scenario: async (h) => {
      const john = await sessionToken(h, { author_reference: FIX.authorReference });
      await sessionToken(h, { author_reference: 'NEW-1', name: 'Ann' });
      const filtered = await listedSessions(h, `?filters=author_token:eq:${FIX.authorToken}`);
      const unsupported = await call(h, 'GET', '/loudvoice/authors/sessions.json?filters=name:eq:Ann');
      return [filtered.length, filtered[0] === john, unsupported.status];
    },
    faulty: [2, true, 400],
    healthy: [1, true, 400],
  },
  'loudvoice-identity-link-ignored': {
    scenario: async (h) => {
      const res = await postAuthor(h, { identity_token: FIX.identityToken });
      const a = res.data?.author ?? {};
      return [res.status, a.identity_token, a.name, a.email, a.picture_url];
    },
    faulty: [201, FIX.identityToken, null, null, null],
    healthy: [201, FIX.identityToken, 'Jane Social', 'jane.social@example.com', 'https://www.example.com/jane/avatar.png'],
  },
  'loudvoice-name-not-required': {
    scenario: async (h) => {
      const session = await putSession(h, { author_reference: 'NEW-1', email: 'new@example.com' });
      const author = await postAuthor(h, { email: 'other@example.com' });
      return [session.status, session.data?.author_session.author.name, author.status, author.data?.author.name];
    },
    faulty: [201, null, 201, null],
    healthy: [400, undefined, 400, undefined],
  },
  'loudvoice-author-token-201': {
    scenario: async (h) => [(await putSession(h, { author_token: FIX.authorToken })).status, (await putSession(h, { author_token: FIX.authorToken })).status],
    faulty: [201, 201],
    healthy: [200, 200],
  },
  'loudvoice-refresh-not-extending': {
    scenario: async (h) => {
      const first = (await putSession(h, { author_reference: FIX.authorReference }, { expires_in: 60 })).data.author_session;
      h.clock.advance(40_000);
      const refreshed = (await putSession(h, { author_reference: FIX.authorReference }, { expires_in: 60 })).data.author_session;
      h.clock.advance(40_000);
      return [first.author_session_token === refreshed.author_session_token, refreshed.date_expiration, (await listedSessions(h)).length];
    },
    faulty: [true, 'Mon, 05 Jan 2026 09:01:00 +0000', 0],
    healthy: [true, 'Mon, 05 Jan 2026 09:01:40 +0000', 1],
  },
  'loudvoice-session-list-includes-expired': {
    scenario: async (h) => {
      const token = await sessionToken(h, { author_reference: FIX.authorReference }, { expires_in: 60 });
      h.clock.advance(60_000);
      const deleted = await call(h, 'DELETE', `/loudvoice/authors/sessions/${token}.json${CONFIRM}`);
      const renewed = await sessionToken(h, { author_reference: FIX.authorReference });
      const filtered = await listedSessions(h, `?filters=author_token:eq:${FIX.authorToken}`);
      return [(await listedSessions(h)).includes(token), filtered.includes(token), deleted.status, renewed === token];
    },
    faulty: [true, true, 404, false],
    healthy: [false, false, 404, false],
  },
  'loudvoice-discussion-read-by-token-404': {
    scenario: async (h) => {
      const fresh = await postDiscussion(h, { title: 'No reference' });
      return [(await call(h, 'GET', `/loudvoice/discussions/${FIX.discussionToken}.json`)).status, (await call(h, 'GET', `/loudvoice/discussions/${fresh.discussion_token}.json`)).status];
    },
    faulty: [404, 200],
    healthy: [200, 200],
  },
  'loudvoice-discussion-list-skips-closed': {
    scenario: async (h) => {
      await postDiscussion(h, { title: 'Closed', is_closed: true });
      const list = (await call(h, 'GET', '/loudvoice/discussions.json')).data.discussions;
      return [list.entries.map((d: Json) => d.title), list.pagination.total_entries];
    },
    faulty: [['Welcome to LoudVoice'], 1],
    healthy: [['Welcome to LoudVoice', 'Closed'], 2],
  },
  'loudvoice-author-list-skips-guests': {
    scenario: async (h) => {
      await postAuthor(h, { name: 'No Reference' });
      return entriesOf(h, '/loudvoice/authors.json', 'authors', 'name');
    },
    faulty: ['John Doe'],
    healthy: ['John Doe', 'No Reference'],
  },
  'loudvoice-author-read-by-token-404': {
    scenario: async (h) => {
      const fresh = (await postAuthor(h, { name: 'No Reference' })).data.author;
      return [(await call(h, 'GET', `/loudvoice/authors/${FIX.authorToken}.json`)).status, (await call(h, 'GET', `/loudvoice/authors/${fresh.author_token}.json`)).status];
    },
    faulty: [404, 200],
    healthy: [200, 200],
  },
  'loudvoice-session-201-existing-author': {
    scenario: async (h) => [(await putSession(h, { author_reference: FIX.authorReference })).status, (await putSession(h, { author_token: FIX.authorToken })).status],
    faulty: [201, 200],
    healthy: [200, 200],
  },
  'loudvoice-no-reference-reuses-author': {
    scenario: async (h) => {
      const first = await putSession(h, { name: 'Ann' });
      const second = await putSession(h, { name: 'Ann' });
      const other = await putSession(h, { name: 'Bob' });
      const token = (res: Json) => res.data.author_session.author.author_token;
      return [first.status, second.status, token(first) === token(second), other.status];
    },
    faulty: [201, 200, true, 201],
    healthy: [201, 201, false, 201],
  },
  'loudvoice-session-expiry-from-creation': {
    scenario: async (h) => {
      const created = (await putSession(h, { author_reference: 'NEW-1', name: 'Ann' }, { expires_in: 60 })).data.author_session;
      h.clock.advance(60_000);
      return [created.expires_in, created.date_expiration, (await listedSessions(h)).length];
    },
    faulty: [60, 'Mon, 19 Jan 2026 09:00:00 +0000', 1],
    healthy: [60, 'Mon, 05 Jan 2026 09:01:00 +0000', 0],
  },
};

const CASES: Record<FaultName, FaultCase> = { ...LIVEVOX, ...LOUDVOICE_EXISTING, ...LOUDVOICE_EDGE, ...LOUDVOICE_CORE };

describe('test-only faults', () => {
  it('each has a behaviour case here, and each case is a known fault', () => {
    expect(Object.keys(CASES).sort()).toEqual(Object.keys(FAULTS).sort());
  });

  it.each(Object.entries(CASES) as [FaultName, FaultCase][])('%s shows with the fault and not without it', async (fault, c) => {
    expect(c.faulty, 'a case must tell the faulty server from the faultless one').not.toEqual(c.healthy);
    for (const [faults, expected] of [
      [[fault], c.faulty],
      [[], c.healthy],
    ] as const) {
      const h = await harness([...faults]);
      try {
        expect(await c.scenario(h), faults.length > 0 ? `with ${fault}` : 'without faults').toEqual(expected);
      } finally {
        await h.app.close();
      }
    }
  });
});
