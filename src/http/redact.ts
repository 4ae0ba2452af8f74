import { maskSecret } from '../core/secrets.js';

const UUID_ANYWHERE = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi;

/**
 * A URL fit for a log line: session ids and tokens (all UUID-shaped here) keep only their last four characters,
 * enough to tell two apart while debugging, too little to use. (The request journal redacts more precisely, field by
 * field: src/journal/redaction.ts.)
 */
export function redactUrl(url: string): string {
  return url.replace(UUID_ANYWHERE, maskSecret);
}
