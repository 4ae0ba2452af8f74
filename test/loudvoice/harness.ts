// Shared driver for the LoudVoice in-process tests: sends a request with the demo site's keys and checks every
// response body against the contract's response schema for that operation and status.
import type { FastifyInstance } from 'fastify';
import { expect } from 'vitest';
import { contractValidator } from '../helpers/contract-schemas.js';
import { LOUDVOICE_AUTH, testApp } from '../helpers/test-app.js';
import type { AppConfig } from '../../src/http/app.js';

/** The contract's path templates; static ones first, as the router prefers them. */
const TEMPLATES = [
  '/tools/ping.json',
  '/loudvoice/authors.json',
  '/loudvoice/authors/sessions.json',
  '/loudvoice/authors/author.json',
  '/loudvoice/authors/sessions/{author_session_token}.json',
  '/loudvoice/authors/{author_token}.json',
  '/loudvoice/discussions.json',
  '/loudvoice/discussions/discussion.json',
  '/loudvoice/discussions/discussion/comments.json',
  '/loudvoice/discussions/{discussion_token}/comments.json',
  '/loudvoice/discussions/{discussion_token}.json',
  '/loudvoice/comments.json',
  '/loudvoice/comments/{discussion_token}/comments.json',
  '/loudvoice/comments/{comment_token}.json',
];
const matchers = TEMPLATES.map((t) => ({ t, re: new RegExp(`^${t.replace(/\{[a-z_]+\}/g, '[^/]+').replaceAll('.', '\\.')}$`) }));

/** The contract's template for a concrete path, if it has one. */
export const templateOf = (path: string) => matchers.find((m) => m.re.test(path))?.t;

/** The demo site's data from the default fixtures. */
export const FIX = {
  authorToken: '875b8930-eff8-4c2d-a594-3f4cc4ed4d0d',
  authorReference: 'USER-123456',
  identityToken: 'd86196e7-969d-48ad-8fe1-63a1f074f9b0',
  discussionToken: '4f1c2a7e-2b7d-4c57-9a63-7f0d2d9b1c10',
  discussionReference: 'ARTICLE-1',
  comment1: '9b2e6f1a-4c3d-4e8f-a1b2-c3d4e5f60718',
  comment2: '0c9d8e7f-6a5b-4c3d-8e1f-2a3b4c5d6e7f',
} as const;

/** Options of one call. */
export interface CallOptions {
  auth?: string | null;
  headers?: Record<string, string>;
  /** A raw payload sent as is (otherwise `body` is JSON-encoded). */
  raw?: string;
  /** Skip the contract check (for responses the contract cannot list, e.g. deliberately odd methods). */
  unchecked?: boolean;
}

/** A LoudVoice test server with a call helper that validates every answer against the contract. */
export async function loudVoiceApp(overrides: Partial<AppConfig> = {}) {
  const { app, clock } = await testApp(overrides);
  const contract = await contractValidator();
  const call = async (method: 'GET' | 'POST' | 'PUT' | 'DELETE' | 'PATCH', url: string, body?: unknown, options: CallOptions = {}) => {
    const headers: Record<string, string> = { ...(options.headers ?? {}) };
    const auth = options.auth === undefined ? LOUDVOICE_AUTH : options.auth;
    if (auth !== null) headers['authorization'] = auth;
    const payload = options.raw ?? (body === undefined ? undefined : JSON.stringify(body));
    if (payload !== undefined && headers['content-type'] === undefined) headers['content-type'] = 'application/json';
    const res = await app.inject({ method, url, headers, ...(payload !== undefined ? { payload } : {}) });
    const json = res.json();
    const template = templateOf(url.split('?')[0]!);
    if (template && !options.unchecked && method !== 'PATCH') {
      expect(contract.problems(method, template, res.statusCode, json), `${method} ${url} ${res.statusCode} against the contract`).toEqual([]);
    }
    return { status: res.statusCode, body: json, headers: res.headers, info: json?.response?.request?.status?.info as string, data: json?.response?.result?.data };
  };
  return { app: app as FastifyInstance, clock, call };
}

/** The PUT session body of the details variant. */
export const sessionBody = (author: Record<string, unknown>, session?: Record<string, unknown>) => ({
  request: { author_session: { author, ...(session ? { session } : {}) } },
});
