import type { PageRequest } from '../../core/loudvoice/inputs.js';
import { fail, ok, type Result } from '../../core/result.js';
import { isUuid } from '../../core/uuid.js';
import type { ErrorCode } from '../../generated/loudvoice-catalogue.js';

/** The parsed query string: a repeated parameter arrives as an array, which no parameter here accepts. */
export type Query = Record<string, string | string[] | undefined>;

const invalid = (parameter: string, reason: string) => fail('PARAMETER_INVALID', { parameter, reason });

/** One value of a parameter: absent, a single string, or `null` when it was sent more than once. */
const single = (query: Query, name: string): string | undefined | null => {
  const value = query[name];
  return Array.isArray(value) ? null : value;
};

/**
 * page, entries_per_page and order_direction, refused rather than clamped when out of range (LDV-PAGINATION-PARAMS);
 * `capped` is the test-only loudvoice-page-size-capped variant, which never refuses them.
 */
export function readPage(query: Query, capped = false): Result<PageRequest, ErrorCode> {
  const page = single(query, 'page');
  const perPage = single(query, 'entries_per_page');
  const direction = single(query, 'order_direction');
  if (capped) return ok(cappedPage(page, perPage, direction));
  let pageNumber = 1;
  if (page !== undefined) {
    // Any number of digits: a page past the largest exact integer is out of range, not "not an integer".
    pageNumber = page !== null && /^[0-9]+$/.test(page) ? Number(page) : 0;
    if (pageNumber < 1 || pageNumber > Number.MAX_SAFE_INTEGER) return invalid('page', `an integer from 1 to ${Number.MAX_SAFE_INTEGER} is expected`);
  }
  let entriesPerPage = 250;
  if (perPage !== undefined) {
    entriesPerPage = perPage !== null && /^[0-9]{1,3}$/.test(perPage) ? Number(perPage) : 0;
    if (entriesPerPage < 1 || entriesPerPage > 500) return invalid('entries_per_page', 'an integer between 1 and 500 is expected');
  }
  if (direction !== undefined && direction !== 'asc' && direction !== 'desc') return invalid('order_direction', 'asc or desc is expected');
  return ok({ page: pageNumber, entriesPerPage, direction: direction ?? 'asc' });
}

/**
 * What OneAll's PHP SDK does client-side (Pagination.php): entries_per_page above 500 becomes 500, below 1 or not an
 * integer 250; page below 1 or not an integer 1; an unknown order_direction asc. A repeated parameter is not an
 * integer either. The values used are what the pagination node reports.
 */
function cappedPage(page: string | undefined | null, perPage: string | undefined | null, direction: string | undefined | null): PageRequest {
  const integer = (raw: string | undefined | null) => (typeof raw === 'string' && /^[+-]?[0-9]+$/.test(raw) ? Number(raw) : Number.NaN);
  const p = integer(page);
  const e = integer(perPage);
  return {
    page: p >= 1 ? Math.min(p, Number.MAX_SAFE_INTEGER) : 1,
    entriesPerPage: e > 500 ? 500 : e >= 1 ? e : 250,
    direction: direction === 'desc' ? 'desc' : 'asc',
  };
}

/** The sessions list filter: only author_token:eq:<uuid> (LDV-SESSION-LIST-FILTER-UNSUPPORTED). */
export function readSessionFilter(query: Query): Result<string | undefined, ErrorCode> {
  const value = query['filters'];
  if (value === undefined) return ok(undefined);
  const text = Array.isArray(value) ? value.join(',') : value;
  const match = /^author_token:eq:(.*)$/.exec(text);
  if (!match || !isUuid(match[1]!)) return fail('FILTER_UNSUPPORTED', { filter: text });
  return ok(match[1]!.toLowerCase());
}

/** author_reference or discussion_reference in the query: required and non-empty. */
export function readReference(query: Query, name: 'author_reference' | 'discussion_reference'): Result<string, ErrorCode> {
  const value = single(query, name);
  if (typeof value !== 'string' || value === '') return invalid(name, 'a non-empty value is expected');
  return ok(value);
}

/** confirm_deletion must be exactly "true", or nothing is deleted (LDV-DELETE-CONFIRM). */
export function readConfirmDeletion(query: Query): Result<true, ErrorCode> {
  return single(query, 'confirm_deletion') === 'true' ? ok(true) : fail('CONFIRM_DELETION_REQUIRED');
}

/** delete_sub_comments: "true" or "false" (default). */
export function readDeleteSubComments(query: Query): Result<boolean, ErrorCode> {
  const value = single(query, 'delete_sub_comments');
  if (value === undefined || value === 'false') return ok(false);
  if (value === 'true') return ok(true);
  return invalid('delete_sub_comments', 'true or false is expected');
}
