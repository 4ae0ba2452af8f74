/**
 * Deliberate defects the reference implementation can be started with (`--fault NAME` with `--enable-test-faults`),
 * so the conformance kit can prove it catches each one. Every fault is a realistic bug; none is on by default.
 * `rule` is the deciding rule the kit must fail on; `also` lists the other deciding rules the same bug breaks, which
 * the kit must fail too, so every deciding rule that can be broken has a fault that proves the kit checks it.
 */
export const FAULTS = {
  'livevox-no-expiry': { rule: 'LVX-EXPIRY-2H', what: 'LiveVox sessions never expire' },
  'livevox-expiry-five-minutes-late': { rule: 'LVX-EXPIRY-2H', what: 'LiveVox sessions expire five minutes late (2 h + 5 min), as with an expiry sweeper that runs every five minutes' },
  'livevox-activity-no-refresh': { rule: 'LVX-ACTIVITY-REFRESHES', what: 'using a LiveVox session does not refresh its 2-hour window' },
  'livevox-access-unchecked': { rule: 'LVX-LOGIN-ACCESS-MISSING', what: 'login without LV-Access succeeds' },
  'livevox-foreign-token-accepted': { rule: 'LVX-LOGIN-ACCESS-FOREIGN', also: ['LVX-TOKEN-PER-CLIENT'], what: "a login with another client's API token succeeds" },
  'livevox-logout-noop': { rule: 'LVX-LOGOUT-ENDS', what: 'logout answers 204 but the session lives on' },
  'livevox-password-change-keeps-sessions': { rule: 'LVX-PASSWORD-CHANGE-ENDS-SESSIONS', what: 'a password change leaves the sessions alive' },
  'livevox-session-needs-access': { rule: 'LVX-ACCESS-LOGIN-ONLY', what: "protected operations (session details, callCenters) answer 401 SESSION_INVALID unless a valid LV-Access of the session's client is sent too" },
  'livevox-callcenters-session-unchecked': { rule: 'LVX-SESSION-REQUIRED', also: ['LVX-CALLCENTERS-SESSION'], what: "GET callCenters without LV-Session, or with an unknown or dead one, answers 200 with the first client's call centers" },
  'livevox-session-per-user': { rule: 'LVX-DIFFERENT-TOKEN-DIFFERENT-SESSION', what: 'the session key ignores the API token: one user gets the same session whatever token it logs in with' },
  'livevox-any-token-accepted': { rule: 'LVX-LOGIN-ACCESS-UNKNOWN', what: 'login only checks that LV-Access is present; any value is accepted (the client comes from clientName)' },
  'livevox-sso-access-unchecked': { rule: 'LVX-SSO-ACCESS', what: 'SSO login does not check LV-Access at all (missing or unknown values pass; the client comes from clientName)' },
  'livevox-sso-without-config-uses-first': { rule: 'LVX-SSO-NOT-ENABLED', what: "an SSO login for a client without SSO configured verifies the ID token against the first SSO-configured client's settings (issuer, audience, keys) instead of refusing, then maps the user inside the requested client" },
  'livevox-validate-needs-session': { rule: 'LVX-VALIDATE-NO-HEADERS', what: 'validate answers 401 SESSION_MISSING unless an LV-Session header is sent (any value)' },
  'livevox-password-policy-unchecked': { rule: 'LVX-PASSWORD-POLICY', what: 'any non-empty newPassword is accepted (no length/digit/reuse checks)' },
  'livevox-agent-session-rejected-on-configuration': { rule: 'LVX-CALLCENTERS-AGENT-403', what: 'an Agent session on callCenters answers 401 SESSION_INVALID instead of 403 (agent sessions looked up in the wrong store)' },
  'livevox-login-field-case': { rule: 'LVX-LOGIN-SUCCESS', what: 'the login 200 body names the id sessionID instead of sessionId (everything else unchanged)' },
  'livevox-login-always-new-session': { rule: 'LVX-SAME-TOKEN-SAME-SESSION', what: 'every login creates a new session id, even while a session of the same user and token lives (the old one stays live)' },
  'livevox-any-password-accepted': { rule: 'LVX-LOGIN-WRONG-CREDENTIALS', also: ['LVX-PASSWORD-NEW-CREDENTIALS'], what: 'login looks the user up but never compares the password: any password logs in (change password still checks it)' },
  'livevox-client-name-ignored': { rule: 'LVX-LOGIN-WRONG-CREDENTIALS', what: 'login and change password take the client from the API token; clientName is read but never compared, so any clientName logs in' },
  'livevox-password-change-keeps-old-password': { rule: 'LVX-PASSWORD-NEW-CREDENTIALS', what: 'after a password change the old password still logs in too (a credentials cache that is not invalidated)' },
  'livevox-validate-dead-401': { rule: 'LVX-VALIDATE-DEAD-404', what: 'validate of an unknown, expired or ended session answers 401 SESSION_INVALID instead of 404' },
  'loudvoice-200-for-new-author': { rule: 'LDV-SESSION-201-NEW-AUTHOR', what: 'a session PUT that creates an author answers 200 instead of 201' },
  'loudvoice-allow-create-new-ignored': { rule: 'LDV-SESSION-ALLOW-CREATE-NEW-FALSE-NOTHING-CREATED', what: 'allow_create_new: false still creates the author' },
  'loudvoice-delete-without-confirm': { rule: 'LDV-DELETE-CONFIRM', also: ['LDV-SESSION-DELETE-CONFIRM'], what: 'deletes go through without confirm_deletion=true' },
  'loudvoice-date-format': { rule: 'LDV-DATE-RFC2822', what: 'envelope dates are ISO 8601 instead of RFC 2822' },
  'loudvoice-pagination-total-off-by-one': { rule: 'LDV-PAGINATION-NODE', what: 'total_entries in the pagination node is one too many' },
  'loudvoice-session-token-shared': { rule: 'LDV-TOKEN-UUID-V4', what: 'every new author session reuses the previous author_session_token' },
  'loudvoice-no-expiry': { rule: 'LDV-SESSION-LIST-LIVE-ONLY', what: 'LoudVoice author sessions never expire' },
  'loudvoice-plain-404': { rule: 'LDV-ENVELOPE-EVERY-RESPONSE', what: "unknown paths (with valid credentials) answer fastify's plain default 404 body {\"message\":\"Route GET:/x not found\",\"error\":\"Not Found\",\"statusCode\":404} instead of the envelope" },
  'loudvoice-status-code-mismatch': { rule: 'LDV-ENVELOPE-STATUS', what: "on a 201 answer, the envelope's status.code says 200" },
  'loudvoice-error-with-result': { rule: 'LDV-ENVELOPE-ERROR-NO-RESULT', what: 'error envelopes carry "result": {"data": {}}' },
  'loudvoice-absent-omitted': { rule: 'LDV-NULL-WHEN-ABSENT', what: 'fields whose value is null are omitted from author, author_session, discussion and comment nodes (as a JSON serializer set to drop nulls would)' },
  'loudvoice-resource-without-query': { rule: 'LDV-RESOURCE-ECHO', what: 'request.resource omits the query string' },
  'loudvoice-private-key-unchecked': { rule: 'LDV-AUTH-BASIC-EVERY-CALL', what: 'only the public key (Basic username) is checked; any password passes' },
  'loudvoice-unwrapped-body-accepted': { rule: 'LDV-BODY-WRAPPED-REQUEST', what: 'a body without the top-level "request" node is read as if its top level were the request node (so {"author_session": {...}} works)' },
  'loudvoice-page-size-ignored': { rule: 'LDV-PAGINATION-PARAMS', also: ['LDV-SESSION-LIST-PAGINATED'], what: 'entries_per_page is ignored: every list page holds up to 250 entries and the pagination node says 250' },
  'loudvoice-order-direction-ignored': { rule: 'LDV-PAGINATION-ORDER', what: "order_direction=desc is ignored: lists are always ascending, but the pagination node's order.direction still echoes the requested value" },
  'loudvoice-last-update-set-on-create': { rule: 'LDV-LAST-UPDATE-NULL-WHEN-NEW', what: 'new authors, discussions, comments and author sessions get date_last_update = date_creation instead of null' },
  'loudvoice-session-per-put': { rule: 'LDV-SESSION-ONE-PER-AUTHOR', what: "every session PUT creates a new session with a new token; the author's older sessions stay live and listed (status rules 201/200 unchanged)" },
  'loudvoice-catch-all-route': { rule: 'LDV-ROUTE-NOT-FOUND', what: 'a wildcard route left from a prototype answers any unknown /loudvoice/ path with 200 and an empty result' },
  'loudvoice-reference-parameter-ignored': {
    rule: 'LDV-AUTHOR-READ-BY-REFERENCE',
    also: ['LDV-AUTHOR-UPDATE-BY-REFERENCE', 'LDV-AUTHOR-DELETE-BY-REFERENCE', 'LDV-DISCUSSION-READ-BY-REFERENCE', 'LDV-DISCUSSION-UPDATE-BY-REFERENCE', 'LDV-DISCUSSION-DELETE-BY-REFERENCE', 'LDV-DISCUSSION-COMMENTS-BY-REFERENCE'],
    what: "/loudvoice/authors/author.json?author_reference=X and /loudvoice/discussions/discussion.json?discussion_reference=X (GET, PUT, DELETE, and the by-reference comments list) act on the site's first-created author / discussion, whatever X is (a query parameter read under the wrong name); when the site has none, 404" },
  'loudvoice-discussion-comments-all': { rule: 'LDV-DISCUSSION-COMMENTS-LIST', what: 'the comments list of one discussion returns every comment of the site' },
  'loudvoice-author-update-ignored': { rule: 'LDV-AUTHOR-UPDATE-200', what: 'an author PUT (by token or by reference) answers 200 with the author unchanged and stores nothing' },
  'loudvoice-author-delete-noop': { rule: 'LDV-AUTHOR-DELETE-200', what: 'an author DELETE answers 200 but the author stays' },
  'loudvoice-session-delete-noop': { rule: 'LDV-SESSION-DELETE-200', what: 'a session DELETE answers 200 but the session stays live and listed' },
  'loudvoice-details-sync-ignored': { rule: 'LDV-SESSION-AUTHOR-DETAILS-SYNC', what: "a session PUT for an existing author does not update the author's details (name, email, description, picture_url, website_url stay as they were)" },
  'loudvoice-expires-in-ignored': { rule: 'LDV-SESSION-EXPIRES-IN', what: 'the expires_in sent is ignored: every session gets the default 1209600 s (and says so)' },
  'loudvoice-session-filter-ignored': { rule: 'LDV-SESSION-LIST-FILTER', what: 'the filters parameter of the sessions list is ignored: every live session is listed' },
  'loudvoice-identity-link-ignored': { rule: 'LDV-AUTHOR-IDENTITY-LINK', what: "POST /loudvoice/authors.json with an identity_token stores the token but does not fill name/email/picture_url from the identity's profile (and does not require a name when the identity is given)" },
  'loudvoice-name-not-required': { rule: 'LDV-SESSION-NAME-REQUIRED', also: ['LDV-AUTHOR-CREATE-NAME-REQUIRED'], what: 'a new author may be created without a name (session PUT and POST author); it is stored with name null' },
  'loudvoice-author-token-201': { rule: 'LDV-SESSION-AUTHOR-TOKEN-200', what: 'a session PUT in the author_token variant answers 201 instead of 200' },
  'loudvoice-refresh-not-extending': { rule: 'LDV-SESSION-REFRESH-EXTENDS', what: "a session PUT for an author with a live session updates date_last_update and expires_in but not the expiry: the session still ends expires_in after the PUT that created it" },
  'loudvoice-session-list-includes-expired': { rule: 'LDV-SESSION-LIST-LIVE-ONLY', what: 'expired sessions stay in the sessions list (other behaviour of expiry unchanged)' },
  'loudvoice-discussion-read-by-token-404': { rule: 'LDV-DISCUSSION-READ', what: 'GET /loudvoice/discussions/{token}.json answers 404 RESOURCE_NOT_FOUND for any discussion that has a discussion_reference (looked up in the wrong index)' },
  'loudvoice-discussion-list-skips-closed': { rule: 'LDV-DISCUSSION-LIST', what: 'the discussions list leaves out closed discussions (is_closed true)' },
  'loudvoice-author-list-skips-guests': { rule: 'LDV-AUTHOR-LIST', what: 'the authors list leaves out authors that have no author_reference' },
  'loudvoice-author-read-by-token-404': { rule: 'LDV-AUTHOR-READ', what: 'GET /loudvoice/authors/{token}.json answers 404 for authors that have an author_reference' },
  'loudvoice-session-201-existing-author': { rule: 'LDV-SESSION-200-EXISTING-AUTHOR', what: 'a session PUT in the details variant for an existing author (by author_reference) answers 201 instead of 200' },
  'loudvoice-no-reference-reuses-author': { rule: 'LDV-SESSION-NO-REFERENCE-NEW-AUTHOR', what: 'a details-variant session PUT without author_reference reuses the author created by the previous such PUT (matched by name) and answers 200, instead of creating a new author with 201' },
  'loudvoice-session-expiry-from-creation': { rule: 'LDV-SESSION-NEW-SESSION', what: "a new session's date_expiration is date_creation + 1209600 s whatever expires_in says, while expires_in is echoed as sent" },
} as const;

/** The name of a test-only fault. */
export type FaultName = keyof typeof FAULTS;

/** The faults a server was started with; empty in every normal run. */
export type FaultSet = ReadonlySet<FaultName>;

/** No faults: the default. */
export const NO_FAULTS: FaultSet = new Set();

/** True when `name` is a known fault. */
export const isFaultName = (name: string): name is FaultName => Object.hasOwn(FAULTS, name);
