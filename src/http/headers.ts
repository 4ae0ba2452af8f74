import type { FastifyRequest } from 'fastify';

/**
 * A header read once: its value, absent, or sent more than once (which no API here allows for its auth headers by
 * default; `first` is the first value, what the livevox-header-repeated-first-wins variant uses instead).
 */
export type HeaderRead = { kind: 'value'; value: string } | { kind: 'absent' } | { kind: 'repeated'; first: string };

/**
 * Reads a single-valued header by its lower-case name (HTTP header names are case-insensitive; Node lower-cases
 * them, so `LV-Session`, `lv-session` and `LV-SESSION` are one header).
 */
export function singleHeader(request: FastifyRequest, name: string): HeaderRead {
  const value = request.headers[name];
  if (value === undefined) return { kind: 'absent' };
  if (Array.isArray(value)) return value.length === 1 ? { kind: 'value', value: value[0]!.trim() } : { kind: 'repeated', first: firstOf(value[0] ?? '') };
  // Node joins repeated lines with ", "; a comma-joined list in one line counts as repeated too (LVX-HEADER-REPEATED).
  // No token, key or session id contains a comma, so this never refuses a real value.
  if (value.includes(',')) return { kind: 'repeated', first: firstOf(value) };
  return { kind: 'value', value: value.trim() };
}

/** The first value of a line that may itself be a comma-joined list. */
const firstOf = (line: string): string => line.split(',', 1)[0]!.trim();
