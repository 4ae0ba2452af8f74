import type { FastifyReply } from 'fastify';
import { NO_VARIANTS, type VariantSet } from '../../core/variants.js';
import { errors, type ErrorCode } from '../../generated/livevox-session-catalogue.js';

/** Every LiveVox error code the core or the edge can return. */
export type LiveVoxErrorCode = ErrorCode;

/** Sends one LiveVox error in this server's wire form; what the routes and the app's fallbacks call. */
export type SendLiveVoxError = (reply: FastifyReply, code: ErrorCode, detail?: Record<string, string>) => FastifyReply;

/**
 * The wording of every code under the test-only livevox-error-codes variant: another vendor's sentences for the
 * same errors. A code missing here (one added to the catalogue later) keeps its catalogue text behind "Error: ".
 */
const REWORDED: Partial<Record<ErrorCode, string>> = {
  ACCESS_TOKEN_MISSING: 'No API access token was sent',
  ACCESS_TOKEN_INVALID: 'The API access token is not recognised',
  CREDENTIALS_INVALID: 'Login failed for the given client, user and password',
  SESSION_MISSING: 'No session id was sent',
  SESSION_INVALID: 'The session has ended or never existed',
  FORBIDDEN_FOR_AGENT: 'Agent sessions may not call this method',
  SESSION_NOT_FOUND: 'No such session',
  BODY_INVALID: 'The request could not be read',
  PASSWORD_POLICY: 'The new password is not acceptable',
  SSO_NOT_ENABLED: 'Single sign-on is disabled for this client',
  SSO_TOKEN_INVALID: 'The identity token was rejected',
  PARAMETER_INVALID: 'A query parameter has a bad value',
  ROUTE_NOT_FOUND: 'There is nothing at this address',
  METHOD_NOT_ALLOWED: 'This address does not accept that method',
  PAYLOAD_TOO_LARGE: 'The request is too big',
  UNSUPPORTED_MEDIA_TYPE: 'Only JSON request bodies are accepted',
  HEADER_REPEATED: 'A credential header was sent more than once',
  INTERNAL_ERROR: 'Something went wrong on our side',
  RATE_LIMITED: 'Too many requests, slow down',
  BAD_GATEWAY: 'An upstream service failed',
  SERVICE_UNAVAILABLE: 'The service is temporarily unavailable',
};

/** The LiveVox error body: `{code, message}` (observed in LiveVox's own .NET client model). */
export function livevoxErrorBody(code: ErrorCode, detail?: Record<string, string>, variants: VariantSet = NO_VARIANTS): { code: number; message: string; detail?: null } {
  const entry = errors[code];
  const reason = detail?.reason ?? detail?.field;
  const body: { code: number; message: string; detail?: null } = { code: entry.code, message: reason ? `${entry.message}: ${reason}` : entry.message };
  // Test-only variant livevox-error-codes: another numbering (10001 -> 1001) and other sentences, same statuses.
  if (variants.has('livevox-error-codes')) {
    const sentence = `Error: ${REWORDED[code] ?? entry.message}`;
    body.code = entry.code - 9000;
    body.message = reason ? `${sentence} (${reason})` : sentence;
  }
  // Test-only variant extra-response-fields: a field a vendor might add to every error body.
  if (variants.has('extra-response-fields')) body.detail = null;
  return body;
}

/**
 * The error sender of a server started with these variants: every LiveVox error leaves through it, mapped once from
 * the catalogue generated from the contract.
 */
export function liveVoxErrorSender(variants: VariantSet): SendLiveVoxError {
  // Test-only variant livevox-authorization-403: every Authorization error is a 403 (the docs name no status).
  const authorization403 = variants.has('livevox-authorization-403');
  return (reply, code, detail) => {
    const status = errors[code].status;
    reply.code(authorization403 && status === 401 ? 403 : status);
    // A HEAD answer has no body (RFC 9110 section 9.3.2); Node would drop it on the wire, inject would not.
    return reply.request.method === 'HEAD' ? reply.send() : reply.send(livevoxErrorBody(code, detail, variants));
  };
}

/** Sends a LiveVox error as a server without variants does. */
export const sendLiveVoxError: SendLiveVoxError = liveVoxErrorSender(NO_VARIANTS);
