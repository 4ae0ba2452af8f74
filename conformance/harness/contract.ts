// The contracts as an independent validator: every response the kit receives is checked against the schema the
// contract declares for its operation and status. Reads openapi/*.yaml only; knows nothing of the implementation.
import SwaggerParser from '@apidevtools/swagger-parser';
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormatsPlugin from 'ajv-formats';
import { fileURLToPath } from 'node:url';

/** Which contract a request belongs to. */
export type ApiName = 'livevox' | 'loudvoice';

const FILES: Record<ApiName, string> = {
  livevox: fileURLToPath(new URL('../../openapi/livevox-session.yaml', import.meta.url)),
  loudvoice: fileURLToPath(new URL('../../openapi/loudvoice.yaml', import.meta.url)),
};

interface Operation {
  method: string;
  template: string;
  pattern: RegExp;
  literalSegments: number;
  responses: Record<string, { content?: Record<string, { schema?: unknown }> }>;
}

/** A response that breaks the contract: what was called, what came back, and why it does not fit. */
export interface ContractViolation {
  api: ApiName;
  request: string;
  status: number;
  problem: string;
}

const loaded: Partial<Record<ApiName, Promise<ContractValidator>>> = {};

/** Validates responses against one API's contract. */
export class ContractValidator {
  private readonly ajv = new Ajv2020({ strict: false, allErrors: true });
  private readonly validators = new Map<string, ValidateFunction>();

  private constructor(
    readonly api: ApiName,
    private readonly operations: Operation[],
  ) {
    addFormatsPlugin.default(this.ajv);
  }

  /** Loads and dereferences the contract of `api`, once per process. */
  static load(api: ApiName): Promise<ContractValidator> {
    return (loaded[api] ??= ContractValidator.read(api));
  }

  private static async read(api: ApiName): Promise<ContractValidator> {
    const doc = (await SwaggerParser.dereference(FILES[api])) as { paths: Record<string, Record<string, unknown>> };
    const operations: Operation[] = [];
    for (const [template, item] of Object.entries(doc.paths)) {
      for (const method of ['get', 'put', 'post', 'delete', 'patch']) {
        const op = item[method] as { responses: Operation['responses'] } | undefined;
        if (!op) continue;
        const segments = template.split('/');
        const pattern = new RegExp(
          `^${segments.map((s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/\\\{[^}]+\\\}/g, '[^/]+')).join('/')}$`,
        );
        operations.push({ method: method.toUpperCase(), template, pattern, literalSegments: segments.filter((s) => !s.includes('{')).length, responses: op.responses });
      }
    }
    // Literal paths win over templated ones (/authors/sessions.json before /authors/{author_token}.json).
    operations.sort((a, b) => b.literalSegments - a.literalSegments || a.template.length - b.template.length);
    return new ContractValidator(api, operations);
  }

  /** The contract's operation for a method and path, if it defines one. */
  operation(method: string, path: string): Operation | undefined {
    return this.operations.find((op) => op.method === method && op.pattern.test(path));
  }

  /**
   * Checks one exchange; returns what is wrong, or null. A status the operation does not declare is a violation
   * only for operations the contract defines: unknown paths are judged by the suites' own rules.
   */
  check(method: string, path: string, status: number, body: unknown): string | null {
    const op = this.operation(method, path);
    if (!op) return null;
    const response = op.responses[String(status)] ?? op.responses[`${String(status)[0]}XX`] ?? op.responses.default;
    if (!response) {
      // 405/413/415 and 404 for unknown version segments are declared once at the root (catalogue), not per operation.
      if ([404, 405, 413, 415].includes(status)) return null;
      return `status ${status} is not declared for ${method} ${op.template} (declared: ${Object.keys(op.responses).join(', ')})`;
    }
    const schema = response.content?.['application/json']?.schema;
    if (!schema) return body === undefined || body === '' ? null : `a ${status} of ${method} ${op.template} declares no body, got one`;
    const key = `${method} ${op.template} ${status}`;
    let validate = this.validators.get(key);
    if (!validate) this.validators.set(key, (validate = this.ajv.compile(schema as object)));
    if (validate(body)) return null;
    return `body of ${status} ${method} ${op.template} breaks the contract: ${this.ajv.errorsText(validate.errors, { separator: '; ' })}`;
  }
}
