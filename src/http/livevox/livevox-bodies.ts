import type { Credentials } from '../../core/livevox/livevox-core.js';
import { fail, ok, type Result } from '../../core/result.js';
import { UnreadableBody } from '../request-body.js';

type BodyResult<T> = Result<T, 'BODY_INVALID' | 'UNSUPPORTED_MEDIA_TYPE'>;

/** Reads a JSON object body, or says why it is not one. */
function object(body: unknown): BodyResult<Record<string, unknown>> {
  if (body instanceof UnreadableBody) return body.kind === 'media' ? fail('UNSUPPORTED_MEDIA_TYPE') : fail('BODY_INVALID', { reason: body.reason });
  if (body === undefined || body === null) return fail('BODY_INVALID', { reason: 'the request body is missing' });
  if (typeof body !== 'object' || Array.isArray(body)) return fail('BODY_INVALID', { reason: 'the request body must be a JSON object' });
  return ok(body as Record<string, unknown>);
}

/** A required non-empty string field. */
function text(body: Record<string, unknown>, field: string): BodyResult<string> {
  const value = body[field];
  if (value === undefined || value === null) return fail('BODY_INVALID', { reason: `${field} is required` });
  if (typeof value !== 'string') return fail('BODY_INVALID', { reason: `${field} must be a string` });
  if (value === '') return fail('BODY_INVALID', { reason: `${field} must not be empty` });
  return ok(value);
}

/**
 * `agent`: a boolean, or the strings "true"/"false" that some real clients send; false when absent. null is refused
 * like any other value (LVX-LOGIN-AGENT-NULL): no client sends it, and LiveVox's own omits absent fields.
 */
function agentFlag(body: Record<string, unknown>): BodyResult<boolean> {
  const value = body.agent;
  if (value === undefined) return ok(false);
  if (typeof value === 'boolean') return ok(value);
  if (value === 'true' || value === 'false') return ok(value === 'true');
  return fail('BODY_INVALID', { reason: 'agent must be true or false' });
}

/** The body of a login or of a password change: clientName, userName, password, agent. */
export function readCredentials(body: unknown): BodyResult<Credentials> {
  const obj = object(body);
  if (!obj.ok) return obj;
  const clientName = text(obj.value, 'clientName');
  if (!clientName.ok) return clientName;
  const userName = text(obj.value, 'userName');
  if (!userName.ok) return userName;
  const password = text(obj.value, 'password');
  if (!password.ok) return password;
  const agent = agentFlag(obj.value);
  if (!agent.ok) return agent;
  return ok({ clientName: clientName.value, userName: userName.value, password: password.value, agent: agent.value });
}

/** The body of a password change: the credentials plus `newPassword`. */
export function readPasswordChange(body: unknown): BodyResult<{ credentials: Credentials; newPassword: string }> {
  const credentials = readCredentials(body);
  if (!credentials.ok) return credentials;
  const newPassword = text(body as Record<string, unknown>, 'newPassword');
  if (!newPassword.ok) return newPassword;
  return ok({ credentials: credentials.value, newPassword: newPassword.value });
}

/** The body of an SSO login: clientName, idToken, agent. */
export function readSsoLogin(body: unknown): BodyResult<{ clientName: string; idToken: string; agent: boolean }> {
  const obj = object(body);
  if (!obj.ok) return obj;
  const clientName = text(obj.value, 'clientName');
  if (!clientName.ok) return clientName;
  const idToken = text(obj.value, 'idToken');
  if (!idToken.ok) return idToken;
  const agent = agentFlag(obj.value);
  if (!agent.ok) return agent;
  return ok({ clientName: clientName.value, idToken: idToken.value, agent: agent.value });
}
