// The partner's assignment file (collect.assignments): which account manager, locale and segment each customer
// has. Partner Center does not know a customer's account manager, so the partner keeps this list as CSV.
import { readFileSync } from 'node:fs';
import { UserError } from '../errors.js';
import type { AssignmentRow } from './plan.js';
import { GUID } from '../ingest/values.js';

/** A small RFC 4180 reader for the assignment file. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  const s = text.replace(/^\uFEFF/, '');
  for (let i = 0; i < s.length; i++) {
    const ch = s[i]!;
    if (quoted) {
      // Inside quotes only a lone quote ends the field; a doubled one stands for itself.
      if (ch === '"' && s[i + 1] !== '"') quoted = false;
      else {
        field += ch;
        if (ch === '"') i++;
      }
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      row.push(field);
      field = '';
    } else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && s[i + 1] === '\n') i++;
      row.push(field);
      if (row.some((f) => f !== '')) rows.push(row);
      row = [];
      field = '';
    } else field += ch;
  }
  row.push(field);
  if (row.some((f) => f !== '')) rows.push(row);
  return rows;
}

/** Pure: the assignment rows by lower-case customer (tenant) id; a missing column or a bad id is a UserError. */
export function parseAssignments(text: string, file: string): Map<string, AssignmentRow> {
  const out = new Map<string, AssignmentRow>();
  const [header, ...rows] = parseCsv(text);
  const cols = (header ?? []).map((h) => h.trim().toLowerCase());
  const at = (name: string) => cols.indexOf(name);
  for (const name of ['customer_id', 'owner_email']) {
    if (at(name) < 0)
      throw new UserError(
        `collect.assignments ${file}: line 1 has no column "${name}" (columns: customer_id, owner_email, locale, segment)`,
      );
  }
  rows.forEach((r, i) => {
    const id = (r[at('customer_id')] ?? '').trim().toLowerCase();
    if (!GUID.test(id))
      throw new UserError(
        `collect.assignments ${file}: line ${i + 2}, column "customer_id": "${r[at('customer_id')] ?? ''}" is not a tenant GUID`,
      );
    out.set(id, {
      owner_email: (r[at('owner_email')] ?? '').trim(),
      locale: at('locale') >= 0 ? (r[at('locale')] ?? '').trim() : '',
      segment: at('segment') >= 0 ? (r[at('segment')] ?? '').trim() : '',
    });
  });
  return out;
}

/** The assignment file's rows; none when collect.assignments is not set. */
export function readAssignments(file: string | null): Map<string, AssignmentRow> {
  if (!file) return new Map();
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new UserError(
      `collect.assignments ${file}: ${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'file not found' : (err as Error).message}`,
    );
  }
  return parseAssignments(text, file);
}
