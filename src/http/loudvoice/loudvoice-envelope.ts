import type { FastifyReply, FastifyRequest } from 'fastify';
import { errors, type ErrorCode } from '../../generated/loudvoice-catalogue.js';
import { siteOf } from './loudvoice-auth.js';
import { rfc2822 } from './rfc2822.js';

/** The info text of every successful response (the seed's example resultset). */
export const SUCCESS_INFO = 'Your request has been processed successfully';

/** Fills a catalogue text's `{placeholders}` from the error's details. */
export function fillInfo(template: string, detail: Record<string, string> | undefined): string {
  return template.replace(/\{([a-z_]+)\}/g, (whole, key: string) => detail?.[key] ?? whole);
}

/** The `response.request` node: when, which resource (path and query, as sent) and how it went. */
function requestNode(request: FastifyRequest, now: number, flag: 'success' | 'error', code: number, info: string, formatDate: (ms: number) => string) {
  return { date: formatDate(now), resource: resourceOf(request), status: { flag, code, info } };
}

/** The resource echoed: path and query as sent (without the query under the test-only loudvoice-resource-without-query fault). */
function resourceOf(request: FastifyRequest, site = siteOf(request)): string {
  return site?.fault('loudvoice-resource-without-query') ? request.url.split('?')[0]! : request.url;
}

/** A JSON.stringify replacer that drops nulls: the serializer setting of the test-only loudvoice-absent-omitted fault. */
const dropNulls = (_key: string, value: unknown) => (value === null ? undefined : value);

const JSON_TYPE = 'application/json; charset=utf-8';

/**
 * Sends a LoudVoice success envelope with `result.data`. The envelope is written as text around the serialised
 * `data` node: the same bytes `JSON.stringify` gives for the whole object (a test holds them equal), without
 * building and walking the outer nodes on every answer.
 */
export function sendLoudVoiceData(
  request: FastifyRequest,
  reply: FastifyReply,
  now: number,
  status: 200 | 201,
  data: Record<string, unknown>,
  formatDate: (ms: number) => string = rfc2822,
): FastifyReply {
  // Test-only faults (src/core/faults.ts) of the site, if any: none is on in a normal run.
  const site = siteOf(request);
  const statusNode = status === 201 && !site?.fault('loudvoice-status-code-mismatch') ? CREATED_STATUS : OK_STATUS;
  const dataJson = site?.fault('loudvoice-absent-omitted') ? JSON.stringify(data, dropNulls) : JSON.stringify(data);
  const body = `{"response":{"request":{"date":${JSON.stringify(formatDate(now))},"resource":${JSON.stringify(resourceOf(request, site))},"status":${statusNode}},"result":{"data":${dataJson}}}}`;
  return reply.code(status).header('content-type', JSON_TYPE).send(body);
}

const OK_STATUS = JSON.stringify({ flag: 'success', code: 200, info: SUCCESS_INFO });
const CREATED_STATUS = JSON.stringify({ flag: 'success', code: 201, info: SUCCESS_INFO });

/** The success envelope as an object: what `sendLoudVoiceData` writes, for tests and documentation. */
export function loudVoiceDataEnvelope(url: string, now: number, status: 200 | 201, data: Record<string, unknown>, formatDate: (ms: number) => string = rfc2822) {
  return { response: { request: requestNode({ url } as FastifyRequest, now, 'success', status, SUCCESS_INFO, formatDate), result: { data } } };
}

/** Sends a LoudVoice error envelope (no `result` node), mapped once from the catalogue generated from the contract. */
export function sendLoudVoiceError(
  request: FastifyRequest,
  reply: FastifyReply,
  now: number,
  code: ErrorCode,
  detail?: Record<string, string>,
  formatDate: (ms: number) => string = rfc2822,
): FastifyReply {
  const entry = errors[code];
  const node = requestNode(request, now, 'error', entry.status, fillInfo(entry.info, detail), formatDate);
  // Test-only fault loudvoice-error-with-result: the success envelope's empty result node left on errors too.
  if (siteOf(request)?.fault('loudvoice-error-with-result')) return reply.code(entry.status).send({ response: { request: node, result: { data: {} } } });
  return reply.code(entry.status).send({ response: { request: node } });
}
