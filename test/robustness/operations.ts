// Every operation of both contracts, read from the contracts themselves, so a new operation is fuzzed (and its error
// shape checked) without editing the fuzz suite.
import SwaggerParser from '@apidevtools/swagger-parser';
import { fileURLToPath } from 'node:url';

/** Which API an operation belongs to; decides its credentials and its error shape. */
export type ApiName = 'livevox' | 'loudvoice';

/** One parameter of an operation as the contract declares it. */
export interface ParameterSpec {
  name: string;
  in: 'path' | 'query' | 'header';
  required?: boolean;
  example?: unknown;
  schema: { type?: string; enum?: unknown[]; minimum?: number; maximum?: number; [keyword: string]: unknown };
}

/** One operation: method × path template, its parameters, its documented request bodies and how it authenticates. */
export interface OperationSpec {
  api: ApiName;
  method: string;
  template: string;
  operationId: string;
  parameters: ParameterSpec[];
  /** Every documented example of the request body (valid bodies, the starting point for mutations). */
  bodyExamples: unknown[];
  hasBody: boolean;
  /** The JSON Schema of the request body (dereferenced), when the operation takes one. */
  bodySchema?: object;
  /** Whether the contract requires the body. */
  bodyRequired: boolean;
  /** The statuses the operation declares, as numbers. */
  statuses: number[];
  /** The declared responses by status, with their JSON schema when they have a body. */
  responses: Record<string, { content?: Record<string, { schema?: object }> }>;
  /** The headers the operation's security schemes name (lower-case), or `authorization` for HTTP Basic. */
  credentialHeaders: string[];
}

const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options'];

type Doc = {
  paths: Record<string, Record<string, Op & { parameters?: ParameterSpec[] }>>;
  security?: Record<string, string[]>[];
  components?: { securitySchemes?: Record<string, { type: string; in?: string; name?: string; scheme?: string }> };
};
type Op = {
  operationId?: string;
  parameters?: ParameterSpec[];
  security?: Record<string, string[]>[];
  requestBody?: { required?: boolean; content?: Record<string, { schema?: object; example?: unknown; examples?: Record<string, { value?: unknown }> }> };
  responses?: Record<string, { content?: Record<string, { schema?: object }> }>;
};

/** The contracts and the API each one describes. */
export const CONTRACTS: { api: ApiName; file: string }[] = [
  { api: 'livevox', file: 'openapi/livevox-session.yaml' },
  { api: 'loudvoice', file: 'openapi/loudvoice.yaml' },
];

/** Reads both contracts (dereferenced) and lists every path × method as an operation. */
export async function loadOperations(): Promise<OperationSpec[]> {
  const all: OperationSpec[] = [];
  for (const { api, file } of CONTRACTS) {
    const doc = (await SwaggerParser.dereference(fileURLToPath(new URL(`../../${file}`, import.meta.url)))) as unknown as Doc;
    const schemes = doc.components?.securitySchemes ?? {};
    for (const [template, item] of Object.entries(doc.paths)) {
      for (const method of HTTP_METHODS) {
        const op = item[method];
        if (!op) continue;
        const security = op.security ?? doc.security ?? [];
        const credentialHeaders = security
          .flatMap((requirement) => Object.keys(requirement))
          .map((name) => schemes[name])
          .flatMap((s) => (s?.type === 'apiKey' && s.in === 'header' && s.name ? [s.name.toLowerCase()] : s?.type === 'http' ? ['authorization'] : []));
        const content = op.requestBody?.content ?? {};
        const bodyExamples = Object.values(content).flatMap((media) => [
          ...(media.example !== undefined ? [media.example] : []),
          ...Object.values(media.examples ?? {}).flatMap((e) => (e.value !== undefined ? [e.value] : [])),
        ]);
        all.push({
          api,
          method: method.toUpperCase(),
          template,
          operationId: op.operationId ?? `${method} ${template}`,
          parameters: [...((item as { parameters?: ParameterSpec[] }).parameters ?? []), ...(op.parameters ?? [])].map((p) => ({
            name: p.name,
            in: p.in,
            required: p.required === true,
            example: p.example,
            schema: p.schema ?? {},
          })),
          bodyExamples,
          hasBody: op.requestBody !== undefined,
          ...(content['application/json']?.schema ? { bodySchema: content['application/json'].schema } : {}),
          bodyRequired: op.requestBody?.required === true,
          statuses: Object.keys(op.responses ?? {}).map(Number),
          responses: op.responses ?? {},
          credentialHeaders: [...new Set(credentialHeaders)],
        });
      }
    }
  }
  return all;
}
