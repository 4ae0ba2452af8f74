// Reading OpenAPI links from the contracts: the operations by operationId, every link with the answer it sits on, and
// the runtime expressions (`$response.body#/pointer`) in them. Local $refs, allOf, oneOf and anyOf are walked by hand,
// so a pointer is checked against what the schema really allows.
import SwaggerParser from '@apidevtools/swagger-parser';
import { fileURLToPath } from 'node:url';

/** A parsed JSON/YAML node. */
export type Json = Record<string, any>;

const HTTP = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options'] as const;

/** One operation of a contract, with what it takes. */
export interface Operation {
  id: string;
  method: string;
  path: string;
  op: Json;
  /** Path-level and operation-level parameters, dereferenced. */
  parameters: Json[];
  /** Headers named by the apiKey security schemes the operation requires (lower case). */
  securityHeaders: string[];
}

/** One link, where it sits: the operation and status of the answer it starts from. */
export interface LinkSite {
  where: string;
  source: Operation;
  status: string;
  response: Json;
  name: string;
  link: Json;
}

/** A contract read for its links (dereferenced: link, response and schema $refs resolved). */
export interface LinkedContract {
  file: string;
  doc: Json;
  operations: Map<string, Operation>;
  sites: LinkSite[];
}

const loaded = new Map<string, Promise<LinkedContract>>();

/** Reads `openapi/<file>` once per process. */
export function loadLinkedContract(file: string): Promise<LinkedContract> {
  let contract = loaded.get(file);
  if (!contract) loaded.set(file, (contract = read(file)));
  return contract;
}

async function read(file: string): Promise<LinkedContract> {
  const doc = (await SwaggerParser.dereference(fileURLToPath(new URL(`../../${file}`, import.meta.url)))) as unknown as Json;
  const schemes = (doc.components?.securitySchemes ?? {}) as Json;
  const operations = new Map<string, Operation>();
  const all: Operation[] = [];
  for (const [path, item] of Object.entries(doc.paths as Json)) {
    for (const method of HTTP) {
      const op = (item as Json)[method] as Json | undefined;
      if (!op) continue;
      const securityHeaders = ((op.security ?? doc.security ?? []) as Json[])
        .flatMap((requirement) => Object.keys(requirement))
        .map((name) => schemes[name])
        .filter((s) => s?.type === 'apiKey' && s.in === 'header')
        .map((s) => String(s.name).toLowerCase());
      const entry: Operation = { id: op.operationId, method: method.toUpperCase(), path, op, parameters: [...((item as Json).parameters ?? []), ...(op.parameters ?? [])], securityHeaders };
      all.push(entry);
      if (op.operationId) operations.set(op.operationId, entry);
    }
  }
  const sites: LinkSite[] = all.flatMap((source) =>
    Object.entries((source.op.responses ?? {}) as Json).flatMap(([status, response]) =>
      Object.entries(((response as Json).links ?? {}) as Json).map(([name, link]) => ({
        where: `${source.method} ${source.path} ${status} links.${name}`,
        source,
        status,
        response: response as Json,
        name,
        link: link as Json,
      })),
    ),
  );
  return { file, doc, operations, sites };
}

/** `$ref`, allOf, oneOf and anyOf opened up: every schema a value at this place may have to match. */
export function expand(doc: Json, schema: Json | undefined, seen = new Set<Json>()): Json[] {
  if (!schema || typeof schema !== 'object' || seen.has(schema)) return [];
  seen.add(schema);
  if (typeof schema.$ref === 'string') return expand(doc, resolveRef(doc, schema.$ref), seen);
  return [schema, ...['allOf', 'oneOf', 'anyOf'].flatMap((k) => ((schema[k] as Json[] | undefined) ?? []).flatMap((s) => expand(doc, s, seen)))];
}

function resolveRef(doc: Json, ref: string): Json | undefined {
  if (!ref.startsWith('#/')) throw new Error(`non-local $ref ${ref}`);
  return pointerSegments(ref.slice(1)).reduce<any>((node, seg) => node?.[seg], doc);
}

/** The unescaped segments of a JSON pointer (RFC 6901). */
export const pointerSegments = (pointer: string) => (pointer === '' ? [] : pointer.slice(1).split('/').map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~')));

/** The schemas a JSON pointer reaches inside a schema; empty when the pointer names nothing there. */
export function schemasAt(doc: Json, schema: Json, pointer: string): Json[] {
  let here = expand(doc, schema);
  for (const seg of pointerSegments(pointer)) {
    here = here.flatMap((s) => [
      ...(s.properties && Object.hasOwn(s.properties, seg) ? expand(doc, s.properties[seg]) : []),
      ...(/^(0|[1-9][0-9]*)$/.test(seg) && s.items ? expand(doc, s.items) : []),
    ]);
  }
  return here;
}

/** The only runtime expression the contracts use: a pointer into the answer's JSON body. */
export const BODY_EXPRESSION = /^\$response\.body#(\/.*)?$/;

/** The runtime expressions in a link value: whole-string ones, or `{...}` ones embedded in a string. */
export function expressionsIn(value: unknown): string[] {
  if (typeof value === 'string') return value.startsWith('$') ? [value] : [...value.matchAll(/\{(\$[^}]*)\}/g)].map((m) => m[1]!);
  if (value && typeof value === 'object') return Object.values(value).flatMap(expressionsIn);
  return [];
}

/** The value a JSON pointer names in a JSON value, or undefined. */
export function valueAt(value: unknown, pointer: string): unknown {
  return pointerSegments(pointer).reduce<any>((node, seg) => (node !== null && typeof node === 'object' ? node[seg] : undefined), value);
}

/** The link value with its expressions replaced by the values they yield. */
export function instantiate(value: unknown, values: Map<string, unknown>): unknown {
  if (typeof value === 'string') {
    if (value.startsWith('$')) return values.get(value);
    return value.replace(/\{(\$[^}]*)\}/g, (_m, expr: string) => String(values.get(expr)));
  }
  if (Array.isArray(value)) return value.map((v) => instantiate(v, values));
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, instantiate(v, values)]));
  return value;
}

/** The values of a link's expressions in one answer body (undefined where the body has nothing). */
export function valuesIn(link: Json, body: unknown): Map<string, unknown> {
  return new Map(expressionsIn([link.parameters ?? {}, link.requestBody]).map((expr) => [expr, valueAt(body, BODY_EXPRESSION.exec(expr)?.[1] ?? '')]));
}

/** A link parameter key: `name` or `in.name` (OpenAPI's `[{in}.]{name}`). */
export function parameterKey(key: string): { in?: string; name: string } {
  const m = /^(path|query|header|cookie)\.(.+)$/.exec(key);
  return m ? { in: m[1]!, name: m[2]! } : { name: key };
}

/**
 * The parameter of `target` a link key fills: a declared parameter, or the header of an apiKey security scheme the
 * operation requires (LiveVox's LV-Session is one). Undefined when the operation takes no such parameter.
 */
export function targetParameter(target: Operation, key: string): { in: string; name: string; schema: Json } | undefined {
  const { in: location, name } = parameterKey(key);
  const declared = target.parameters.find(
    (p) => (location === undefined || p.in === location) && (p.in === 'header' ? String(p.name).toLowerCase() === name.toLowerCase() : p.name === name),
  );
  if (declared) return { in: declared.in, name: declared.name, schema: declared.schema ?? {} };
  if ((location === undefined || location === 'header') && target.securityHeaders.includes(name.toLowerCase())) return { in: 'header', name, schema: { type: 'string', minLength: 1 } };
  return undefined;
}
