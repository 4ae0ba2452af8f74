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
 * Cuts one page out of items already in creation order (which is date_creation order, the clock never going back),
 * mapping only the entries on the page. total_pages is 0 for an empty list; a page past the end is empty.
 */
export function paginate<S, T>(items: readonly S[], request: PageRequest, map: (item: S) => T): Page<T> {
  const total = items.length;
  const start = (request.page - 1) * request.entriesPerPage;
  const entries: T[] = [];
  for (let i = start; i < Math.min(total, start + request.entriesPerPage); i++) {
    entries.push(map(items[request.direction === 'asc' ? i : total - 1 - i]!));
  }
  return {
    currentPage: request.page,
    totalPages: Math.ceil(total / request.entriesPerPage),
    entriesPerPage: request.entriesPerPage,
    totalEntries: total,
    direction: request.direction,
    entries,
  };
}
