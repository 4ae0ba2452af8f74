import type { FastifyReply, FastifyRequest } from 'fastify';
import { NO_VARIANTS, type VariantSet } from '../../core/variants.js';
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
  resultStatus?: ResultStatus,
): FastifyReply {
  // Test-only faults (src/core/faults.ts) of the site, if any: none is on in a normal run.
  const site = siteOf(request);
  const statusNode = status === 201 && !site?.fault('loudvoice-status-code-mismatch') ? CREATED_STATUS : OK_STATUS;
  const dataJson = site?.fault('loudvoice-absent-omitted') ? JSON.stringify(data, dropNulls) : JSON.stringify(data);
  const body = `{"response":{"request":{"date":${JSON.stringify(formatDate(now))},"resource":${JSON.stringify(resourceOf(request, site))},"status":${statusNode}},"result":{"data":${dataJson}${
    resultStatus ? `,"status":${JSON.stringify(resultStatus)}` : ''
  }}}}`;
  return reply.code(status).header('content-type', JSON_TYPE).send(body);
}

const OK_STATUS = JSON.stringify({ flag: 'success', code: 200, info: SUCCESS_INFO });
const CREATED_STATUS = JSON.stringify({ flag: 'success', code: 201, info: SUCCESS_INFO });

/** The success envelope as an object: what `sendLoudVoiceData` writes, for tests and documentation. */
export function loudVoiceDataEnvelope(
  url: string,
  now: number,
  status: 200 | 201,
  data: Record<string, unknown>,
  formatDate: (ms: number) => string = rfc2822,
  resultStatus?: ResultStatus,
) {
  return {
    response: {
      request: requestNode({ url } as FastifyRequest, now, 'success', status, SUCCESS_INFO, formatDate),
      result: { data, ...(resultStatus ? { status: resultStatus } : {}) },
    },
  };
}

/** `result.status`, a node a vendor might add beside `result.data` (the test-only extra-response-fields variant). */
export interface ResultStatus {
  flag: 'success';
  /** How many nodes `data` holds: the entry count of a list, 1 for a single node, 0 for none (ping). */
  count: number;
}

/** The result.status node of a data node: a list counts its entries, any other node counts as one. */
export function resultStatusOf(data: Record<string, unknown>): ResultStatus {
  let count = 0;
  for (const node of Object.values(data)) {
    const entries = (node as { entries?: unknown } | null)?.entries;
    count += Array.isArray(entries) ? entries.length : 1;
  }
  return { flag: 'success', count };
}

/** Sends one LoudVoice error in this server's wire form; what the routes and the app's fallbacks call. */
export type SendLoudVoiceError = (
  request: FastifyRequest,
  reply: FastifyReply,
  now: number,
  code: ErrorCode,
  detail?: Record<string, string>,
  formatDate?: (ms: number) => string,
) => FastifyReply;

/**
 * The info texts of the test-only loudvoice-error-info variant: another vendor's sentences for the same errors,
 * still naming the node, parameter or value. The documented 401 text (CREDENTIALS_INVALID) and the text the
 * WordPress plugin matches (DISCUSSION_TOKEN_UNKNOWN) are kept; a code missing here (one added to the catalogue
 * later) gets its catalogue text behind "Request refused: ".
 */
const REWORDED_INFO: Partial<Record<ErrorCode, string>> = {
  BODY_NOT_JSON: 'Request refused: the body is not a JSON document with a [request] node',
  NODE_MISSING: 'Request refused: [{node}] must be sent',
  NODE_INVALID: 'Request refused: [{node}] has a bad value ({reason})',
  NAME_REQUIRED_FOR_NEW_AUTHOR: 'Request refused: a new author needs [{node}]',
  PARAMETER_INVALID: 'Request refused: the query parameter [{parameter}] has a bad value ({reason})',
  FILTER_UNSUPPORTED: 'Request refused: cannot filter by [{filter}], use author_token:eq:<author_token>',
  CONFIRM_DELETION_REQUIRED: 'Request refused: add confirm_deletion=true to delete, nothing was deleted',
  // Keeps "no discussion has been found": the plugin recognises a missing discussion by those words.
  DISCUSSION_REFERENCE_UNKNOWN: 'Request refused: [{node}] names no discussion, no discussion has been found and allow_create_discussion_reference is not true',
  AUTHOR_TOKEN_UNKNOWN: 'Request refused: [{node}] names no author',
  AUTHOR_REFERENCE_UNKNOWN: 'Request refused: [{node}] names no author and allow_create_new is false',
  IDENTITY_TOKEN_UNKNOWN: 'Request refused: [{node}] names no Social Login identity',
  PARENT_COMMENT_UNKNOWN: 'Request refused: [{node}] names no comment of this discussion',
  COMMENT_TOKEN_UNKNOWN: 'Request refused: [request->comment->comment_token] names no comment',
  RESOURCE_NOT_FOUND: 'Not found: there is no {object} with {key} [{value}]',
  SESSION_NOT_FOUND: 'Not found: the author session [{token}] does not exist or has expired',
  ROUTE_NOT_FOUND: 'Not found: nothing is served at [{resource}]',
  METHOD_NOT_ALLOWED: 'Request refused: [{resource}] cannot be called with [{method}]',
  AUTHOR_REFERENCE_TAKEN: 'Conflict: another author already has the author_reference [{value}] ({node})',
  IDENTITY_TOKEN_TAKEN: 'Conflict: the identity_token [{value}] belongs to another author ({node})',
  DISCUSSION_REFERENCE_TAKEN: 'Conflict: another discussion already has the discussion_reference [{value}] ({node})',
  COMMENT_REFERENCE_TAKEN: 'Conflict: another comment already has the comment_reference [{value}] ({node})',
  PAYLOAD_TOO_LARGE: 'Request refused: bodies are limited to {limit} bytes',
  UNSUPPORTED_MEDIA_TYPE: 'Request refused: [{content_type}] is not accepted, send JSON',
  INTERNAL_ERROR: 'Server error: the request could not be processed, try again later',
  RATE_LIMITED: 'Request refused: too many requests, retry in {retry_after} seconds',
  BAD_GATEWAY: 'Server error: technical problem or maintenance, try again later',
  SERVICE_UNAVAILABLE: 'Server error: the service is overloaded, retry in {retry_after} seconds',
};

/** The info texts no variant changes: documented (401) or matched by a real client (the discussion 404). */
const FIXED_INFO: ReadonlySet<ErrorCode> = new Set(['CREDENTIALS_INVALID', 'DISCUSSION_TOKEN_UNKNOWN']);

/**
 * The HTTP status and info text of an error on a server with these variants: the catalogue, mapped once. The
 * loudvoice-error-statuses variant picks other statuses where the vendor is silent (status.code follows).
 */
export function loudVoiceErrorWire(code: ErrorCode, detail: Record<string, string> | undefined, variants: VariantSet): { status: number; info: string } {
  const entry = errors[code];
  let status: number = entry.status;
  let template: string = entry.info;
  if (variants.has('loudvoice-error-statuses')) {
    const inSessionPut = detail?.node?.startsWith('request->author_session->') ?? false;
    if (code === 'CONFIRM_DELETION_REQUIRED') status = 403;
    else if ((code === 'AUTHOR_REFERENCE_UNKNOWN' || code === 'AUTHOR_TOKEN_UNKNOWN') && inSessionPut) status = 400;
  }
  if (variants.has('loudvoice-error-info') && !FIXED_INFO.has(code)) template = REWORDED_INFO[code] ?? `Request refused: ${entry.info}`;
  return { status, info: fillInfo(template, detail) };
}

/** The error sender of a server started with these variants. */
export function loudVoiceErrorSender(variants: VariantSet): SendLoudVoiceError {
  return (request, reply, now, code, detail, formatDate = rfc2822) => {
    const { status, info } = loudVoiceErrorWire(code, detail, variants);
    // A HEAD answer has no body (RFC 9110 section 9.3.2); Node would drop it on the wire, inject would not.
    if (request.method === 'HEAD') return reply.code(status).send();
    const node = requestNode(request, now, 'error', status, info, formatDate);
    // Test-only fault loudvoice-error-with-result: the success envelope's empty result node left on errors too.
    if (siteOf(request)?.fault('loudvoice-error-with-result')) return reply.code(status).send({ response: { request: node, result: { data: {} } } });
    return reply.code(status).send({ response: { request: node } });
  };
}

/** Sends a LoudVoice error envelope (no `result` node) as a server without variants does. */
export const sendLoudVoiceError: SendLoudVoiceError = loudVoiceErrorSender(NO_VARIANTS);
