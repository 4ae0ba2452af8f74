import * as livevox from '../generated/livevox-session-catalogue.js';
import * as loudvoice from '../generated/loudvoice-catalogue.js';

/** One operation of a contract as the console lists it. */
export interface OperationView {
  method: string;
  path: string;
  operationId: string;
  summary: string | null;
}

/** One behavioural rule with its provenance: how authoritative it is (grade) and where it comes from (source). */
export interface RuleView {
  id: string;
  grade: 'documented' | 'observed' | 'assumed';
  text: string;
  source: string;
  /** The operation the rule belongs to ("POST /session/login"), or null for a rule of the whole API. */
  operation: string | null;
}

/** One contract in readable form: what `GET /__admin/contracts` answers per API. */
export interface ContractView {
  title: string | null;
  version: string | null;
  operations: OperationView[];
  rules: RuleView[];
  /** The short source ids the rules cite (L1, O4, seed ...), with their citations. */
  sources: { id: string; grade: string; citation: string; url?: string }[];
}

type Catalogue = typeof livevox | typeof loudvoice;

const view = (c: Catalogue): ContractView => ({
  title: c.contract.title,
  version: c.contract.version,
  operations: c.operations.map(({ method, path, operationId, summary }) => ({ method, path, operationId, summary })),
  rules: c.rules.map((r) => ({ id: r.id, grade: r.provenance.grade, text: r.rule, source: r.provenance.source, operation: r.operation })),
  sources: c.sources.map((s) => ({ ...s })),
});

let cached: string | undefined;

/**
 * Both contracts as JSON, from the generated catalogues (so it is exactly what `npm run gen` took from openapi/).
 * Serialised once, on first use: it never changes while the server runs.
 */
export function contractsJson(): string {
  cached ??= JSON.stringify({ livevox: view(livevox), loudvoice: view(loudvoice) });
  return cached;
}
