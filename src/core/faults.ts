/**
 * Deliberate defects the reference implementation can be started with (`--fault NAME` with `--enable-test-faults`),
 * so the conformance kit can prove it catches each one. Every fault is a realistic bug; none is on by default.
 */
export const FAULTS = {
  'livevox-no-expiry': { rule: 'LVX-EXPIRY-2H', what: 'LiveVox sessions never expire' },
  'livevox-expiry-off-by-one-second': { rule: 'LVX-EXPIRY-2H', what: 'LiveVox sessions expire one second late (2 h + 1 s)' },
  'livevox-activity-no-refresh': { rule: 'LVX-ACTIVITY-REFRESHES', what: 'using a LiveVox session does not refresh its 2-hour window' },
  'livevox-access-unchecked': { rule: 'LVX-LOGIN-ACCESS-MISSING', what: 'login without LV-Access succeeds' },
  'livevox-foreign-token-accepted': { rule: 'LVX-LOGIN-ACCESS-FOREIGN', what: "a login with another client's API token succeeds" },
  'livevox-logout-noop': { rule: 'LVX-LOGOUT-ENDS', what: 'logout answers 204 but the session lives on' },
  'livevox-password-change-keeps-sessions': { rule: 'LVX-PASSWORD-CHANGE-ENDS-SESSIONS', what: 'a password change leaves the sessions alive' },
  'loudvoice-200-for-new-author': { rule: 'LDV-SESSION-201-NEW-AUTHOR', what: 'a session PUT that creates an author answers 200 instead of 201' },
  'loudvoice-allow-create-new-ignored': { rule: 'LDV-SESSION-ALLOW-CREATE-NEW-FALSE-NOTHING-CREATED', what: 'allow_create_new: false still creates the author' },
  'loudvoice-delete-without-confirm': { rule: 'LDV-DELETE-CONFIRM', what: 'deletes go through without confirm_deletion=true' },
  'loudvoice-date-format': { rule: 'LDV-DATE-RFC2822', what: 'envelope dates are ISO 8601 instead of RFC 2822' },
  'loudvoice-pagination-total-off-by-one': { rule: 'LDV-PAGINATION-NODE', what: 'total_entries in the pagination node is one too many' },
  'loudvoice-session-token-shared': { rule: 'LDV-TOKEN-UUID-V4', what: 'every new author session reuses the previous author_session_token' },
  'loudvoice-no-expiry': { rule: 'LDV-SESSION-EXPIRY-BOUNDARY', what: 'LoudVoice author sessions never expire' },
} as const;

/** The name of a test-only fault. */
export type FaultName = keyof typeof FAULTS;

/** The faults a server was started with; empty in every normal run. */
export type FaultSet = ReadonlySet<FaultName>;

/** No faults: the default. */
export const NO_FAULTS: FaultSet = new Set();

/** True when `name` is a known fault. */
export const isFaultName = (name: string): name is FaultName => Object.hasOwn(FAULTS, name);
