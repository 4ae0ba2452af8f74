// LoudVoice calls the suites make, in the API's own words, over the kit's recording HTTP client.
import { cannotContinue, check, expect, precondition } from '../harness/checks.js';
import type { KitHttp, KitResponse } from '../harness/http.js';
import { errors } from '../../src/generated/loudvoice-catalogue.js';
import type { Target } from '../../src/certify/target.js';

/** The LoudVoice part of the target, which every LoudVoice suite needs. */
export function loudvoiceOf(target: Target): NonNullable<Target['loudvoice']> {
  if (!target.loudvoice) throw new Error('the target file has no loudvoice section');
  return target.loudvoice;
}

/** The author node of a session PUT: details, an identity token, or an author token. */
export type SessionAuthor = Record<string, unknown>;

/** The documented 401 info text (vendor docs O2), exactly. */
export const CREDENTIALS_INFO = 'Authentication credentials are missing or incorrect: http://docs.oneall.com/api/basic/authentication/';

/** RFC 2822 with a numeric offset, as LoudVoice writes dates (vendor docs O4). */
export const RFC2822 = /^(?:(Mon|Tue|Wed|Thu|Fri|Sat|Sun), )?\d{1,2} (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4} \d{2}:\d{2}(?::\d{2})? [+-]\d{4}$/;

/** Calls of the LoudVoice API with the target's site keys. */
export class LoudVoiceCalls {
  readonly auth: string;

  constructor(readonly http: KitHttp) {
    const { publicKey, privateKey } = loudvoiceOf(http.target);
    this.auth = `Basic ${Buffer.from(`${publicKey}:${privateKey}`).toString('base64')}`;
  }

  send(method: 'GET' | 'POST' | 'PUT' | 'DELETE', path: string, json?: unknown, headers: Record<string, string | undefined> = {}): Promise<KitResponse> {
    return this.http.send({ method, path, headers: { Authorization: this.auth, ...headers }, ...(json !== undefined ? { json } : {}) });
  }

  startSession(author: SessionAuthor, session?: { expires_in?: number }): Promise<KitResponse> {
    return this.send('PUT', '/loudvoice/authors/sessions.json', { request: { author_session: { author, ...(session ? { session } : {}) } } });
  }

  sessionsOf(authorToken: string): Promise<KitResponse> {
    return this.send('GET', `/loudvoice/authors/sessions.json?filters=author_token:eq:${authorToken}`);
  }

  deleteSession(token: string, confirm = true): Promise<KitResponse> {
    return this.send('DELETE', `/loudvoice/authors/sessions/${token}.json${confirm ? '?confirm_deletion=true' : ''}`);
  }

  createAuthor(author: Record<string, unknown>): Promise<KitResponse> {
    return this.send('POST', '/loudvoice/authors.json', { request: { author } });
  }

  authorByReference(reference: string): Promise<KitResponse> {
    return this.send('GET', `/loudvoice/authors/author.json?author_reference=${encodeURIComponent(reference)}`);
  }

  author(token: string): Promise<KitResponse> {
    return this.send('GET', `/loudvoice/authors/${token}.json`);
  }

  deleteAuthor(token: string, confirm = true): Promise<KitResponse> {
    return this.send('DELETE', `/loudvoice/authors/${token}.json${confirm ? '?confirm_deletion=true' : ''}`);
  }

  list(path: string, query = ''): Promise<KitResponse> {
    return this.send('GET', `${path}${query}`);
  }
}

/** The `response.request.status` node of any LoudVoice answer. */
export const statusOf = (res: KitResponse): { flag?: string; code?: number; info?: string } => res.body?.response?.request?.status ?? {};

/**
 * The list node of a list answer: the one node under result.data that holds {pagination, entries}. Its name
 * (authors, author_sessions, ...) is by analogy in the contract, so the name is left to the schema rule (assumed).
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export const listOf = (res: KitResponse): any => {
  const data = dataOf(res);
  if (!data || typeof data !== 'object') return undefined;
  const lists = Object.values(data).filter((v) => v !== null && typeof v === 'object' && 'entries' in (v as object) && 'pagination' in (v as object));
  return lists.length === 1 ? lists[0] : undefined;
};

/** The single node of an answer: result.data.<name>, or the only node there when a vendor names it otherwise. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export const nodeOf = (res: KitResponse, name: string): any => {
  const data = dataOf(res);
  if (!data || typeof data !== 'object') return undefined;
  if (data[name] !== undefined) return data[name];
  const nodes = Object.values(data);
  return nodes.length === 1 ? nodes[0] : undefined;
};

/** `result.data` of a success answer. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export const dataOf = (res: KitResponse): any => res.body?.response?.result?.data;

/**
 * The token of an object a test just created, as a precondition pinned to the rule of that create: the status is
 * checked against the rule (recorded if it differs), and without a token the test cannot go on.
 */
export async function createdToken(res: KitResponse, node: string, field: string, createRule: string, status = 201): Promise<string> {
  await precondition(createRule, () => expect(res.status, `create ${node}`).toBe(status));
  const token = nodeOf(res, node)?.[field];
  if (typeof token !== 'string') cannotContinue(`the create of a ${node} answered ${res.status} without result.data.${node}.${field}`);
  return token;
}

/**
 * Checks a refusal against its catalogue entry: the HTTP status (LDV-ERROR-STATUS) and the info text with its
 * placeholders filled (LDV-ERROR-INFO). Both are session-kit's choices, so both rules are assumed.
 */
export async function errorIs(res: KitResponse, code: keyof typeof errors, fill: Record<string, string> = {}): Promise<void> {
  const entry = errors[code];
  await check('LDV-ERROR-STATUS', () => expect(res.status, `the status of ${code}`).toBe(entry.status));
  const pattern = entry.info
    .split(/(\{[a-z_]+\})/)
    .map((part) => {
      const name = /^\{([a-z_]+)\}$/.exec(part)?.[1];
      if (!name) return part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      return fill[name] !== undefined ? fill[name]!.replace(/[.*+?^${}()|[\]\\]/g, '\\$&') : '.+';
    })
    .join('');
  await check('LDV-ERROR-INFO', () => expect(statusOf(res).info, `the info of ${code}`).toMatch(new RegExp(`^${pattern}$`)));
}

/** A refusal: any 4xx (the documented part; which 4xx is the catalogue's choice). */
export const refused = (res: KitResponse, what: string) => {
  expect(res.status, what).toBeGreaterThanOrEqual(400);
  expect(res.status, what).toBeLessThan(500);
};
