/** The outcome of a core operation: a value, or a stable error code the HTTP edge maps to the API's own shape. */
export type Result<T, E extends string> = { ok: true; value: T } | { ok: false; error: E; detail?: Record<string, string> };

/** A successful result. */
export const ok = <T>(value: T): { ok: true; value: T } => ({ ok: true, value });

/** A failed result with its catalogue code and the details that fill the message's placeholders. */
export const fail = <E extends string>(error: E, detail?: Record<string, string>): { ok: false; error: E; detail?: Record<string, string> } =>
  detail ? { ok: false, error, detail } : { ok: false, error };
