// Raw-socket HTTP for what app.inject() cannot do: bodies past the limit on the wire, header sections past Node's
// limit, requests cut off half-way, request lines nobody normalised.
import type { FastifyInstance } from 'fastify';
import { connect, type Socket } from 'node:net';

/** What came back on one connection. */
export interface RawResult {
  /** Status of the first response, or null when the server closed without one. */
  status: number | null;
  headers: Record<string, string>;
  body: string;
  /** How the connection ended: closed by the server, reset, or still open when we gave up. */
  ended: 'closed' | 'reset' | 'timeout';
}

/** Starts the app on an ephemeral loopback port. */
export async function listen(app: FastifyInstance): Promise<number> {
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.server.address();
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

/** Parses the first HTTP/1.1 response in `raw` (Content-Length or chunked). */
export function parseResponse(raw: Buffer): Omit<RawResult, 'ended'> {
  const text = raw.toString('latin1');
  const end = text.indexOf('\r\n\r\n');
  if (end < 0) return { status: null, headers: {}, body: '' };
  const [statusLine, ...lines] = text.slice(0, end).split('\r\n');
  const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(statusLine ?? '')?.[1] ?? Number.NaN);
  const headers: Record<string, string> = {};
  for (const line of lines) {
    const colon = line.indexOf(':');
    if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  let rest = raw.subarray(Buffer.byteLength(text.slice(0, end + 4), 'latin1'));
  let body: Buffer;
  if (headers['transfer-encoding'] === 'chunked') {
    const parts: Buffer[] = [];
    for (;;) {
      const lineEnd = rest.indexOf('\r\n');
      if (lineEnd < 0) break;
      const size = Number.parseInt(rest.subarray(0, lineEnd).toString('latin1'), 16);
      if (!(size > 0)) break;
      parts.push(rest.subarray(lineEnd + 2, lineEnd + 2 + size));
      rest = rest.subarray(lineEnd + 2 + size + 2);
    }
    body = Buffer.concat(parts);
  } else {
    const length = headers['content-length'] === undefined ? rest.length : Number(headers['content-length']);
    body = rest.subarray(0, length);
  }
  return { status: Number.isNaN(status) ? null : status, headers, body: body.toString('utf8') };
}

/**
 * Sends `chunks` on a fresh connection (pausing `gapMs` between them), then reads until the server closes or
 * `timeoutMs` passes. Write errors (the server closing early) are expected and only end the writing.
 */
export function exchange(port: number, chunks: (string | Buffer)[], options: { gapMs?: number; timeoutMs?: number } = {}): Promise<RawResult> {
  const { gapMs = 0, timeoutMs = 5000 } = options;
  return new Promise((resolve) => {
    const socket: Socket = connect({ port, host: '127.0.0.1' });
    const received: Buffer[] = [];
    let ended: RawResult['ended'] | undefined;
    const finish = (how: RawResult['ended']) => {
      if (ended) return;
      ended = how;
      clearTimeout(timer);
      socket.destroy();
      resolve({ ...parseResponse(Buffer.concat(received)), ended: how });
    };
    const timer = setTimeout(() => finish('timeout'), timeoutMs);
    socket.on('data', (d) => received.push(d));
    socket.on('end', () => finish('closed'));
    socket.on('close', () => finish('closed'));
    socket.on('error', (e: NodeJS.ErrnoException) => {
      // EPIPE/ECONNRESET while we still write means the server answered and closed first: read what it sent.
      if (e.code === 'ECONNRESET') finish(received.length > 0 ? 'closed' : 'reset');
    });
    socket.on('connect', async () => {
      for (const chunk of chunks) {
        if (ended || socket.destroyed) return;
        const ok = socket.write(chunk);
        if (!ok) await new Promise<void>((r) => socket.once('drain', r).once('close', r));
        if (gapMs > 0) await new Promise((r) => setTimeout(r, gapMs));
      }
    });
  });
}

/** A complete HTTP/1.1 request as bytes, with `Connection: close` so the server ends the exchange. */
export function rawRequest(method: string, path: string, headers: Record<string, string> = {}, body?: string | Buffer): Buffer {
  const head = [`${method} ${path} HTTP/1.1`, 'Host: 127.0.0.1', 'Connection: close'];
  for (const [name, value] of Object.entries(headers)) head.push(`${name}: ${value}`);
  if (body !== undefined) head.push(`Content-Length: ${Buffer.byteLength(body)}`);
  const bytes = Buffer.from(`${head.join('\r\n')}\r\n\r\n`, 'latin1');
  return body === undefined ? bytes : Buffer.concat([bytes, Buffer.isBuffer(body) ? body : Buffer.from(body, 'utf8')]);
}
