// The journal file's format (`serve --journal-file`): one entry per line, as GET /__admin/requests shows it. Reading
// checks each line is such an entry, so a gate never passes on a file it misread.
import type { JournalEntry } from './entry.js';
import { GateInputError } from './gate-input-error.js';

/** One entry as a line of the journal file (with its line break). */
export const entryLine = (entry: JournalEntry): string => `${JSON.stringify(entry)}\n`;

/** True when the value has the fields every reader of an entry relies on. */
function isEntry(v: unknown): v is JournalEntry {
  const e = v as JournalEntry | null;
  return (
    typeof e === 'object' &&
    e !== null &&
    typeof e.id === 'string' &&
    typeof e.wallTime === 'string' &&
    typeof e.durationMs === 'number' &&
    (e.api === null || e.api === 'livevox' || e.api === 'loudvoice') &&
    typeof e.request?.method === 'string' &&
    typeof e.request.path === 'string' &&
    typeof e.request.query === 'string' &&
    typeof e.request.headers === 'object' &&
    typeof e.response?.status === 'number' &&
    typeof e.response.headers === 'object' &&
    Array.isArray(e.verdict?.request) &&
    Array.isArray(e.verdict.response) &&
    Array.isArray(e.verdict.unchecked)
  );
}

/**
 * The entries of a journal file, and warnings. A last line cut short (a server killed mid-write, not stopped) is
 * skipped with a warning; any other line that is not an entry is an error naming it.
 */
export function parseJournalLines(text: string, name: string): { entries: JournalEntry[]; warnings: string[] } {
  const entries: JournalEntry[] = [];
  const warnings: string[] = [];
  const lines = text.split('\n');
  for (const [i, line] of lines.entries()) {
    if (line.trim() === '') continue;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      if (i === lines.length - 1) {
        warnings.push(`${name}: its last line is cut short (was the server killed rather than stopped?); that exchange is not checked`);
        continue;
      }
      throw new GateInputError(`${name} line ${i + 1} is not JSON: is it a file written by serve --journal-file?`);
    }
    if (!isEntry(value)) throw new GateInputError(`${name} line ${i + 1} is not a journal entry: is it a file written by serve --journal-file?`);
    entries.push(value);
  }
  return { entries, warnings };
}
