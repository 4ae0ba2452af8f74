/**
 * Legitimate variants the reference implementation can be started with (`--variant NAME` with
 * `--enable-test-faults`): the mirror of src/core/faults.ts. Each is a different but correct choice a real vendor
 * could make where the vendor documentation is silent, so the conformance kit must still say CONFORMS against it.
 * `rules` are the contract rules whose checks each variant exercises. None is on by default; all combine freely.
 */
export const VARIANTS = {
  'livevox-error-codes': {
    what: 'LiveVox error bodies use another numbering (catalogue code - 9000) and other wording',
    rules: ['LVX-ERROR-CODES'],
  },
  'livevox-authorization-403': {
    what: 'every LiveVox Authorization error (a refused LV-Access, wrong credentials, a missing or dead LV-Session) answers 403 instead of 401',
    rules: ['LVX-AUTH-ERROR-401'],
  },
  'livevox-login-201': {
    what: 'a successful login (password or SSO) answers 201 Created instead of 200; everything else unchanged',
    rules: ['LVX-LOGIN-SUCCESS'],
    // Every real client reads a 200 (LVX-LOGIN-SUCCESS decides), so this variant fails on that rule, and on no other.
    expect: { verdict: 'DOES NOT CONFORM', decidingFailed: ['LVX-LOGIN-SUCCESS'] },
  },
  'livevox-validate-200': {
    what: 'validate of a live LiveVox session answers 200 {"valid": true} instead of 204',
    rules: ['LVX-VALIDATE-LIVE-204'],
  },
  'livevox-logout-200': {
    what: 'logout of a live LiveVox session answers 200 with an empty body instead of 204',
    rules: ['LVX-LOGOUT-LIVE-204'],
  },
  'livevox-no-session-details': {
    what: 'GET /session/details (and its versioned forms) does not exist: 404 like any unknown path',
    rules: ['LVX-DETAILS-CONTENT'],
  },
  'livevox-auth-before-routing': {
    what: 'unknown LiveVox paths and wrong methods answer 401 without a live LV-Session (404/405 with one)',
    rules: ['LVX-ROUTE-NOT-FOUND', 'LVX-METHOD-NOT-ALLOWED'],
  },
  'livevox-validate-refreshes': {
    what: 'validate of a live LiveVox session counts as activity',
    rules: ['LVX-VALIDATE-NO-REFRESH'],
  },
  'livevox-login-no-refresh': {
    what: 'a login that returns an existing live LiveVox session does not refresh it',
    rules: ['LVX-LOGIN-REFRESHES'],
  },
  'livevox-expiry-inclusive': {
    what: 'a LiveVox session is still live at exactly 2 h of inactivity, expired from 2 h + 1 ms',
    rules: ['LVX-EXPIRY-BOUNDARY'],
  },
  'livevox-header-repeated-first-wins': {
    what: 'a repeated LV-Access or LV-Session header is not refused: the first value is used',
    rules: ['LVX-HEADER-REPEATED'],
  },
  'no-allow-header': {
    what: '405 answers of both APIs carry no Allow header',
    rules: ['LVX-METHOD-NOT-ALLOWED', 'LDV-METHOD-NOT-ALLOWED'],
  },
  'extra-response-fields': {
    what: 'responses carry extra vendor fields (lvResult, detail, result.status, is_blocked, ip_address)',
    rules: ['LVX-CONTRACT-RESPONSES', 'LDV-CONTRACT-RESPONSES'],
  },
  'loudvoice-error-info': {
    what: 'LoudVoice error info texts are reworded (except the documented 401 and the observed discussion text)',
    rules: ['LDV-ERROR-INFO'],
  },
  'loudvoice-page-size-capped': {
    what: 'LoudVoice list parameters are never refused: out-of-range values are capped or defaulted',
    rules: ['LDV-PAGINATION-PARAMS-REFUSED'],
  },
  'loudvoice-expires-in-unbounded': {
    what: 'session.expires_in has no upper bound (any positive safe integer)',
    rules: ['LDV-SESSION-EXPIRES-IN-BOUNDS'],
  },
  'loudvoice-last-update-every-put': {
    what: 'every successful LoudVoice PUT/update sets date_last_update, even when nothing changed',
    rules: ['LDV-LAST-UPDATE-ON-CHANGE'],
  },
  'loudvoice-session-token-rotates': {
    what: "refreshing an author's live session issues a new author_session_token; the old one is gone",
    rules: ['LDV-SESSION-TOKEN-KEPT-ON-REFRESH'],
  },
  'loudvoice-error-statuses': {
    what: 'missing confirm_deletion answers 403; unknown author_reference/author_token in a session PUT answer 400',
    rules: ['LDV-ERROR-STATUS'],
  },
  'loudvoice-routing-before-auth': {
    what: 'unknown LoudVoice paths answer 404 even without credentials',
    rules: ['LDV-AUTH-BEFORE-ROUTING'],
  },
  'loudvoice-total-pages-one-when-empty': {
    what: 'an empty LoudVoice list reports total_pages 1 instead of 0',
    rules: ['LDV-PAGINATION-EDGES'],
  },
  'loudvoice-method-not-allowed-404': {
    what: 'a known LoudVoice path with an unsupported method answers 404 ROUTE_NOT_FOUND instead of 405',
    rules: ['LDV-METHOD-NOT-ALLOWED'],
  },
  'no-test-idp': {
    what: 'no built-in test identity provider: /__idp/* answers 404 (SSO login works for real issuers only)',
    rules: ['LVX-SSO-SESSION'],
  },
  'livevox-no-sso-endpoint': {
    what: 'POST /session/sso/login (and its versioned forms) does not exist: 404 like any unknown path',
    rules: ['LVX-SSO-SESSION'],
  },
} as const satisfies Record<string, { what: string; rules: readonly string[]; expect?: { verdict: string; decidingFailed: readonly string[] } }>;

/** The name of a test-only variant. */
export type VariantName = keyof typeof VARIANTS;

/** The variants a server was started with; empty in every normal run. */
export type VariantSet = ReadonlySet<VariantName>;

/** No variants: the default. */
export const NO_VARIANTS: VariantSet = new Set();

/** True when `name` is a known variant. */
export const isVariantName = (name: string): name is VariantName => Object.hasOwn(VARIANTS, name);
