import type { FastifyInstance, FastifyRequest } from 'fastify';
import secureJson from 'secure-json-parse';
import { isJsonMediaType, namesNonJsonFormat } from '../contract/media-type.js';
import { apiOfPath, type ApiSelection } from './api-paths.js';

/** A body that arrived but could not be read as JSON; handlers turn it into the API's own 400 after auth checks. */
export class UnreadableBody {
  constructor(
    readonly reason: string,
    /** `media`: the body is not declared as JSON (415); `syntax`: it is, but cannot be read as JSON (400). */
    readonly kind: 'syntax' | 'media' = 'syntax',
  ) {}
}


/** Deepest JSON nesting accepted; deeper bodies are refused before they can exhaust the stack. */
export const MAX_JSON_DEPTH = 64;

/**
 * Reads every request body as text and parses JSON itself, so that a malformed body becomes a value the route can
 * answer in its API's shape (after the header checks that real services do first), never a framework error.
 * `__proto__` and `constructor.prototype` keys are removed by secure-json-parse, so no body can reach a prototype.
 * `keepRaw` receives each body's text as read (the request journal keeps it).
 */
export function registerBodyParser(app: FastifyInstance, api: ApiSelection, options: { keepRaw?: (request: FastifyRequest, text: string) => void } = {}): void {
  app.removeAllContentTypeParsers();
  const { keepRaw } = options;
  const parse = (request: FastifyRequest, body: string | Buffer, done: (err: Error | null, body?: unknown) => void) => {
    const text = body as string;
    // The text as received, for the request journal (a reference, no copy).
    if (keepRaw) keepRaw(request, text);
    const contentType = request.headers['content-type'];
    // LoudVoice parses JSON whatever the Content-Type says (its clients post JSON as form data or untyped); only a
    // type that names another format is refused (LDV-BODY-CONTENT-TYPE-LENIENT).
    const refused = apiOfPath(request.url, api) === 'loudvoice' ? namesNonJsonFormat(contentType) : !isJsonMediaType(contentType);
    if (text.length > 0 && refused) {
      done(null, new UnreadableBody('the request body must be sent as Content-Type: application/json', 'media'));
      return;
    }
    done(null, parseJsonBody(text));
  };
  // The same parser twice: 'application/json' (nearly every request) is then a direct lookup for fastify, and '*'
  // takes every other type, so that the route, not fastify, decides what an unexpected type means.
  app.addContentTypeParser('application/json', { parseAs: 'string' }, parse);
  app.addContentTypeParser('*', { parseAs: 'string' }, parse);
}

/** Parses a request body: JSON objects and arrays only, bounded depth, prototype keys dropped. */
export function parseJsonBody(text: string): unknown {
  if (text.trim() === '') return new UnreadableBody('the request body is empty');
  const depth = jsonDepth(text);
  if (depth > MAX_JSON_DEPTH) return new UnreadableBody(`the request body nests deeper than ${MAX_JSON_DEPTH} levels`);
  try {
    return secureJson.parse(text, undefined, { protoAction: 'remove', constructorAction: 'remove' });
  } catch {
    return new UnreadableBody('the request body is not valid JSON');
  }
}

/** The maximum nesting of brackets outside strings, found in one pass without parsing. */
function jsonDepth(text: string): number {
  let depth = 0;
  let max = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++; // backslash: skip the escaped character
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x7b || c === 0x5b) {
      if (++depth > max) max = depth;
    } else if (c === 0x7d || c === 0x5d) depth--;
  }
  return max;
}
