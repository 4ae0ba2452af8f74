import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { LoudVoiceSite } from '../../core/loudvoice/loudvoice-site.js';
import type { LoudVoiceCore } from '../../core/loudvoice/loudvoice-core.js';
import { apiOfPath, isAdminPath, type ApiSelection } from '../api-paths.js';
import { singleHeader } from '../headers.js';

/**
 * The site an authenticated request was let in for, kept on the request itself (a slot every request has, see
 * decorateSiteSlot): nothing outlives its request, and unlike a WeakMap entry it costs the garbage collector nothing.
 */
const kSite = Symbol('session-kit.loudvoice.site');
type SiteCarrier = FastifyRequest & { [kSite]: LoudVoiceSite | null };

/** Gives every request the slot its site is kept in (one shape for all requests). Call once, before the hooks. */
export function decorateSiteSlot(app: FastifyInstance): void {
  app.decorateRequest(kSite, null);
}

/** Reads `Authorization: Basic base64(public:private)`; anything else is no credentials. */
function basicCredentials(request: FastifyRequest): { publicKey: string; privateKey: string } | undefined {
  const header = singleHeader(request, 'authorization');
  if (header.kind !== 'value') return undefined;
  const match = /^basic\s+([A-Za-z0-9+/=_-]+)$/i.exec(header.value);
  if (!match) return undefined;
  const decoded = Buffer.from(match[1]!, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return undefined;
  return { publicKey: decoded.slice(0, colon), privateKey: decoded.slice(colon + 1) };
}

/** Authenticates a request to a site (LDV-AUTH-BASIC-EVERY-CALL) and remembers the site for the handler. */
export function authenticateSite(core: LoudVoiceCore, request: FastifyRequest): boolean {
  const credentials = basicCredentials(request);
  // Malformed credentials still cost one lookup and one comparison, like wrong ones.
  const result = core.authenticate(credentials?.publicKey ?? '', credentials?.privateKey ?? '');
  if (!result.ok || !credentials) return false;
  (request as SiteCarrier)[kSite] = result.value;
  return true;
}

/**
 * True when the request is LoudVoice's on this server and does not carry a site's credentials: it must be answered
 * with 401 before anything else (LDV-AUTH-BASIC-EVERY-CALL), unknown paths and undecodable ones included.
 */
export function lacksLoudVoiceCredentials(core: LoudVoiceCore, request: FastifyRequest, api: ApiSelection): boolean {
  if (isAdminPath(request.url) || apiOfPath(request.url, api) !== 'loudvoice') return false;
  return !authenticateSite(core, request);
}

/** The site the request was authenticated for by the onRequest hook. */
export function siteOf(request: FastifyRequest): LoudVoiceSite | undefined {
  return (request as SiteCarrier)[kSite] ?? undefined;
}
