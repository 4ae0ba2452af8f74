import type { FastifyReply, FastifyRequest } from 'fastify';
import { errors, type ErrorCode } from '../../generated/loudvoice-catalogue.js';
import { rfc2822 } from './rfc2822.js';

/** The info text of every successful response (the seed's example resultset). */
export const SUCCESS_INFO = 'Your request has been processed successfully';

/** Fills a catalogue text's `{placeholders}` from the error's details. */
export function fillInfo(template: string, detail: Record<string, string> | undefined): string {
  return template.replace(/\{([a-z_]+)\}/g, (whole, key: string) => detail?.[key] ?? whole);
}

/** The `response.request` node: when, which resource (path and query, as sent) and how it went. */
function requestNode(request: FastifyRequest, now: number, flag: 'success' | 'error', code: number, info: string, formatDate: (ms: number) => string) {
  return { date: formatDate(now), resource: request.url, status: { flag, code, info } };
}

/** Sends a LoudVoice success envelope with `result.data`. */
export function sendLoudVoiceData(
  request: FastifyRequest,
  reply: FastifyReply,
  now: number,
  status: 200 | 201,
  data: Record<string, unknown>,
  formatDate: (ms: number) => string = rfc2822,
): FastifyReply {
  return reply.code(status).send({ response: { request: requestNode(request, now, 'success', status, SUCCESS_INFO, formatDate), result: { data } } });
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
  return reply.code(entry.status).send({ response: { request: requestNode(request, now, 'error', entry.status, fillInfo(entry.info, detail), formatDate) } });
}
