// What every answer must look like, whatever was sent: the judge of the fuzz and limits suites. Independent of the
// server's code: it reads the error catalogues generated from the contracts, never src/http.
import type { FastifyInstance } from 'fastify';
import { errors as livevoxErrors } from '../../src/generated/livevox-session-catalogue.js';
import { errors as loudvoiceErrors } from '../../src/generated/loudvoice-catalogue.js';
import { LOUDVOICE_AUTH } from '../helpers/test-app.js';

/** Whose error shape a path answers in (a server that answers both APIs). */
export type Shape = 'livevox' | 'loudvoice' | 'admin';

/** The shape a raw request path must answer in: admin and IdP paths their own, LoudVoice paths the envelope. */
export function shapeOfPath(path: string): Shape {
  if (path.startsWith('/__admin') || path.startsWith('/__idp')) return 'admin';
  if (path.startsWith('/loudvoice/') || path.startsWith('/tools/') || path === '/loudvoice' || path.startsWith('/loudvoice?')) return 'loudvoice';
  return 'livevox';
}

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Each LoudVoice catalogue text as a pattern: `{placeholders}` match anything. */
const loudvoiceInfos = Object.values(loudvoiceErrors).map((e) => ({
  status: e.status,
  re: new RegExp(`^${escape(e.info).replace(/\\\{[a-z_]+\\\}/g, '[\\s\\S]*')}$`),
}));

/** An answer as the oracle sees it. */
export interface Answer {
  status: number;
  body: string;
  headers: Record<string, unknown>;
}

/**
 * Problems with one answer (an empty list when it is right): never a 5xx; a body that parses; 4xx in the native error
 * shape of the path's API, with a code and text from that API's catalogue.
 */
export function answerProblems(shape: Shape, method: string, answer: Answer): string[] {
  const problems: string[] = [];
  if (answer.status >= 500) problems.push(`a ${answer.status}`);
  if (answer.status < 100) problems.push(`no valid status (${answer.status})`);
  // HEAD answers carry no body; 204 has none by definition.
  if (method === 'HEAD' || answer.status === 204) {
    if (answer.body !== '') problems.push(`a body on ${method === 'HEAD' ? 'HEAD' : '204'}`);
    return problems;
  }
  let json: unknown;
  try {
    json = JSON.parse(answer.body);
  } catch {
    return [...problems, `the body is not JSON: ${answer.body.slice(0, 200)}`];
  }
  const contentType = String(answer.headers['content-type'] ?? '');
  if (!/^application\/json/.test(contentType)) problems.push(`content-type ${contentType}`);
  if (answer.status >= 400) problems.push(...errorShapeProblems(shape, answer.status, json));
  else if (shape === 'loudvoice') {
    const status = (json as { response?: { request?: { status?: { flag?: unknown; code?: unknown } } } })?.response?.request?.status;
    if (status?.flag !== 'success' || status.code !== answer.status) problems.push(`a LoudVoice success without a success status node: ${answer.body.slice(0, 200)}`);
  }
  return problems;
}

/** Problems with an error body in the shape of `shape`. */
export function errorShapeProblems(shape: Shape, status: number, json: unknown): string[] {
  const body = json as Record<string, unknown>;
  if (shape === 'admin') {
    if (typeof body?.code !== 'string' || typeof body.message !== 'string' || Object.keys(body).length !== 2) {
      return [`an admin error not {code, message}: ${JSON.stringify(json).slice(0, 200)}`];
    }
    return [];
  }
  if (shape === 'livevox') {
    if (typeof body?.code !== 'number' || typeof body.message !== 'string' || Object.keys(body).length !== 2) {
      return [`a LiveVox error not {code, message}: ${JSON.stringify(json).slice(0, 200)}`];
    }
    const entry = Object.values(livevoxErrors).find((e) => e.code === body.code);
    if (!entry) return [`LiveVox code ${String(body.code)} is not in the catalogue`];
    const problems: string[] = [];
    if (entry.status !== status) problems.push(`LiveVox code ${entry.code} is a ${entry.status} in the catalogue, answered as ${status}`);
    const message = body.message as string;
    if (message !== entry.message && !message.startsWith(`${entry.message}: `)) problems.push(`LiveVox message "${message}" is not the catalogue's "${entry.message}"`);
    return problems;
  }
  const response = body?.response as Record<string, unknown> | undefined;
  const request = response?.request as Record<string, unknown> | undefined;
  const node = request?.status as Record<string, unknown> | undefined;
  if (!response || !request || !node || Object.keys(body).length !== 1) return [`not a LoudVoice envelope: ${JSON.stringify(json).slice(0, 200)}`];
  const problems: string[] = [];
  if ('result' in response) problems.push('a LoudVoice error with a result node');
  if (typeof request.date !== 'string' || typeof request.resource !== 'string') problems.push('a LoudVoice request node without date or resource');
  if (node.flag !== 'error') problems.push(`LoudVoice error flag ${String(node.flag)}`);
  if (node.code !== status) problems.push(`LoudVoice status code ${String(node.code)} on a ${status}`);
  if (typeof node.info !== 'string') problems.push('LoudVoice info is not a string');
  else if (!loudvoiceInfos.some((e) => e.status === status && e.re.test(node.info as string))) {
    problems.push(`LoudVoice info "${(node.info as string).slice(0, 200)}" is no catalogue text for ${status}`);
  }
  return problems;
}

/**
 * Everything a refused request must leave alone, as the admin view and the LoudVoice lists show it (valid
 * credentials, largest page).
 */
export async function stateSnapshot(app: FastifyInstance): Promise<string> {
  const auth = { authorization: LOUDVOICE_AUTH };
  const [sessions, authors, discussions, comments, authorSessions] = await Promise.all([
    app.inject({ method: 'GET', url: '/__admin/sessions' }),
    app.inject({ method: 'GET', url: '/loudvoice/authors.json?entries_per_page=500', headers: auth }),
    app.inject({ method: 'GET', url: '/loudvoice/discussions.json?entries_per_page=500', headers: auth }),
    app.inject({ method: 'GET', url: '/loudvoice/comments.json?entries_per_page=500', headers: auth }),
    app.inject({ method: 'GET', url: '/loudvoice/authors/sessions.json?entries_per_page=500', headers: auth }),
  ]);
  const data = (body: string) => (JSON.parse(body) as { response: { result: { data: unknown } } }).response.result.data;
  for (const r of [sessions, authors, discussions, comments, authorSessions]) {
    if (r.statusCode !== 200) throw new Error(`state snapshot: ${r.statusCode} ${r.body.slice(0, 200)}`);
  }
  return JSON.stringify({
    admin: JSON.parse(sessions.body),
    authors: data(authors.body),
    discussions: data(discussions.body),
    comments: data(comments.body),
    authorSessions: data(authorSessions.body),
  });
}

/** Own keys of Object.prototype now; compared before and after to catch prototype pollution of any name. */
export const prototypeKeys = () => Object.getOwnPropertyNames(Object.prototype).sort().join(',');
