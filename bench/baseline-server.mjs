// The bare fastify baseline of the benchmark: one route answering GET/POST/PUT on every path with a fixed JSON body,
// logger off. Plain JavaScript run by plain node, so its start-up time carries no TypeScript loader.
//
// The fixed body is, by default, a small one. Before each load the benchmark can set it (and its status) to the
// exact response session-kit gave for the route, with PUT /__baseline/response {status, body}: the bare route then
// answers the same bytes without doing any of the work, which is the floor the ">= 60% of bare" target is about.
// The handler returns an object, so fastify serialises it on every request as any plain route would.
//
// Usage: node bench/baseline-server.mjs PORT
import Fastify from 'fastify';

const port = Number(process.argv[2] ?? 4020);
const SMALL = { ok: true, message: 'a fixed JSON body from the bare fastify baseline' };
let answer = { status: 200, body: SMALL };
const app = Fastify({ logger: false });
app.put('/__baseline/response', async (request) => {
  const { status, body } = request.body ?? {};
  answer = status === undefined ? { status: 200, body: SMALL } : { status, body };
  return { ok: true };
});
// fastify's default JSON parser still parses the request body, as any real route would.
app.route({
  method: ['GET', 'POST', 'PUT'],
  url: '/*',
  handler: async (_request, reply) => {
    reply.code(answer.status);
    return answer.body;
  },
});
await app.listen({ host: '127.0.0.1', port });
const stop = () => app.close().then(() => process.exit(0));
process.once('SIGINT', stop);
process.once('SIGTERM', stop);
