// The contract's verdict on one exchange: what the request did wrong (credentials, parameters, body) and what the
// response did wrong (a status the operation does not declare, a body off its schema), each violation pinned to the
// rule it breaks. Like Prism's validator it collects every problem instead of stopping at the first. Pure: it reads
// only the exchange and the contract.
import { isJsonMediaType, namesNonJsonFormat } from './media-type.js';
import { nearMisses, type NearMiss, type NearMissCandidate } from './near-miss.js';
import type { ApiName, ContractOperation, OpenApiContract, SchemaProblem } from './openapi-contract.js';
import {
  contractResponsesRule,
  credentialRule,
  emptyBodyRule,
  envelopeStatusRule,
  errorShapeRule,
  mediaTypeRule,
  OPERATION_UNDECLARED,
  parameterRule,
  repeatedCredentialRule,
  requestBodyRule,
  responseBodyRule,
  undeclaredAnswerRule,
  type ViolationRule,
} from './violation-rules.js';

/** One HTTP exchange as the server saw it: what came in, and what went out. */
export interface HttpExchange {
  method: string;
  /** The path as received, percent-encoded, without the query string. */
  path: string;
  /** The query string without its `?`; "" when there is none. */
  query: string;
  /** Request headers by lower-case name. */
  headers: Readonly<Record<string, string | string[] | undefined>>;
  /** The request body as received, or null when none was read. */
  body: string | null;
  bodyTruncated: boolean;
  /** The server's route that answered (fastify's form, `/session/:version/login`), or null when none matched. */
  route: string | null;
  /** The response status; 0 when no response was sent (the connection was dropped). */
  status: number;
  /**
   * Set when the response is a fault the integrator injected (a chaos `error` rule): the status is then theirs, not
   * the operation's, and only the body's error shape is judged.
   */
  injected?: { ruleId: string; status: number } | null;
  responseHeaders: Readonly<Record<string, string | number | string[] | undefined>>;
  responseBody: string | null;
  responseBodyTruncated: boolean;
}

/** One way an exchange breaks the contract: the rule, where in the exchange, and what is wrong. */
export interface Violation {
  /** A rule id of the contract (`LVX-LOGIN-BODY-INVALID`), or `SCHEMA` / `OPERATION-UNDECLARED` where no rule says more. */
  rule: ViolationRule;
  /** Where: `header LV-Access`, `query/page`, `path/version`, `body/request/author`, `status`. */
  where: string;
  message: string;
}

/** The verdict on an exchange: violations of each side, and what could not be checked (and why). */
export interface Verdict {
  request: Violation[];
  response: Violation[];
  ok: boolean;
  /** Checks not made, e.g. a body cut at the journal's cap; an empty list when everything was checked. */
  unchecked: string[];
}

/** The operation an exchange matched, as the contract names it. */
export interface MatchedOperation {
  operationId: string;
  method: string;
  /** The contract's path template. */
  path: string;
}

/** What the contract says about an exchange: the operation it matched (if any), and the verdict. */
export interface Judgement {
  operation: MatchedOperation | null;
  verdict: Verdict;
  /**
   * For a request no operation answers (a 404 or 405 with no operation, or a path parameter off its enum such as an
   * unserved version): the closest operations of the contract, each with what differs. Absent otherwise.
   */
  nearMisses?: NearMiss[];
}

/** Statuses a contract declares once at its root (its error catalogue) rather than per operation. */
const ROOT_STATUSES = new Set([404, 405, 413, 415]);

/** The schema of each API's error body, by component name. */
const ERROR_SCHEMA: Record<ApiName, string> = { livevox: 'ErrorResponse', loudvoice: 'ErrorEnvelope' };

/** fastify's `/session/:version/login` as the contract's `/session/{version}/login`. */
const templateOfRoute = (route: string) => route.replace(/:([A-Za-z0-9_]+)/g, '{$1}');

/** Judges exchanges against one API's contract. */
export class ContractJudge {
  /** The contract's operations as near-miss candidates, each with the values its enum path parameters allow. */
  private readonly candidates: NearMissCandidate[];

  constructor(private readonly contract: OpenApiContract) {
    this.candidates = contract.operations.map((op) => ({
      operationId: op.operationId,
      method: op.method,
      template: op.template,
      pathEnums: Object.fromEntries(
        op.parameters.flatMap((p) => {
          const values = (p.schema as { enum?: unknown[] } | undefined)?.enum;
          return p.in === 'path' && Array.isArray(values) ? [[p.name, values.map(String)]] : [];
        }),
      ),
    }));
  }

  /** The closest operations to a request none answers (see src/contract/near-miss.ts). */
  private nearMissesOf(x: HttpExchange): NearMiss[] {
    return nearMisses({ method: x.method, path: safeDecode(x.path) }, this.candidates);
  }

  /** The operation an exchange matched, and every violation of either side. */
  judge(x: HttpExchange): Judgement {
    const request: Violation[] = [];
    const response: Violation[] = [];
    const unchecked: string[] = [];
    const done = (operation: ContractOperation | null): Judgement => ({
      operation: operation ? { operationId: operation.operationId, method: operation.method, path: operation.template } : null,
      verdict: { request, response, ok: request.length === 0 && response.length === 0, unchecked },
    });

    if (x.method === 'OPTIONS' && x.headers['access-control-request-method'] !== undefined) {
      unchecked.push('a CORS preflight: answered by the CORS layer, not an operation of the contract');
      return done(null);
    }
    const api = this.contract.api;
    const op = this.match(x);
    if (x.status === 0) unchecked.push('no response: the connection was closed without one');
    if (!op) {
      const kind = this.contract.operationsOfPath(x.path).length > 0 || (x.route !== null && this.contract.operations.some((o) => o.template === templateOfRoute(x.route!))) ? 'method' : 'path';
      request.push({
        rule: OPERATION_UNDECLARED,
        where: kind,
        message: kind === 'path' ? `no operation of the ${api} contract has the path ${x.path}` : `the ${api} contract defines no ${x.method} on ${x.path}`,
      });
      if (x.status !== 0) this.judgeUndeclaredAnswer(x, kind, response);
      const misses = this.nearMissesOf(x);
      return misses.length > 0 ? { ...done(null), nearMisses: misses } : done(null);
    }
    this.judgeCredentials(x, op, request);
    this.judgeParameters(x, op, request);
    this.judgeRequestBody(x, op, request, unchecked);
    if (x.status !== 0) this.judgeResponse(x, op, response, unchecked);
    // A route that matched by its shape but names nothing the contract serves (`/session/v7.0/login`: the version is
    // off its enum, and the server answers 404): as unmatched for the integrator, who wants the nearest real path.
    if ((x.status === 404 || x.status === 405) && request.some((v) => v.where.startsWith('path/'))) {
      const misses = this.nearMissesOf(x);
      if (misses.length > 0) return { ...done(op), nearMisses: misses };
    }
    return done(op);
  }

  /** The operation of the server's route (exact), or of the path when no route matched. */
  private match(x: HttpExchange): ContractOperation | undefined {
    if (x.route !== null) return this.contract.operationByTemplate(x.method, templateOfRoute(x.route));
    // No route answered (an unknown path, one the server could not decode, or an operation the server leaves out):
    // the contract's own templates decide, the one with the most literal text first.
    return this.contract
      .operationsOfPath(x.path)
      .filter((o) => o.method === x.method)
      .sort((a, b) => b.template.replace(/\{[^}]+\}/g, '').length - a.template.replace(/\{[^}]+\}/g, '').length)[0];
  }

  private judgeCredentials(x: HttpExchange, op: ContractOperation, out: Violation[]): void {
    if (op.security.length === 0 || op.security.some((alternative) => alternative.length === 0)) return;
    let best: Violation[] | undefined;
    for (const alternative of op.security) {
      const problems = alternative.flatMap((scheme) => this.credentialProblems(x, op, scheme));
      if (problems.length === 0) return;
      best ??= problems;
    }
    out.push(...(best ?? []));
  }

  private credentialProblems(x: HttpExchange, op: ContractOperation, schemeName: string): Violation[] {
    const api = this.contract.api;
    const scheme = this.contract.schemes[schemeName];
    if (!scheme || scheme.kind === 'other') return [];
    const headerName = scheme.kind === 'apiKeyHeader' ? scheme.header : 'Authorization';
    const value = x.headers[headerName.toLowerCase()];
    const where = `header ${headerName}`;
    if (Array.isArray(value) && value.length > 1) return [{ rule: repeatedCredentialRule(api), where, message: `${headerName} is sent ${value.length} times` }];
    const text = (Array.isArray(value) ? value[0] : value)?.trim() ?? '';
    if (text === '') {
      return [{ rule: credentialRule(api, schemeName, op.operationId), where, message: `${headerName} is ${value === undefined ? 'missing' : 'empty'}; ${op.operationId} needs ${scheme.kind === 'http' ? `HTTP ${scheme.scheme} credentials` : 'it'}` }];
    }
    if (scheme.kind === 'apiKeyHeader' && text.includes(',')) return [{ rule: repeatedCredentialRule(api), where, message: `${headerName} holds a comma-joined list of values` }];
    if (scheme.kind === 'http' && scheme.scheme === 'basic') {
      const m = /^basic\s+(\S+)$/i.exec(text);
      const decoded = m ? Buffer.from(m[1]!, 'base64').toString('utf8') : '';
      const colon = decoded.indexOf(':');
      if (!m || colon <= 0 || colon === decoded.length - 1) {
        return [{ rule: credentialRule(api, schemeName, op.operationId), where, message: 'Authorization is not HTTP Basic with a user name (the site public key) and a password (the private key)' }];
      }
    }
    return [];
  }

  private judgeParameters(x: HttpExchange, op: ContractOperation, out: Violation[]): void {
    const api = this.contract.api;
    const pathValues = op.pattern.exec(x.path)?.groups ?? {};
    const query = new URLSearchParams(x.query);
    for (const param of op.parameters) {
      const where = `${param.in}/${param.name}`;
      const rule = parameterRule(api, param.name, op.operationId);
      let values: string[];
      if (param.in === 'path') {
        const raw = pathValues[param.name.replace(/[^A-Za-z0-9_]/g, '_')];
        values = raw === undefined ? [] : [safeDecode(raw)];
      } else if (param.in === 'query') values = query.getAll(param.name);
      else if (param.in === 'header') {
        const h = x.headers[param.name.toLowerCase()];
        values = h === undefined ? [] : Array.isArray(h) ? h : [h];
      } else continue;
      if (values.length === 0) {
        if (param.required) out.push({ rule, where, message: `${param.name} is required` });
        continue;
      }
      const schema = param.schema as { type?: unknown } | undefined;
      if (values.length > 1 && schema?.type !== 'array') {
        out.push({ rule, where, message: `${param.name} is sent ${values.length} times` });
        continue;
      }
      if (!schema) continue;
      const value = schema.type === 'array' ? values.map((v) => coerce(v, (schema as { items?: { type?: unknown } }).items?.type)) : coerce(values[0]!, schema.type);
      for (const problem of this.contract.problems(schema, value)) {
        out.push({ rule, where: `${where}${problem.pointer}`, message: `${param.name} ${JSON.stringify(values[0])} ${problem.message}` });
      }
    }
  }

  private judgeRequestBody(x: HttpExchange, op: ContractOperation, out: Violation[], unchecked: string[]): void {
    const api = this.contract.api;
    const declared = op.requestBody;
    if (!declared) return;
    const text = x.body;
    if (text === null && announcesBody(x.headers)) {
      // Answered before its body was read (a credentials refusal, a 413, a fault injected by chaos): what was sent is
      // unknown, so it is neither missing nor wrong.
      unchecked.push('request body: not read (the request was answered before its body was)');
      return;
    }
    if (text === null || text.trim() === '') {
      if (declared.required) out.push({ rule: requestBodyRule(api, op.operationId), where: 'body', message: `${op.operationId} needs a JSON body; none was sent` });
      return;
    }
    const contentType = headerText(x.headers['content-type']);
    const refused = api === 'livevox' ? !isJsonMediaType(contentType) : namesNonJsonFormat(contentType);
    if (refused) out.push({ rule: mediaTypeRule(api), where: 'header Content-Type', message: `a body sent as ${contentType === undefined ? 'no Content-Type' : JSON.stringify(contentType)} is not read as JSON` });
    if (x.bodyTruncated) {
      unchecked.push('request body: longer than the journal keeps, so not checked against its schema');
      return;
    }
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      out.push({ rule: requestBodyRule(api, op.operationId), where: 'body', message: 'the body is not valid JSON' });
      return;
    }
    if (!declared.schema) return;
    for (const problem of this.contract.problems(declared.schema, value)) {
      out.push({ rule: requestBodyRule(api, op.operationId, problem), where: bodyWhere(problem), message: problemText(problem) });
    }
  }

  private judgeResponse(x: HttpExchange, op: ContractOperation, out: Violation[], unchecked: string[]): void {
    const api = this.contract.api;
    if (x.injected) {
      unchecked.push(`response status: ${x.status} was injected by chaos rule ${x.injected.ruleId}, not chosen by the operation`);
      this.judgeResponseBody(x, op, this.contract.schemas[ERROR_SCHEMA[api]], out, unchecked, errorShapeRule(api));
      return;
    }
    const declared = op.responses[String(x.status)] ?? op.responses[`${String(x.status)[0]}XX`] ?? op.responses.default;
    let schema: object | undefined;
    if (declared) schema = declared.schema;
    else if (ROOT_STATUSES.has(x.status)) schema = this.contract.schemas[ERROR_SCHEMA[api]];
    else {
      const statuses = Object.keys(op.responses).join(', ');
      out.push({ rule: contractResponsesRule(api), where: 'status', message: `${x.status} is not a status ${op.operationId} declares (${statuses}, or ${[...ROOT_STATUSES].join('/')})` });
      // An undeclared status has no schema to hold the body to, but an error is still in the API's error shape.
      if (x.status >= 400) schema = this.contract.schemas[ERROR_SCHEMA[api]];
    }
    this.judgeResponseBody(x, op, schema, out, unchecked);
  }

  /** The answer to an unknown path or method: the right status (credentials may come first on LoudVoice), in the error shape. */
  private judgeUndeclaredAnswer(x: HttpExchange, kind: 'path' | 'method', out: Violation[]): void {
    const api = this.contract.api;
    const expected = kind === 'path' ? 404 : 405;
    const allowed = new Set([expected, 413, ...(api === 'loudvoice' ? [401] : [])]);
    const rule = undeclaredAnswerRule(api, kind);
    if (!allowed.has(x.status)) out.push({ rule, where: 'status', message: `an unknown ${kind} answers ${expected}, not ${x.status}` });
    if (x.status === 405 && x.responseHeaders.allow === undefined) out.push({ rule, where: 'header Allow', message: 'a 405 lists the allowed methods in Allow' });
    this.judgeResponseBody(x, undefined, this.contract.schemas[ERROR_SCHEMA[api]], out, [], errorShapeRule(api));
  }

  private judgeResponseBody(x: HttpExchange, op: ContractOperation | undefined, schema: object | undefined, out: Violation[], unchecked: string[], forcedRule?: ViolationRule): void {
    const api = this.contract.api;
    const text = x.responseBody;
    const hasBody = text !== null && text !== '';
    if (!schema) {
      if (hasBody && op) out.push({ rule: emptyBodyRule(api, op.operationId), where: 'body', message: `a ${x.status} of ${op.operationId} has no body, but one was sent` });
      return;
    }
    const rule = (problem: SchemaProblem) => forcedRule ?? responseBodyRule(api, op?.operationId ?? '', x.status, problem);
    if (!hasBody) {
      out.push({ rule: forcedRule ?? contractResponsesRule(api), where: 'body', message: `a ${x.status} answer has a JSON body; none was sent` });
      return;
    }
    const contentType = headerText(x.responseHeaders['content-type']);
    if (!isJsonMediaType(contentType)) {
      out.push({ rule: forcedRule ?? errorShapeRule(api), where: 'header Content-Type', message: `a body is sent as application/json, not ${contentType === undefined ? 'without a Content-Type' : JSON.stringify(contentType)}` });
    }
    if (x.responseBodyTruncated) {
      unchecked.push('response body: longer than the journal keeps, so not checked against its schema');
      return;
    }
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      out.push({ rule: forcedRule ?? contractResponsesRule(api), where: 'body', message: 'the body is not valid JSON' });
      return;
    }
    for (const problem of this.contract.problems(schema, value)) out.push({ rule: rule(problem), where: bodyWhere(problem), message: problemText(problem) });
    // A LoudVoice envelope repeats the HTTP status in its status node (LDV-ENVELOPE-STATUS), which no schema can see.
    if (api === 'loudvoice') {
      const status = (value as { response?: { request?: { status?: { code?: unknown; flag?: unknown } } } } | null)?.response?.request?.status;
      if (status && typeof status.code === 'number' && status.code !== x.status) {
        out.push({ rule: envelopeStatusRule, where: 'body/response/request/status/code', message: `status.code says ${status.code}, the HTTP status is ${x.status}` });
      }
      const flag = x.status < 400 ? 'success' : 'error';
      if (status && typeof status.flag === 'string' && status.flag !== flag) {
        out.push({ rule: envelopeStatusRule, where: 'body/response/request/status/flag', message: `status.flag says ${JSON.stringify(status.flag)} on a ${x.status}, not "${flag}"` });
      }
    }
  }
}

/** True when the request's headers say a body follows (a non-zero Content-Length, or chunked transfer). */
const announcesBody = (headers: HttpExchange['headers']): boolean => {
  const length = headerText(headers['content-length']);
  return (length !== undefined && length.trim() !== '0') || headers['transfer-encoding'] !== undefined;
};

/** A header's single value as text (the first, when repeated). */
const headerText = (value: string | number | string[] | undefined): string | undefined => (Array.isArray(value) ? value[0] : value === undefined ? undefined : String(value));

/** `body/request/author/name` for a problem at `/request/author/name`. */
const bodyWhere = (problem: SchemaProblem) => `body${problem.pointer}`;

const problemText = (problem: SchemaProblem) => `${problem.pointer === '' ? 'the body' : problem.pointer.slice(1).split('/').join('.')} ${problem.message}`;

/** A query or path value typed as its schema says, when it is written that way; otherwise left a string for the schema to refuse. */
function coerce(value: string, type: unknown): unknown {
  const types = Array.isArray(type) ? type : [type];
  if ((types.includes('integer') || types.includes('number')) && /^-?\d+(?:\.\d+)?$/.test(value)) return Number(value);
  if (types.includes('boolean') && (value === 'true' || value === 'false')) return value === 'true';
  return value;
}

const safeDecode = (s: string) => {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
};

