import type { Pageable } from './creation-order.js';
import type { PageRequest } from './inputs.js';

/** One page of a list, in the shape of the contract's pagination node (LDV-PAGINATION-NODE). */
export interface Page<T> {
  currentPage: number;
  totalPages: number;
  entriesPerPage: number;
  totalEntries: number;
  direction: 'asc' | 'desc';
  entries: T[];
}

/**
 * Cuts one page out of items kept in creation order (which is date_creation order, the clock never going back),
 * touching and mapping only the entries on the page. total_pages is 0 for an empty list; a page past the end is empty.
 */
export function paginate<S, T>(items: Pageable<S>, request: PageRequest, map: (item: S) => T): Page<T> {
  const total = items.size;
  const start = (request.page - 1) * request.entriesPerPage;
  const entries = items.slice(request.direction, start, request.entriesPerPage).map(map);
  return {
    currentPage: request.page,
    totalPages: Math.ceil(total / request.entriesPerPage),
    entriesPerPage: request.entriesPerPage,
    totalEntries: total,
    direction: request.direction,
    entries,
  };
}
