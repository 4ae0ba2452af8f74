// The options of `session-kit serve` as a type of their own, importing only types that hold no Node or fastify
// types: startMock's declarations (dist/admin/http/start-mock.d.ts) reach it, and an integrator's TypeScript project
// has neither @types/node nor fastify's types to resolve.
import type { Fixtures } from '../config/fixtures.js';
import type { ApiSelection } from './api-paths.js';

/**
 * The options of `session-kit serve`, one field per flag (`--journal-size` is `journalSize`, `--no-admin` is
 * `admin: false`, `--no-journal` is `journal: false`). Text is accepted wherever the flag takes text.
 */
export interface ServeOptions {
  host?: string;
  port?: number | string;
  api?: ApiSelection;
  /** A fixture file's path, or the fixtures themselves (checked against fixtures/fixtures.schema.json). */
  fixtures?: string | Fixtures | object;
  clock?: 'system' | 'fixed';
  /** Where a fixed clock starts: ISO-8601 text, a Date or epoch ms. */
  clockStart?: string | Date | number;
  adminToken?: string;
  admin?: boolean;
  allowedHosts?: string[];
  bodyLimit?: number | string;
  latency?: number | string;
  state?: string;
  stateInterval?: number | string;
  store?: string;
  logLevel?: string;
  logRequests?: boolean;
  journalSize?: number | string;
  journal?: boolean;
  journalFile?: string;
  /** `true` or `'*'` for any origin, else an origin or a comma-separated list of origins. */
  cors?: string | true;
  faults?: string[];
  variants?: string[];
  enableTestFaults?: boolean;
}

