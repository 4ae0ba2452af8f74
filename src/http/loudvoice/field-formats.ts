// The shapes of LoudVoice's URL and email fields, written once: the contract's UrlOrNone and EmailOrNone carry these
// very patterns (test/spec/contracts.test.ts holds them equal), so the server accepts exactly what the schema accepts.

/**
 * A fully qualified http(s) URL: the scheme in any case, `://`, optional user info, a host (a name in any script, as
 * WordPress stores its users' URLs raw, or an IP literal), an optional port, then anything without spaces or control
 * characters. Stricter than a URL parser (which repairs spaces and drops empty hosts) and looser than RFC 3986 (ASCII
 * only): the contract's UrlOrNone says why.
 */
export const HTTP_URL_PATTERN =
  '^[Hh][Tt][Tt][Pp][Ss]?://([^\\s\\u0000-\\u001f\\u007f/?#@]*@)?(\\[[0-9A-Fa-f:.]+\\]|[^\\s\\u0000-\\u001f\\u007f/?#@:\\[\\]]+)(:[0-9]*)?([/?#][^\\s\\u0000-\\u001f\\u007f]*)?$';

/**
 * An email address in the dot-atom form every JSON Schema validator's `email` format accepts (ajv-formats' full
 * email check, letters of both cases): ASCII, a dot in the domain. WordPress's is_email() gives only such addresses.
 */
export const EMAIL_PATTERN =
  "^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(\\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*@([A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?\\.)+[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?$";

// As JSON Schema reads a pattern: an ECMAScript regular expression with the u flag, unanchored unless it says so.
const HTTP_URL = new RegExp(HTTP_URL_PATTERN, 'u');
const EMAIL = new RegExp(EMAIL_PATTERN, 'u');

/** True for a fully qualified http(s) URL as the contract's UrlOrNone defines it. */
export const isHttpUrl = (value: string): boolean => HTTP_URL.test(value);

/** True for an email address as the contract's EmailOrNone defines it. */
export const isEmail = (value: string): boolean => EMAIL.test(value);
