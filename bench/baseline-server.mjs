// The bare fastify baseline of the benchmark: one route answering every path with a fixed JSON body, logger off.
// Plain JavaScript run by plain node, so its start-up time carries no TypeScript loader.
// Usage: node bench/baseline-server.mjs PORT
import Fastify from 'fastify';

const port = Number(process.argv[2] ?? 4020);
const body = { ok: true, message: 'a fixed JSON body from the bare fastify baseline' };
const app = Fastify({ logger: false });
// GET, POST and PUT so every benchmarked route (login POST, session PUT, reads) has a 200 to compare against;
// fastify's default JSON parser still parses the request body, as any real route would.
app.route({ method: ['GET', 'POST', 'PUT'], url: '/*', handler: async () => body });
await app.listen({ host: '127.0.0.1', port });
const stop = () => app.close().then(() => process.exit(0));
process.once('SIGINT', stop);
process.once('SIGTERM', stop);
