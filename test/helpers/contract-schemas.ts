import SwaggerParser from '@apidevtools/swagger-parser';
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormatsPlugin from 'ajv-formats';
import { fileURLToPath } from 'node:url';

type Operation = { responses?: Record<string, { content?: Record<string, { schema?: object }> }> };
type Document = { paths: Record<string, Record<string, Operation>> };

/**
 * Ajv as the project judges the contracts (scripts/check-contract.mjs): JSON Schema 2020-12, every format of
 * ajv-formats checked, unknown keywords (x-provenance, examples) allowed.
 */
export function contractAjv(): Ajv2020 {
  const ajv = new Ajv2020({ allErrors: true, strict: false, validateFormats: true });
  addFormatsPlugin.default(ajv);
  return ajv;
}

const loaded = new Map<string, Promise<Document>>();

/** The contract, dereferenced once per file. */
function contract(file: string): Promise<Document> {
  let doc = loaded.get(file);
  if (!doc) {
    doc = SwaggerParser.dereference(fileURLToPath(new URL(`../../${file}`, import.meta.url))) as unknown as Promise<Document>;
    loaded.set(file, doc);
  }
  return doc;
}

/**
 * Validates response bodies against the contract's response schema for (method, path template, status), so every
 * in-process test also checks that what the server sends is what the contract promises.
 */
export async function contractValidator(file = 'openapi/loudvoice.yaml') {
  const doc = await contract(file);
  const ajv = contractAjv();
  const compiled = new Map<string, ValidateFunction>();
  return {
    /** Problems of `body` against the schema of that response (an empty list when valid); throws for an undocumented response. */
    problems(method: string, template: string, status: number, body: unknown): string[] {
      const key = `${method} ${template} ${status}`;
      let validate = compiled.get(key);
      if (!validate) {
        const schema = doc.paths[template]?.[method.toLowerCase()]?.responses?.[String(status)]?.content?.['application/json']?.schema;
        if (!schema) throw new Error(`the contract documents no JSON response for ${key}`);
        validate = ajv.compile(schema);
        compiled.set(key, validate);
      }
      return validate(body) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message}`);
    },
  };
}
