/** A LiveVox user or agent as the fixtures describe it. */
export interface LiveVoxUserSeed {
  userName: string;
  password: string;
  userId: number;
  /** Agents log in with `agent: true`; their userName is case-insensitive (observed in the .NET client's docs). */
  agent: boolean;
  /** When the password expires (ISO 8601); reported as `daysUntilPasswordExpires` on login. */
  passwordExpiresAt?: string;
}

/** How a client's site accepts OIDC ID tokens for SSO login. */
export interface LiveVoxSsoSeed {
  issuer: string;
  audience: string;
  /** The claim that names the LiveVox userName; `preferred_username` by default. */
  userClaim?: string;
  /** Where the issuer publishes its keys; absent for the built-in test identity provider. */
  jwksUri?: string;
}

/** A call center, the object the protected Configuration read returns. */
export interface CallCenter {
  callCenterId: number;
  name: string;
}

/** A LiveVox customer ("client") with its API tokens and users. */
export interface LiveVoxClientSeed {
  clientName: string;
  clientId: number;
  apiTokens: string[];
  users: LiveVoxUserSeed[];
  callCenters?: CallCenter[];
  sso?: LiveVoxSsoSeed;
}

/** The password rules a server enforces beyond the info sheet's minimum (8 characters with a digit). */
export interface LiveVoxPasswordPolicy {
  /**
   * How many of a user's latest passwords, the current one included, a new password may not repeat: 1 (the default)
   * refuses only the current one; LiveVox's info sheet says 4.
   */
  reuseHistory?: number;
}

/** The LiveVox part of a fixture file. */
export interface LiveVoxSeed {
  clients: LiveVoxClientSeed[];
  passwordPolicy?: LiveVoxPasswordPolicy;
}

/** At most this many API tokens per client (vendor docs: "up to 5 API Tokens may be created"). */
export const MAX_API_TOKENS = 5;

/** Sessions end after this long without activity (vendor docs: 2 hours of inactivity). */
export const SESSION_TTL_MS = 2 * 60 * 60 * 1000;

/** The user or agent a session belongs to, as the core keeps it (one object per principal, shared by its sessions). */
export interface SessionPrincipal {
  readonly clientId: number;
  readonly userId: number;
  readonly agent: boolean;
}

/** A live session as the core keeps it: five fields, so a million of them stay small. */
export interface LiveVoxSession {
  readonly sessionId: string;
  readonly principal: SessionPrincipal;
  /** Index of the API token in its client's token list; the token itself is not kept per session. */
  readonly tokenIndex: number;
  readonly createdAt: number;
  lastActivityAt: number;
}

/** What a successful login returns, in the contract's words. */
export interface LoginResult {
  sessionId: string;
  clientId: number;
  userId: number;
  daysUntilPasswordExpires?: number;
}

/** What the session-details read returns. */
export interface SessionDetails {
  sessionId: string;
  clientId: number;
  clientName: string;
  userId: number;
  userName: string;
  agent: boolean;
  createdAt: number;
  lastActivityAt: number;
  expiresAt: number;
}
