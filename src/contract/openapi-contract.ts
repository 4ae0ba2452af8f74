// The contracts in openapi/ as data the server can check traffic against: operations with their parameters, security,
// request body and responses, and JSON schemas compiled on first use. Loaded on demand (dereferencing a contract
// takes about half a second), never at start-up. The conformance kit keeps its own reader on purpose
// (conformance/harness/contract.ts): it must stay independent of the implementation it certifies.
import SwaggerParser from '@apidevtools/swagger-parser';
import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormatsPlugin from 'ajv-formats';
import { fileURLToPath } from 'node:url';

/** The two APIs of this project, as the contracts name them. */
export type ApiName = 'livevox' | 'loudvoice';

/** Where each API's contract lives (relative to this module, so the built `dist/` finds it too). */
export const CONTRACT_FILES: Record<ApiName, string> = {
  livevox: fileURLToPath(new URL('../../openapi/livevox-session.yaml', import.meta.url)),
  loudvoice: fileURLToPath(new URL('../../openapi/loudvoice.yaml', import.meta.url)),
};

/** A parameter of an operation (path, query or header), with its schema. */
export interface ContractParameter {
  name: string;
  in: 'path' | 'query' | 'header' | 'cookie';
  required: boolean;
  schema: object | undefined;
}

/** How one security scheme is presented: an API key header, or HTTP Basic/Bearer in Authorization. */
export type SecurityScheme = { kind: 'apiKeyHeader'; header: string } | { kind: 'http'; scheme: string } | { kind: 'other' };

/** One operation of a contract. */
export interface ContractOperation {
  api: ApiName;
  operationId: string;
  method: string;
  /** The contract's path template, e.g. `/session/{version}/login`. */
  template: string;
  parameters: ContractParameter[];
  /** Alternatives, each a set of scheme names that must all be satisfied; empty: no credentials needed. */
  security: string[][];
  requestBody: { required: boolean; schema: object | undefined } | undefined;
  /** Declared responses by status key ('200', '4XX', 'default'), each with its JSON schema if it has a body. */
  responses: Record<string, { schema: object | undefined }>;
  /** Matches a concrete path; named groups are the path parameters. */
  pattern: RegExp;
}

/** A JSON schema problem: where in the value (a JSON pointer), what the schema says, and which keyword. */
export interface SchemaProblem {
  pointer: string;
  message: string;
  keyword: string;
  /** For `required` and `additionalProperties`: the property concerned. */
  property: string | undefined;
}

type RawOperation = {
  operationId?: string;
  parameters?: { name: string; in: ContractParameter['in']; required?: boolean; schema?: object }[];
  security?: Record<string, unknown>[];
  requestBody?: { required?: boolean; content?: Record<string, { schema?: object }> };
  responses?: Record<string, { content?: Record<string, { schema?: object }> }>;
};
type RawDocument = {
  paths: Record<string, Record<string, unknown> & { parameters?: RawOperation['parameters'] }>;
  security?: Record<string, unknown>[];
  components?: { schemas?: Record<string, object>; securitySchemes?: Record<string, { type: string; in?: string; name?: string; scheme?: string }> };
};

const METHODS = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options'];
const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** One API's contract, ready to check requests and responses against. */
export class OpenApiContract {
  private readonly ajv = new Ajv2020({ strict: false, allErrors: true });
  private readonly compiled = new WeakMap<object, ValidateFunction>();
  private readonly byKey = new Map<string, ContractOperation>();

  private constructor(
    readonly api: ApiName,
    readonly operations: readonly ContractOperation[],
    readonly schemes: Record<string, SecurityScheme>,
    readonly schemas: Record<string, object>,
  ) {
    addFormatsPlugin.default(this.ajv);
    for (const op of operations) this.byKey.set(`${op.method} ${op.template}`, op);
  }

  /** Reads and dereferences the contract of `api`. Prefer {@link loadContract}, which does it once per process. */
  static async read(api: ApiName): Promise<OpenApiContract> {
    const doc = (await SwaggerParser.dereference(CONTRACT_FILES[api])) as unknown as RawDocument;
    const operations: ContractOperation[] = [];
    for (const [template, item] of Object.entries(doc.paths)) {
      const shared = item.parameters ?? [];
      for (const method of METHODS) {
        const raw = item[method] as RawOperation | undefined;
        if (!raw?.operationId) continue;
        const own = raw.parameters ?? [];
        const parameters = [...shared.filter((p) => !own.some((o) => o.name === p.name && o.in === p.in)), ...own].map((p) => ({
          name: p.name,
          in: p.in,
          required: p.required === true || p.in === 'path',
          schema: p.schema,
        }));
        const responses: ContractOperation['responses'] = {};
        for (const [status, response] of Object.entries(raw.responses ?? {})) responses[status] = { schema: jsonSchemaOf(response.content) };
        const pattern = new RegExp(
          `^${template
            .split(/(\{[^}]+\})/)
            .map((part) => (part.startsWith('{') ? `(?<${part.slice(1, -1).replace(/[^A-Za-z0-9_]/g, '_')}>[^/]+)` : escapeRegExp(part)))
            .join('')}$`,
        );
        operations.push({
          api,
          operationId: raw.operationId,
          method: method.toUpperCase(),
          template,
          parameters,
          security: (raw.security ?? doc.security ?? []).map((alternative) => Object.keys(alternative)),
          requestBody: raw.requestBody ? { required: raw.requestBody.required === true, schema: jsonSchemaOf(raw.requestBody.content) } : undefined,
          responses,
          pattern,
        });
      }
    }
    const schemes: Record<string, SecurityScheme> = {};
    for (const [name, s] of Object.entries(doc.components?.securitySchemes ?? {})) {
      schemes[name] =
        s.type === 'apiKey' && s.in === 'header' && s.name ? { kind: 'apiKeyHeader', header: s.name } : s.type === 'http' && s.scheme ? { kind: 'http', scheme: s.scheme.toLowerCase() } : { kind: 'other' };
    }
    return new OpenApiContract(api, operations, schemes, doc.components?.schemas ?? {});
  }

  /** The operation of a method and a contract path template, e.g. ('POST', '/session/{version}/login'). */
  operationByTemplate(method: string, template: string): ContractOperation | undefined {
    return this.byKey.get(`${method} ${template}`);
  }

  /** Every operation whose template matches a concrete path, whatever its method. */
  operationsOfPath(path: string): ContractOperation[] {
    return this.operations.filter((op) => op.pattern.test(path));
  }

  /** The problems of `value` against `schema` (empty when it validates); schemas are compiled once each. */
  problems(schema: object, value: unknown): SchemaProblem[] {
    let validate = this.compiled.get(schema);
    if (!validate) {
      validate = this.ajv.compile(schema);
      this.compiled.set(schema, validate);
    }
    if (validate(value)) return [];
    return summarize(validate.errors ?? []);
  }
}

/** The JSON schema of a content map (application/json, or any +json type), if it declares one. */
function jsonSchemaOf(content: Record<string, { schema?: object }> | undefined): object | undefined {
  if (!content) return undefined;
  const type = Object.keys(content).find((t) => /^application\/(?:[a-z0-9.+-]*\+)?json$/i.test(t));
  return type ? content[type]!.schema : undefined;
}

/**
 * Ajv's errors made readable: the errors inside the branches of a failed oneOf/anyOf are dropped (the branch that
 * was meant is unknowable, and listing every branch's complaints buries the point), as are duplicates.
 */
function summarize(errors: ErrorObject[]): SchemaProblem[] {
  const compositions = errors.filter((e) => e.keyword === 'oneOf' || e.keyword === 'anyOf').map((e) => `${e.schemaPath}/`);
  const seen = new Set<string>();
  const problems: SchemaProblem[] = [];
  for (const e of errors) {
    if (compositions.some((prefix) => e.schemaPath.startsWith(prefix))) continue;
    if (e.keyword === 'if') continue;
    const property =
      e.keyword === 'required' ? String((e.params as { missingProperty: string }).missingProperty) : e.keyword === 'additionalProperties' ? String((e.params as { additionalProperty: string }).additionalProperty) : undefined;
    const pointer = e.keyword === 'required' && property !== undefined ? `${e.instancePath}/${property}` : e.keyword === 'additionalProperties' && property !== undefined ? `${e.instancePath}/${property}` : e.instancePath;
    const message = e.keyword === 'additionalProperties' ? 'is not allowed here (additionalProperties)' : e.keyword === 'required' ? 'is required' : (e.message ?? e.keyword);
    const key = `${pointer}|${message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    problems.push({ pointer, message, keyword: e.keyword, property });
  }
  return problems;
}

const loaded: Partial<Record<ApiName, Promise<OpenApiContract>>> = {};

/** The contract of `api`, read once per process on first use. */
export function loadContract(api: ApiName): Promise<OpenApiContract> {
  const pending = (loaded[api] ??= OpenApiContract.read(api));
  // A failed read is not cached: the next call tries again.
  pending.catch(() => {
    if (loaded[api] === pending) delete loaded[api];
  });
  return pending;
}
