// The target file's JSON Schema (conformance/targets/target.schema.json, shipped so editors complete keys) and the
// check a file passes before the kit sends anything: every problem, each as one line that names its key and JSON
// path, the likeliest cause first, with "did you mean" for near misses. A vendor fixes a file from the first line.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import { didYouMean } from './did-you-mean.js';

/** Where the target file's JSON Schema lives (in the repository and in the installed package alike). */
export const TARGET_SCHEMA_PATH = fileURLToPath(new URL('../../conformance/targets/target.schema.json', import.meta.url));

/** A JSON Schema node, as far as the messages need to look into one. */
interface SchemaNode {
  properties?: Record<string, SchemaNode>;
  [keyword: string]: unknown;
}

let compiled: { schema: SchemaNode; validate: ValidateFunction } | undefined;

/** The schema and its validator, compiled once and only when a target file is read (the server never needs it). */
function targetValidator(): { schema: SchemaNode; validate: ValidateFunction } {
  if (!compiled) {
    const schema = JSON.parse(readFileSync(TARGET_SCHEMA_PATH, 'utf8')) as SchemaNode;
    // strict: a keyword ajv does not know (a typo in the schema) fails here, not silently; strictRequired and
    // strictTypes are off because the cross-key rules (anyOf, if/then) speak of keys and types the root declares.
    compiled = { schema, validate: new Ajv2020({ allErrors: true, strict: true, strictTypes: false, strictRequired: false }).compile(schema) };
  }
  return compiled;
}

/** The target file's JSON Schema, parsed. */
export function targetSchema(): SchemaNode {
  return targetValidator().schema;
}

/** Every problem of a parsed target file, one line each (without the file name), the likeliest cause first. */
export function targetFileProblems(data: unknown): string[] {
  const { schema, validate } = targetValidator();
  if (validate(data)) return [];
  const errors = [...(validate.errors ?? [])];
  // A misspelt key is also a missing one: the unknown key explains the missing-key error, so it comes first.
  errors.sort((a, b) => Number(b.keyword === 'additionalProperties') - Number(a.keyword === 'additionalProperties'));
  const lines: string[] = [];
  for (const error of errors) {
    const line = describeError(error, schema, data);
    if (line !== undefined && !lines.includes(line)) lines.push(line);
  }
  // Only wrapper errors (if/anyOf) can never happen alone, but a file must never pass silently.
  return lines.length > 0 ? lines : ['does not match the target file schema'];
}

/** A JSON pointer of the instance as the dotted path a vendor reads (`livevox.primary.apiTokens.0`). */
const dotted = (instancePath: string) =>
  instancePath
    .split('/')
    .slice(1)
    .map((s) => s.replaceAll('~1', '/').replaceAll('~0', '~'))
    .join('.');

/** The schema node a schemaPath (`#/properties/livevox/...`) names. */
function schemaAt(schema: SchemaNode, schemaPath: string): SchemaNode | undefined {
  let node: unknown = schema;
  for (const segment of schemaPath.replace(/^#\/?/, '').split('/').filter(Boolean)) {
    node = (node as Record<string, unknown> | undefined)?.[segment.replaceAll('~1', '/').replaceAll('~0', '~')];
  }
  return node as SchemaNode | undefined;
}

/** The value at an instance path of the data. */
function valueAt(data: unknown, instancePath: string): unknown {
  let value = data;
  for (const segment of instancePath.split('/').slice(1)) value = (value as Record<string, unknown> | undefined)?.[segment];
  return value;
}

const article = (type: string) => (/^[aeiou]/.test(type) ? `an ${type}` : `a ${type}`);
const suggestion = (word: string, candidates: readonly string[]) => {
  const meant = didYouMean(word, candidates);
  return meant === undefined ? '' : ` (did you mean "${meant}"?)`;
};
const APIS = ['livevox', 'loudvoice'] as const;

/** One line for one ajv error, or undefined for the wrappers (if, anyOf) whose inner errors say it better. */
function describeError(error: ErrorObject, schema: SchemaNode, data: unknown): string | undefined {
  const path = dotted(error.instancePath);
  const at = path === '' ? '' : `${path}: `;
  const params = error.params as Record<string, unknown>;
  const fromSecret = error.schemaPath.startsWith('#/$defs/secret/');
  switch (error.keyword) {
    case 'if':
    case 'anyOf':
      return undefined;
    case 'additionalProperties': {
      const key = String(params.additionalProperty);
      const allowed = Object.keys(schemaAt(schema, error.schemaPath.replace(/\/additionalProperties$/, ''))?.properties ?? {});
      return `${at}unknown key "${key}"${suggestion(key, allowed)}`;
    }
    case 'required': {
      const key = String(params.missingProperty);
      if (error.schemaPath.startsWith('#/anyOf/')) return 'gives neither "livevox" nor "loudvoice": a target file needs the section of at least one API';
      const rule = /^#\/allOf\/(\d+)\//.exec(error.schemaPath);
      if (rule && key === 'baseUrl') {
        const api = APIS[Number(rule[1])]!;
        return `missing required key "baseUrl": ${api} has no baseUrl of its own (give the top-level baseUrl, or ${api}.baseUrl)`;
      }
      if (rule) return `apis lists "${key}", but the file has no "${key}" section (with its credentials)`;
      if (fromSecret) return `${path}: must be a string or {"env": NAME}`;
      return `${at}missing required key "${key}"`;
    }
    case 'type': {
      if (fromSecret) return `${path}: must be a string or {"env": NAME}`;
      if (path === '') return 'must hold a JSON object ({ "name": …, "baseUrl": …, … })';
      return `${path}: must be ${article(String(params.type))}`;
    }
    case 'pattern':
      if (error.schemaPath.startsWith('#/$defs/httpUrl/')) return `${path}: must be an http(s) URL (without query or fragment), not ${JSON.stringify(valueAt(data, error.instancePath))}`;
      if (fromSecret) return `${path}: must be the name of an environment variable (letters, digits and _, not starting with a digit)`;
      return `${path}: ${error.message}`;
    case 'minLength':
      return fromSecret ? `${path}: must be a non-empty string or {"env": NAME}` : `${path}: must not be empty`;
    case 'minItems':
      if (path.endsWith('apiTokens')) return `${path}: must list at least one API token (two, to check the rules about different tokens of one client)`;
      if (path === 'apis') return 'apis: must list at least one API (or leave apis out: every API with a section)';
      return `${path}: must not be empty`;
    case 'maxItems':
      return path.endsWith('apiTokens') ? `${path}: a LiveVox client has at most 5 API tokens` : `${path}: ${error.message}`;
    case 'uniqueItems':
      return `${path}: lists the same entry twice (items ${String(params.j)} and ${String(params.i)})`;
    case 'enum': {
      const allowed = (params.allowedValues as unknown[]).map(String);
      const value = valueAt(data, error.instancePath);
      return `${path}: must be one of ${allowed.map((v) => `"${v}"`).join(', ')}, not ${JSON.stringify(value)}${typeof value === 'string' ? suggestion(value, allowed) : ''}`;
    }
    default:
      return `${at}${error.message ?? error.keyword}`;
  }
}

/** Where a JSON syntax error is, as "line L, column C" (Node 20 reports only a character position). */
export function jsonErrorLine(text: string, error: Error): string {
  const message = error.message;
  const lineColumn = /\(line (\d+) column (\d+)\)/.exec(message);
  let line: number;
  let column: number;
  if (lineColumn) {
    line = Number(lineColumn[1]);
    column = Number(lineColumn[2]);
  } else {
    const position = /at position (\d+)/.exec(message);
    const offset = position ? Number(position[1]) : text.length;
    const before = text.slice(0, offset).split('\n');
    line = before.length;
    column = before[before.length - 1]!.length + 1;
  }
  const what = message
    .replace(/\s*\(line \d+ column \d+\)/, '')
    .replace(/,?\s*"[^"]*"\s+is not valid JSON$/, '')
    .replace(/\s+in JSON at position \d+.*$/, '')
    .replace(/\s+at position \d+.*$/, '');
  return `not valid JSON at line ${line}, column ${column}: ${what}`;
}
