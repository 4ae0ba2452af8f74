import type { ErrorCode } from '../../generated/loudvoice-catalogue.js';
import { isUuid } from '../../core/uuid.js';
import { isEmail, isHttpUrl } from './field-formats.js';

/** The first problem a reader met: a catalogue code with the details that fill its text. */
export interface NodeProblem {
  code: ErrorCode;
  detail: Record<string, string>;
}

type Json = Record<string, unknown>;

const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);

const URL_REASON = 'a fully qualified http or https URL is expected';

/**
 * Reads the fields of one JSON object node, naming each node as `request->a->b` in its errors
 * (LDV-BODY-INVALID-400). Each read returns the value (undefined when absent) and records the first problem; the
 * caller checks `problem` once at the end, so a body reader is a straight list of fields.
 */
export class NodeReader {
  /** The first problem met by this reader or any reader it opened. */
  problem: NodeProblem | null = null;

  constructor(
    private readonly node: Json,
    readonly path: string,
    private readonly root: { problem: NodeProblem | null } | null = null,
  ) {}

  /** Whether the key is present with a value other than null. */
  has(key: string): boolean {
    return this.node[key] !== undefined && this.node[key] !== null;
  }

  /** Whether the key is present at all (null included). */
  sent(key: string): boolean {
    return this.node[key] !== undefined;
  }

  /** The raw value. */
  raw(key: string): unknown {
    return this.node[key];
  }

  /** Records a problem at a node below this one (or at this node for an empty key). */
  fail(code: ErrorCode, key: string, detail: Record<string, string> = {}): undefined {
    const owner = this.root ?? this;
    owner.problem ??= { code, detail: { node: key === '' ? this.path : `${this.path}->${key}`, ...detail } };
    if (this.root) this.problem ??= owner.problem;
    return undefined;
  }

  private invalid(key: string, reason: string): undefined {
    return this.fail('NODE_INVALID', key, { reason });
  }

  /**
   * A child object node; `required` makes a missing (or null) one NODE_MISSING. An optional node is absent or an
   * object: null is refused (NODE_INVALID), not read as "use the defaults", since no client sends it.
   */
  object(key: string, required: boolean): NodeReader | undefined {
    const value = this.node[key];
    if (value === undefined || (value === null && required)) return required ? this.fail('NODE_MISSING', key) : undefined;
    if (!isObject(value)) return this.invalid(key, 'an object is expected');
    return new NodeReader(value, `${this.path}->${key}`, this.root ?? this);
  }

  /** A string that may not be null; `nonEmpty` refuses "". */
  string(key: string, nonEmpty = true): string | undefined {
    const value = this.node[key];
    if (value === undefined) return undefined;
    if (typeof value !== 'string') return this.invalid(key, nonEmpty ? 'a non-empty string is expected' : 'a string is expected');
    if (nonEmpty && value === '') return this.invalid(key, 'a non-empty string is expected');
    return value;
  }

  /** A required non-empty string: missing or null is NODE_MISSING. */
  requiredString(key: string): string | undefined {
    if (!this.has(key)) return this.fail('NODE_MISSING', key);
    return this.string(key);
  }

  /** A string or null; "" is kept as "" unless `emptyIsNull` (LDV-BODY-EMPTY-MEANS-NONE). */
  nullableString(key: string, emptyIsNull: boolean): string | null | undefined {
    const value = this.node[key];
    if (value === undefined) return undefined;
    if (value === null) return null;
    if (typeof value !== 'string') return this.invalid(key, 'a string or null is expected');
    return emptyIsNull && value === '' ? null : value;
  }

  /** A non-empty string or null ("" refused): references that identify objects. */
  nullableNonEmpty(key: string): string | null | undefined {
    const value = this.node[key];
    if (value === undefined) return undefined;
    if (value === null) return null;
    if (typeof value !== 'string' || value === '') return this.invalid(key, 'a non-empty string or null is expected');
    return value;
  }

  /** A boolean. */
  boolean(key: string): boolean | undefined {
    const value = this.node[key];
    if (value === undefined) return undefined;
    if (typeof value !== 'boolean') return this.invalid(key, 'true or false is expected');
    return value;
  }

  /** An integer within bounds. */
  integer(key: string, min: number, max: number): number | undefined {
    const value = this.node[key];
    if (value === undefined) return undefined;
    if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
      return this.invalid(key, `an integer between ${min} and ${max} is expected`);
    }
    return value;
  }

  /** A token that must be a UUID (LDV-TOKEN-UUID-V4); null counts as absent. */
  token(key: string): string | undefined {
    const value = this.node[key];
    if (value === undefined || value === null) return undefined;
    if (typeof value !== 'string' || !isUuid(value)) return this.invalid(key, 'a UUID is expected');
    return value.toLowerCase();
  }

  /** An optional token reference: "" and null are "none" (null), anything else must be a UUID. */
  tokenRef(key: string): string | null | undefined {
    const value = this.node[key];
    if (value === undefined) return undefined;
    if (value === null || value === '') return null;
    if (typeof value !== 'string' || !isUuid(value)) return this.invalid(key, 'a UUID, an empty string or null is expected');
    return value.toLowerCase();
  }

  /**
   * A token reference as the WordPress plugin sends it: false also means none (LDV-COMMENT-TOKEN-FALSE-MEANS-NONE, PHP's
   * false from a failed lookup, json_encoded); true or any other non-token stays refused.
   */
  pluginTokenRef(key: string): string | null | undefined {
    const value = this.node[key];
    if (value === false) return null;
    if (value !== undefined && value !== null && value !== '' && (typeof value !== 'string' || !isUuid(value))) return this.invalid(key, 'a UUID, an empty string, null or false is expected');
    return this.tokenRef(key);
  }

  /** A URL field: "" and null mean none (null); otherwise a fully qualified http(s) URL. */
  url(key: string): string | null | undefined {
    const value = this.node[key];
    if (value === undefined) return undefined;
    if (value === null || value === '') return null;
    if (typeof value !== 'string' || !isHttpUrl(value)) return this.invalid(key, URL_REASON);
    return value;
  }

  /** An email field: "" and null mean none (null). */
  email(key: string): string | null | undefined {
    const value = this.node[key];
    if (value === undefined) return undefined;
    if (value === null || value === '') return null;
    if (typeof value !== 'string' || !isEmail(value)) return this.invalid(key, 'an email address is expected');
    return value;
  }
}

/**
 * Opens the resource node of a request body (LDV-BODY-WRAPPED-REQUEST): the body must be an object with an object
 * `request` holding the object `node`. Returns the reader of `request`, or the problem.
 */
export function openRequest(body: unknown): NodeReader | NodeProblem {
  if (!isObject(body) || body['request'] === undefined || body['request'] === null) return { code: 'NODE_MISSING', detail: { node: 'request' } };
  if (!isObject(body['request'])) return { code: 'NODE_INVALID', detail: { node: 'request', reason: 'an object is expected' } };
  return new NodeReader(body['request'], 'request');
}
