// The journal's admin API: GET /__admin/requests (newest first, filtered, limited), GET /__admin/requests/{id},
// DELETE /__admin/requests. Reading an entry judges it against its API's contract the first time (the contract is
// loaded on the first read that needs it, never at start-up).
import type { FastifyInstance, FastifyReply } from 'fastify';
import { fullFormats } from 'ajv-formats/dist/formats.js';
import { adminError, adminGuard } from '../../admin/http/admin-routes.js';
import { judge, loadJudges } from '../journal-judges.js';
import { MAX_READ_LIMIT, type JournalFilter, type RequestJournal } from '../journal.js';

/** How many entries a read returns when it names no limit. */
export const DEFAULT_READ_LIMIT = 100;

/** What the journal routes need: the journal, and the admin token (when one is set) that guards every admin route. */
export interface JournalRouteDeps {
  journal: RequestJournal;
  token: string | undefined;
}

const dateTimeFormat = fullFormats['date-time'] as { validate: (value: string) => boolean };
/** RFC 3339 date-time, as ajv-formats reads JSON Schema's `date-time`. */
const isDateTime = (value: string): boolean => dateTimeFormat.validate(value);

const FILTERS = new Set(['limit', 'api', 'method', 'path', 'status', 'since', 'after', 'before']);

/** Reads the list's query; a problem is a message for a 400. */
export function readJournalQuery(query: Record<string, unknown>): { filter: JournalFilter; limit: number } | { problem: string } {
  const filter: JournalFilter = {};
  let limit = DEFAULT_READ_LIMIT;
  for (const [name, raw] of Object.entries(query)) {
    if (!FILTERS.has(name)) return { problem: `unknown parameter ${name}; the filters are ${[...FILTERS].join(', ')}` };
    if (typeof raw !== 'string') return { problem: `${name} must be given once` };
    switch (name) {
      case 'limit':
        if (!/^\d{1,4}$/.test(raw) || Number(raw) < 1 || Number(raw) > MAX_READ_LIMIT) return { problem: `limit must be an integer from 1 to ${MAX_READ_LIMIT}` };
        limit = Number(raw);
        break;
      case 'api':
        if (raw !== 'livevox' && raw !== 'loudvoice') return { problem: 'api must be livevox or loudvoice' };
        filter.api = raw;
        break;
      case 'method':
        if (!/^[A-Za-z]{1,16}$/.test(raw)) return { problem: 'method must be an HTTP method, e.g. POST' };
        filter.method = raw.toUpperCase();
        break;
      case 'path':
        if (!raw.startsWith('/')) return { problem: 'path must be a path prefix starting with /' };
        filter.pathPrefix = raw;
        break;
      case 'status':
        if (!/^(?:0|[1-5]\d\d)$/.test(raw)) return { problem: 'status must be an HTTP status (100-599), or 0 for a dropped connection' };
        filter.status = Number(raw);
        break;
      case 'since': {
        // Epoch ms, or exactly what openapi/admin.yaml's `format: date-time` admits (RFC 3339 with its offset).
        const at = /^\d{1,16}$/.test(raw) ? Number(raw) : isDateTime(raw) ? Date.parse(raw) : Number.NaN;
        if (Number.isNaN(at)) return { problem: 'since must be an ISO-8601 date-time with its offset (e.g. 2026-01-05T09:00:00Z) or epoch milliseconds' };
        filter.sinceWallTime = at;
        break;
      }
      case 'after':
      case 'before': {
        if (!/^\d{1,15}$/.test(raw)) return { problem: `${name} must be a journal entry id (an integer)` };
        if (name === 'after') filter.afterId = Number(raw);
        else filter.beforeId = Number(raw);
        break;
      }
    }
  }
  return { filter, limit };
}

/** Registers the journal's admin routes. */
export function registerJournalRoutes(app: FastifyInstance, deps: JournalRouteDeps): void {
  const { journal } = deps;
  const guarded = adminGuard(deps.token);
  const contractsUnreadable = (reply: FastifyReply, error: unknown) =>
    adminError(reply, 500, 'CONTRACT_UNREADABLE', `the contracts in openapi/ could not be read: ${error instanceof Error ? error.message : String(error)}`);

  app.get(
    '/__admin/requests',
    guarded(async (request, reply) => {
      const read = readJournalQuery(request.query as Record<string, unknown>);
      if ('problem' in read) return adminError(reply, 400, 'JOURNAL_FILTER_INVALID', read.problem);
      try {
        await loadJudges(() => journal.apisToJudge(read.filter, read.limit));
      } catch (error) {
        return contractsUnreadable(reply, error);
      }
      return reply.send({ requests: journal.list(read.filter, read.limit, judge), meta: journal.meta() });
    }),
  );

  app.get(
    '/__admin/requests/:id',
    guarded(async (request, reply) => {
      const { id } = request.params as { id: string };
      try {
        await loadJudges(() => {
          const api = journal.apiOf(id);
          return api ? [api] : [];
        });
      } catch (error) {
        return contractsUnreadable(reply, error);
      }
      const entry = journal.get(id, judge);
      if (!entry) return adminError(reply, 404, 'JOURNAL_ENTRY_NOT_FOUND', `no journal entry ${id} (it may have been pushed out of the ring, or cleared)`);
      return reply.send(entry);
    }),
  );

  app.delete(
    '/__admin/requests',
    guarded((_request, reply) => {
      journal.clear();
      return reply.code(204).send();
    }),
  );
}
