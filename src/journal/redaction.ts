// What the journal shows of a request or a response: everything, except secrets, which keep at most their last four
// characters (maskSecret). Bodies are redacted in their text, as received, so the journal shows what the client
// really sent (formatting, field order, malformed JSON and all), with only the secret values replaced.
import { maskSecret } from '../core/secrets.js';

/** Headers that carry credentials or session ids in either API (and cookies, in case a client sends them). */
const SECRET_HEADERS = new Set(['lv-access', 'lv-session', 'authorization', 'proxy-authorization', 'cookie', 'set-cookie']);

/**
 * Body fields and query parameters whose values are secrets: passwords (login, change password), ID tokens (SSO
 * login), LiveVox session ids, LoudVoice author session tokens, and the generic names of keys and tokens.
 * Compared lower-cased.
 */
const SECRET_FIELDS = new Set([
  'password',
  'newpassword',
  'oldpassword',
  'currentpassword',
  'idtoken',
  'id_token',
  'sessionid',
  'author_session_token',
  'access_token',
  'refresh_token',
  'client_secret',
  'private_key',
  'privatekey',
  'secret',
]);

/** True when a body field or query parameter of this name holds a secret. */
export const isSecretField = (name: string): boolean => SECRET_FIELDS.has(name.toLowerCase());

/** True for the fields that hold a password, which show nothing of their value at all. */
const isPasswordField = (name: string): boolean => name.toLowerCase().endsWith('password');

/**
 * The secrets found while redacting one exchange. A secret can come back elsewhere in the same exchange (LoudVoice
 * echoes the requested path, author session token included, in its envelope's `resource`), so once every field is
 * redacted, {@link scrub} masks their every other occurrence too.
 */
export type FoundSecrets = Set<string>;

/** Notes a secret as found (and returns its masked form). */
const mask = (secret: string, found: FoundSecrets | undefined): string => {
  found?.add(secret);
  return maskSecret(secret);
};

/** A header's value as shown: credentials masked (HTTP Basic keeps its user name, the site's public key). */
export function redactHeader(name: string, value: string, found?: FoundSecrets): string {
  if (!SECRET_HEADERS.has(name)) return value;
  if (name === 'authorization' || name === 'proxy-authorization') {
    const m = /^(\S+)\s+(.*)$/.exec(value.trim());
    if (!m) return mask(value, found);
    const [, scheme, credentials] = m as unknown as [string, string, string];
    found?.add(credentials);
    if (scheme.toLowerCase() === 'basic') {
      const decoded = Buffer.from(credentials, 'base64').toString('utf8');
      const colon = decoded.indexOf(':');
      // Only a well-formed pair keeps its user name; anything else is masked whole.
      if (colon > 0 && /^[\x20-\x7e]*$/.test(decoded)) return `${scheme} ${decoded.slice(0, colon)}:${mask(decoded.slice(colon + 1), found)}`;
    }
    return `${scheme} ${mask(credentials, found)}`;
  }
  return mask(value, found);
}

/** Every header as shown, one string per name (repeated values joined with ", ", each masked on its own). */
export function redactHeaders(headers: Readonly<Record<string, string | number | string[] | undefined>>, found?: FoundSecrets): Record<string, string> {
  const shown: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) continue;
    const lower = name.toLowerCase();
    shown[lower] = Array.isArray(value) ? value.map((v) => redactHeader(lower, v, found)).join(', ') : redactHeader(lower, String(value), found);
  }
  return shown;
}

/** Secrets shorter than this are not hunted elsewhere: a short one could match ordinary text. */
const SCRUB_MIN_LENGTH = 8;

/** Masks every occurrence, in already redacted text, of a secret found elsewhere in the same exchange. */
export function scrub(text: string, found: FoundSecrets): string {
  let out = text;
  for (const secret of found) {
    if (secret.length >= SCRUB_MIN_LENGTH && out.includes(secret)) out = out.split(secret).join(maskSecret(secret));
  }
  return out;
}

/**
 * A path as shown: the session id of LiveVox validate/logout (any version, any shape of id) and the LoudVoice author
 * session token of a session delete are masked; every other segment is kept.
 */
export function redactPath(path: string, found?: FoundSecrets): string {
  return path
    .replace(/^(\/session(?:\/[^/]+)?\/(?:validate|logout)\/)([^/?]+)/, (_m, head: string, id: string) => `${head}${mask(id, found)}`)
    .replace(/^(\/loudvoice\/authors\/sessions\/)([^/?]+?)(\.json)?$/, (_m, head: string, token: string, ext: string | undefined) => `${head}${mask(token, found)}${ext ?? ''}`);
}

/** A query string as shown: the values of secret parameters masked, the rest as received. */
export function redactQuery(query: string, found?: FoundSecrets): string {
  if (query === '') return query;
  return query
    .split('&')
    .map((pair) => {
      const eq = pair.indexOf('=');
      if (eq < 0) return pair;
      const name = safeDecode(pair.slice(0, eq));
      if (!isSecretField(name)) return pair;
      found?.add(pair.slice(eq + 1));
      const shown = mask(safeDecode(pair.slice(eq + 1)), found);
      return `${pair.slice(0, eq + 1)}${isPasswordField(name) && shown !== '' ? '…' : shown}`;
    })
    .join('&');
}

/**
 * A body as shown: in JSON text (whole, malformed or cut short), the value of every secret field, at any depth, is
 * replaced by its masked form as a JSON string; a form-encoded body gets the same treatment for its pairs.
 */
export function redactBody(text: string, found?: FoundSecrets): string {
  const first = /\S/.exec(text)?.[0];
  if (first !== '{' && first !== '[' && text.includes('=')) return redactQuery(text, found);
  return redactJsonText(text, found);
}

/** Masks the values of secret fields in JSON text without parsing it, so malformed and truncated JSON works too. */
function redactJsonText(text: string, found: FoundSecrets | undefined): string {
  const parts: string[] = [];
  let last = 0;
  let i = 0;
  while (i < text.length) {
    if (text.charCodeAt(i) !== 0x22) {
      i++;
      continue;
    }
    const end = stringEnd(text, i);
    let j = skipSpace(text, end);
    if (text[j] !== ':') {
      i = end;
      continue;
    }
    const key = decodeString(text.slice(i, end));
    j = skipSpace(text, j + 1);
    if (key === undefined || !isSecretField(key) || j >= text.length) {
      i = j;
      continue;
    }
    const valueEnd = valueEndAt(text, j);
    const raw = text.slice(j, valueEnd);
    const decoded = raw.startsWith('"') ? decodeString(raw) : undefined;
    if (decoded !== undefined && raw.length > 2) found?.add(raw.slice(1, raw.endsWith('"') ? -1 : undefined));
    const shown = mask(decoded ?? raw, found);
    // A password is chosen by a person: unlike a random token, even its last characters say too much.
    parts.push(text.slice(last, j), JSON.stringify(isPasswordField(key) && shown !== '' ? '…' : shown));
    last = valueEnd;
    i = valueEnd;
  }
  if (last === 0) return text;
  parts.push(text.slice(last));
  return parts.join('');
}

/** The index just past the string token starting at `start` (the end of the text if it never closes). */
function stringEnd(text: string, start: number): number {
  for (let i = start + 1; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x5c) i++;
    else if (c === 0x22) return i + 1;
  }
  return text.length;
}

const skipSpace = (text: string, from: number) => {
  let i = from;
  while (i < text.length && /\s/.test(text[i]!)) i++;
  return i;
};

/** The index just past the JSON value starting at `start`: a string, an object or array (balanced), or a literal. */
function valueEndAt(text: string, start: number): number {
  const c = text[start];
  if (c === '"') return stringEnd(text, start);
  if (c === '{' || c === '[') {
    let depth = 0;
    for (let i = start; i < text.length; i++) {
      const d = text[i];
      if (d === '"') i = stringEnd(text, i) - 1;
      else if (d === '{' || d === '[') depth++;
      else if (d === '}' || d === ']') {
        depth--;
        if (depth === 0) return i + 1;
      }
    }
    return text.length;
  }
  let i = start;
  while (i < text.length && !/[,}\]\s]/.test(text[i]!)) i++;
  return i;
}

/** A JSON string token's value, or its raw inside when it does not decode (cut short, bad escapes). */
function decodeString(token: string): string | undefined {
  try {
    return JSON.parse(token) as string;
  } catch {
    return token.length >= 2 && token.endsWith('"') ? token.slice(1, -1) : token.slice(1);
  }
}

const safeDecode = (s: string) => {
  try {
    return decodeURIComponent(s.replace(/\+/g, ' '));
  } catch {
    return s;
  }
};
