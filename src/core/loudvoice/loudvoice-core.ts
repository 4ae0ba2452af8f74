import type { ErrorCode } from '../../generated/loudvoice-catalogue.js';
import type { FaultName } from '../faults.js';
import type { CoreDeps } from '../ports.js';
import type { Result } from '../result.js';
import { LoudVoiceSite } from './loudvoice-site.js';
import type { LoudVoiceSeed } from './model.js';
import type { SiteSnapshot } from './site-snapshot.js';
import { SiteRegistry } from './site-registry.js';

/** The whole LoudVoice state as plain data, by site subdomain. */
export interface LoudVoiceSnapshot {
  sites: Record<string, SiteSnapshot>;
}

/** A live author session as the admin view shows it: no keys, dates as epoch ms. */
export interface AdminSessionView {
  site: string;
  authorSessionToken: string;
  authorToken: string;
  authorReference: string | null;
  name: string;
  dateCreation: number;
  dateLastUpdate: number | null;
  dateExpiration: number;
  expiresIn: number;
}

/**
 * The LoudVoice domain: sites, each with its own authors, author sessions, discussions and comments. Pure apart
 * from its ports: time comes from `deps.clock`, tokens from `deps.ids`. A request first authenticates to a site;
 * every operation then runs on that site only, so one site's keys see nothing of another's.
 */
export class LoudVoiceCore {
  private readonly sites: LoudVoiceSite[] = [];
  private readonly registry = new SiteRegistry<LoudVoiceSite>();

  /** The sites of the fixtures; with a snapshot (`--state FILE`), each site it names takes its data from there. */
  constructor(
    seed: LoudVoiceSeed,
    private readonly deps: CoreDeps,
    snapshot?: LoudVoiceSnapshot,
  ) {
    for (const siteSeed of seed.sites) {
      const site = new LoudVoiceSite(siteSeed, deps, snapshot?.sites[siteSeed.subdomain]);
      this.sites.push(site);
      this.registry.add(siteSeed.publicKey, siteSeed.privateKey, site);
    }
  }

  /** The site whose public and private key these are (constant-time on the private key), or CREDENTIALS_INVALID. */
  authenticate(publicKey: string, privateKey: string): Result<LoudVoiceSite, ErrorCode> {
    // Test-only fault loudvoice-private-key-unchecked: the private key is compared, but the outcome is not used.
    return this.registry.authenticate(publicKey, privateKey, !this.fault('loudvoice-private-key-unchecked'));
  }

  /** The site with this subdomain: how a command names the site it runs on. */
  site(subdomain: string): LoudVoiceSite | undefined {
    return this.sites.find((site) => site.seed.subdomain === subdomain);
  }

  /** Whether a test-only fault (src/core/faults.ts) is on; never in a normal run. */
  fault(name: FaultName): boolean {
    return this.deps.faults?.has(name) ?? false;
  }

  /** Every site's data, by subdomain, for `--state FILE`. */
  snapshot(): LoudVoiceSnapshot {
    return { sites: Object.fromEntries(this.sites.map((site) => [site.seed.subdomain, site.snapshot()])) };
  }

  /** Every live author session of every site: the admin view. Not on any API request path. */
  liveSessions(): AdminSessionView[] {
    return this.sites.flatMap((site) =>
      site.liveSessions().map((s) => ({
        site: site.seed.subdomain,
        authorSessionToken: s.authorSessionToken,
        authorToken: s.author.authorToken,
        authorReference: s.author.authorReference,
        name: s.author.name,
        dateCreation: s.dateCreation,
        dateLastUpdate: s.dateLastUpdate,
        dateExpiration: s.dateExpiration,
        expiresIn: s.expiresIn,
      })),
    );
  }

  /** How many author sessions are live across all sites. */
  liveSessionCount(): number {
    return this.sites.reduce((n, site) => n + site.liveSessionCount(), 0);
  }

  /** Forgets expired author sessions, at most `limit` per site; true when more are due. */
  expire(limit?: number): boolean {
    let more = false;
    for (const site of this.sites) more = site.expire(limit) || more;
    return more;
  }
}
