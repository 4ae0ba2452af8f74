import { hash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance, FastifyReply } from 'fastify';

/**
 * Where the built console lives: `ui/` at the top of the compiled tree (dist/ui, two levels up from
 * dist/admin/http), so an installed package finds it wherever it is installed. Running from the sources
 * (src/admin/http) this is src/ui, which holds the sources and no bundle: the console is then reported as not built.
 */
export const CONSOLE_DIR = fileURLToPath(new URL('../../ui/', import.meta.url));

/** The files of the console, and their media types: nothing else under /__admin/ui is served. */
const ASSETS = {
  'index.html': 'text/html; charset=utf-8',
  'console.js': 'text/javascript; charset=utf-8',
  'console.css': 'text/css; charset=utf-8',
} as const;

type AssetName = keyof typeof ASSETS;

/**
 * The page may load only its own script and style and talk only to its own origin: the console works offline, and
 * a request body shown in the journal can never run as script (the page also only ever sets text, never HTML).
 */
const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "connect-src 'self'",
  "img-src 'self' data:",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

interface LoadedAsset {
  body: Buffer;
  etag: string;
}

/**
 * The console at /__admin/ui: a static shell (HTML, one script, one stylesheet) that holds no data. It is served
 * without the admin token, because a browser navigation cannot send `Authorization: Bearer`; every data call the
 * page makes goes to the guarded admin API with the token the user typed in once (kept in sessionStorage).
 */
export function registerConsoleRoutes(app: FastifyInstance, options: { dir?: string } = {}): void {
  const dir = options.dir ?? CONSOLE_DIR;
  let loaded: Map<AssetName, LoadedAsset> | undefined;

  /** The built files, read once; retried on each request while they are missing (a build may come later). */
  const load = (): Map<AssetName, LoadedAsset> | undefined => {
    if (loaded) return loaded;
    try {
      const files = new Map<AssetName, LoadedAsset>();
      for (const name of Object.keys(ASSETS) as AssetName[]) {
        const body = readFileSync(join(dir, name));
        files.set(name, { body, etag: `"${hash('sha1', body, 'base64url')}"` });
      }
      loaded = files;
    } catch {
      return undefined;
    }
    return loaded;
  };

  const send = (name: AssetName) => (request: { headers: Record<string, unknown> }, reply: FastifyReply) => {
    const files = load();
    if (!files) {
      return reply.code(404).send({ code: 'CONSOLE_NOT_BUILT', message: `The console is not built in ${dir}: run "npm run build" and start the built server` });
    }
    const asset = files.get(name)!;
    reply
      .header('content-security-policy', CONTENT_SECURITY_POLICY)
      .header('x-content-type-options', 'nosniff')
      .header('referrer-policy', 'no-referrer')
      // Revalidated on every load, so a rebuilt console is never mixed with a cached older script.
      .header('cache-control', 'no-cache')
      .header('etag', asset.etag);
    if (request.headers['if-none-match'] === asset.etag) return reply.code(304).send();
    return reply.type(ASSETS[name]).send(asset.body);
  };

  app.get('/__admin/ui', send('index.html'));
  app.get('/__admin/ui/', send('index.html'));
  app.get('/__admin/ui/console.js', send('console.js'));
  app.get('/__admin/ui/console.css', send('console.css'));
}
