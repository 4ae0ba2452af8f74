import { operations as livevoxOperations } from '../generated/livevox-session-catalogue.js';
import { operations as loudvoiceOperations } from '../generated/loudvoice-catalogue.js';

/** A contract operation: which API, its operationId, and its method and path template as the contract writes them. */
export interface RouteOperation {
  api: 'livevox' | 'loudvoice';
  operationId: string;
  method: string;
  /** The contract's path template, e.g. `/session/{version}/login`. */
  path: string;
}

/** Every operation of both contracts, read from the generated catalogues. */
export const OPERATIONS: readonly RouteOperation[] = [
  ...livevoxOperations.map((op) => ({ api: 'livevox' as const, operationId: op.operationId, method: op.method, path: op.path })),
  ...loudvoiceOperations.map((op) => ({ api: 'loudvoice' as const, operationId: op.operationId, method: op.method, path: op.path })),
];

const byMethodAndTemplate = new Map(OPERATIONS.map((op) => [`${op.method} ${op.path}`, op]));

/**
 * The contract operation a fastify route implements: `routeUrl` is the route's pattern
 * (`request.routeOptions.url`, e.g. `/session/:version/login`), whose `:name` parameters the contract writes
 * `{name}`. Undefined for routes no contract defines (unknown paths, the 405 answers, HEAD, the admin controls).
 */
export function operationOfRoute(method: string, routeUrl: string | undefined): RouteOperation | undefined {
  if (routeUrl === undefined) return undefined;
  return byMethodAndTemplate.get(`${method} ${routeUrl.replace(/:([A-Za-z0-9_]+)/g, '{$1}')}`);
}
