import type { FastifyInstance } from 'fastify';
import { readChaosRule, type ChaosRuleContext } from '../chaos-rule.js';
import { MAX_CHAOS_RULES, type ChaosRules } from '../chaos-rules.js';
import { adminError, adminGuard, adminObjectBody } from '../../admin/http/admin-routes.js';
import type { ApiSelection } from '../../http/api-paths.js';
import { OPERATIONS } from '../../contract/operation-of-route.js';

/** What the chaos admin routes act on. */
export interface ChaosRouteDeps {
  chaos: ChaosRules;
  /** The APIs this server answers: a rule may only name those and their operations. */
  api: ApiSelection;
  /** When set, every request must send `Authorization: Bearer <token>` (as for every admin control). */
  token: string | undefined;
}

/**
 * The integrator's fault and latency injection under /__admin/chaos: add a rule, list the rules (and the global
 * latency), remove one or all. `POST /__admin/reset` leaves the rules alone: they are setup, not domain state.
 */
export function registerChaosRoutes(app: FastifyInstance, deps: ChaosRouteDeps): void {
  const { chaos } = deps;
  const guarded = adminGuard(deps.token);
  const context: ChaosRuleContext = { operations: OPERATIONS.filter((op) => deps.api === 'both' || op.api === deps.api) };

  app.post(
    '/__admin/chaos',
    guarded((request, reply) => {
      const body = adminObjectBody(request, reply);
      if (!body) return reply;
      const rule = readChaosRule(body, context);
      if (!rule.ok) return adminError(reply, 400, rule.error, `Invalid chaos rule: ${rule.detail?.reason ?? 'see the README'}`);
      if (chaos.full) return adminError(reply, 400, 'CHAOS_RULES_FULL', `A server holds at most ${MAX_CHAOS_RULES} chaos rules; remove some first`);
      return reply.code(201).send(chaos.add(rule.value));
    }),
  );

  app.get(
    '/__admin/chaos',
    guarded((_request, reply) => reply.send({ rules: chaos.list(), latency: chaos.latency })),
  );

  app.delete(
    '/__admin/chaos',
    guarded((_request, reply) => {
      chaos.clear();
      return reply.code(204).send();
    }),
  );

  app.delete(
    '/__admin/chaos/:id',
    guarded((request, reply) => {
      const { id } = request.params as { id: string };
      if (!chaos.remove(id)) return adminError(reply, 404, 'CHAOS_RULE_NOT_FOUND', `No chaos rule with id "${id}"`);
      return reply.code(204).send();
    }),
  );
}
