// The issues both Graph per-user reports raise (the user detail and the Copilot usage report), worded once.
import type { LoadIssue } from '../issues.js';

/** One error per required column that some rows leave empty (those rows are set aside), by column. */
export function emptyValueIssues(
  file: string,
  emptyRows: readonly (readonly [string, unknown])[],
): LoadIssue[] {
  return emptyRows
    .filter(([, n]) => Number(n) > 0)
    .map(([column, n]) => ({
      severity: 'error',
      code: 'empty_required_value',
      file,
      column,
      message: `${String(n)} row(s) have no value; set aside`,
    }));
}

/** The warning for rows that repeat a user already listed (each user is counted once). */
export function duplicateUserIssue(file: string, rows: unknown): LoadIssue {
  return {
    severity: 'warning',
    code: 'duplicate_user',
    file,
    column: 'User Principal Name',
    message: `${String(rows)} row(s) repeat a user already listed; each user is counted once (the row with the newest activity)`,
  };
}
