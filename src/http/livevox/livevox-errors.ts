import type { FastifyReply } from 'fastify';
import { errors, type ErrorCode } from '../../generated/livevox-session-catalogue.js';

/** Every LiveVox error code the core or the edge can return. */
export type LiveVoxErrorCode = ErrorCode;

/** The LiveVox error body: `{code, message}` (observed in LiveVox's own .NET client model). */
export function livevoxErrorBody(code: ErrorCode, detail?: Record<string, string>): { code: number; message: string } {
  const entry = errors[code];
  const reason = detail?.reason ?? detail?.field;
  return { code: entry.code, message: reason ? `${entry.message}: ${reason}` : entry.message };
}

/** Sends a LiveVox error, mapped once from the catalogue generated from the contract. */
export function sendLiveVoxError(reply: FastifyReply, code: ErrorCode, detail?: Record<string, string>): FastifyReply {
  return reply.code(errors[code].status).send(livevoxErrorBody(code, detail));
}
