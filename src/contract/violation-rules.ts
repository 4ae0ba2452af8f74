// Which contract rule a violation breaks. The contracts state their rules in prose (x-rules) and their shapes as
// schemas, with no machine link between a schema keyword and the rule behind it; this table is that link, kept
// next to the checks that use it. Every id is typed against the generated catalogues, so a renamed rule fails
// `npm run typecheck`. Where no rule of the contract says more than the schema, the plain ids below are used.
import type { RuleId as LiveVoxRuleId } from '../generated/livevox-session-catalogue.js';
import type { RuleId as LoudVoiceRuleId } from '../generated/loudvoice-catalogue.js';
import type { ApiName, SchemaProblem } from './openapi-contract.js';

/** A violation with no more specific rule than the schema itself. */
export const SCHEMA = 'SCHEMA';
/** A response status the operation does not declare, where the contract has no rule for it (unused today: both contracts do). */
export const STATUS_UNDECLARED = 'STATUS-UNDECLARED';
/** A request to a path or method the contract does not define: the client called something that does not exist. */
export const OPERATION_UNDECLARED = 'OPERATION-UNDECLARED';

/** A rule id of either contract, or one of the plain ids above. */
export type ViolationRule = LiveVoxRuleId | LoudVoiceRuleId | typeof SCHEMA | typeof STATUS_UNDECLARED | typeof OPERATION_UNDECLARED;

const byOperation = <T extends string>(table: Record<string, T>, operationId: string): T | undefined => table[operationId.replace(/Versioned$/, '')];

/** The rule a missing or empty credential breaks, by API, security scheme and operation. */
export function credentialRule(api: ApiName, scheme: string, operationId: string): ViolationRule {
  if (api === 'loudvoice') return 'LDV-AUTH-BASIC-EVERY-CALL';
  if (scheme === 'LvAccess') {
    return byOperation<LiveVoxRuleId>({ login: 'LVX-LOGIN-ACCESS-MISSING', ssoLogin: 'LVX-SSO-ACCESS', changePassword: 'LVX-PASSWORD-ACCESS' }, operationId) ?? 'LVX-ACCESS-LOGIN-ONLY';
  }
  if (scheme === 'LvSession') return byOperation<LiveVoxRuleId>({ getSessionDetails: 'LVX-DETAILS-SESSION-MISSING', listCallCenters: 'LVX-CALLCENTERS-SESSION' }, operationId) ?? 'LVX-SESSION-REQUIRED';
  return SCHEMA;
}

/** The rule a credential header sent more than once breaks. */
export const repeatedCredentialRule = (api: ApiName): ViolationRule => (api === 'livevox' ? 'LVX-HEADER-REPEATED' : 'LDV-AUTH-BASIC-EVERY-CALL');

/** The rule a bad path or query parameter breaks. */
export function parameterRule(api: ApiName, name: string, operationId: string): ViolationRule {
  if (api === 'livevox') return ({ version: 'LVX-VERSION-SEGMENT', count: 'LVX-CALLCENTERS-PAGING', offset: 'LVX-CALLCENTERS-PAGING' } as Record<string, LiveVoxRuleId>)[name] ?? SCHEMA;
  if (name === 'confirm_deletion') return operationId === 'deleteAuthorSession' ? 'LDV-SESSION-DELETE-CONFIRM' : 'LDV-DELETE-CONFIRM';
  const rules: Record<string, LoudVoiceRuleId> = {
    page: 'LDV-PAGINATION-PARAMS-REFUSED',
    entries_per_page: 'LDV-PAGINATION-PARAMS-REFUSED',
    order_direction: 'LDV-PAGINATION-PARAMS-REFUSED',
    author_reference: 'LDV-REFERENCE-PARAMETER-REQUIRED',
    discussion_reference: 'LDV-REFERENCE-PARAMETER-REQUIRED',
    filters: 'LDV-SESSION-LIST-FILTER-UNSUPPORTED',
  };
  return rules[name] ?? SCHEMA;
}

/** The rule a request body that is missing, unreadable or off its schema breaks. */
export function requestBodyRule(api: ApiName, operationId: string, problem?: SchemaProblem): ViolationRule {
  if (api === 'livevox') {
    return byOperation<LiveVoxRuleId>({ login: 'LVX-LOGIN-BODY-INVALID', ssoLogin: 'LVX-SSO-BODY-INVALID', changePassword: 'LVX-PASSWORD-BODY-INVALID' }, operationId) ?? SCHEMA;
  }
  // The wrapper node first: a body without {"request": ...} is refused whatever it holds.
  if (problem && (problem.pointer === '' || problem.pointer === '/request') && (problem.property === 'request' || problem.pointer === '')) return 'LDV-BODY-WRAPPED-REQUEST';
  return 'LDV-BODY-INVALID-400';
}

/** The rule a request body sent with a media type the API refuses breaks. */
export const mediaTypeRule = (api: ApiName): ViolationRule => (api === 'livevox' ? 'LVX-MEDIA-TYPE' : 'LDV-BODY-CONTENT-TYPE-LENIENT');

/** The rule every response status and body of a defined operation is bound by. */
export const contractResponsesRule = (api: ApiName): ViolationRule => (api === 'livevox' ? 'LVX-CONTRACT-RESPONSES' : 'LDV-CONTRACT-RESPONSES');

/** The rule an unknown path's (or unknown method's) answer is bound by. */
export function undeclaredAnswerRule(api: ApiName, kind: 'path' | 'method'): ViolationRule {
  if (api === 'livevox') return kind === 'path' ? 'LVX-ROUTE-NOT-FOUND' : 'LVX-METHOD-NOT-ALLOWED';
  return kind === 'path' ? 'LDV-ROUTE-NOT-FOUND' : 'LDV-METHOD-NOT-ALLOWED';
}

/** The rule an error body outside the API's error shape breaks. */
export const errorShapeRule = (api: ApiName): ViolationRule => (api === 'livevox' ? 'LVX-ERROR-SHAPE' : 'LDV-ENVELOPE-EVERY-RESPONSE');

/** The rule a response body that should be empty but is not breaks (LiveVox's 204s), by operation. */
export function emptyBodyRule(api: ApiName, operationId: string): ViolationRule {
  if (api === 'loudvoice') return 'LDV-CONTRACT-RESPONSES';
  return byOperation<LiveVoxRuleId>({ validateSession: 'LVX-VALIDATE-LIVE-204', logout: 'LVX-LOGOUT-LIVE-204', changePassword: 'LVX-PASSWORD-SUCCESS' }, operationId) ?? 'LVX-CONTRACT-RESPONSES';
}

/** The rule a response body's schema problem breaks: the most specific rule that governs that part of the body. */
export function responseBodyRule(api: ApiName, operationId: string, status: number, problem: SchemaProblem): ViolationRule {
  const p = problem.pointer;
  if (api === 'livevox') {
    if (status >= 400) return 'LVX-ERROR-SHAPE';
    const op = operationId.replace(/Versioned$/, '');
    if ((op === 'login' || op === 'ssoLogin') && status === 200) {
      if (p === '/sessionId') return op === 'login' ? 'LVX-LOGIN-SUCCESS' : 'LVX-SSO-SESSION';
      if (p === '/clientId' || p === '/userId' || p === '/daysUntilPasswordExpires') return op === 'login' ? 'LVX-LOGIN-IDS' : 'LVX-SSO-SESSION';
    }
    if (op === 'getSessionDetails' && status === 200 && p !== '') return 'LVX-DETAILS-CONTENT';
    if (op === 'listCallCenters' && status === 200 && p !== '') return 'LVX-CALLCENTERS-CONTENT';
    return 'LVX-CONTRACT-RESPONSES';
  }
  if (p === '' || p === '/response/request' || (p === '/response' && problem.keyword !== 'not')) return 'LDV-ENVELOPE-EVERY-RESPONSE';
  if (p === '/response' && problem.keyword === 'not') return 'LDV-ENVELOPE-ERROR-NO-RESULT';
  if (p === '/response/request/date' || (/\/date_[a-z_]+$/.test(p) && (problem.keyword === 'pattern' || problem.keyword === 'type'))) return 'LDV-DATE-RFC2822';
  if (p === '/response/request/resource') return 'LDV-RESOURCE-ECHO';
  if (p === '/response/request/status/info') return 'LDV-ENVELOPE-INFO';
  if (p.startsWith('/response/request/status')) return 'LDV-ENVELOPE-STATUS';
  if (p === '/response/result' || p === '/response/result/data') return 'LDV-ENVELOPE-ERROR-NO-RESULT';
  if (/\/pagination(\/|$)/.test(p)) return 'LDV-PAGINATION-NODE';
  return 'LDV-CONTRACT-RESPONSES';
}

/** The rule the envelope's own status node breaks when it disagrees with the HTTP status. */
export const envelopeStatusRule: LoudVoiceRuleId = 'LDV-ENVELOPE-STATUS';
