// What every JSON export of a drop shares (DESIGN.md §2, formats.md §1, §2, §4): reading the file (an empty or
// unparseable one is set aside, naming its line), the envelope its items come in, fields by name in any case, and
// the issue for an item set aside, naming its JSON path and field. Each source's parser is in sources/.
import { readFile } from 'node:fs/promises';
import type { DropFile } from './drop.js';
import type { LoadIssue } from './issues.js';
import type { FileOutcome } from './loadLedger.js';
import { normaliseGuid, readBoolean, readCount } from './values.js';

// The command line still imports the GUID rule from here; the rule itself lives in values.ts.

export type JsonObject = Record<string, unknown>;

export interface Parsed<T> {
  rows: T[];
  issues: LoadIssue[];
  /** items of excluded (free/viral) SKUs, by part number */
  excluded: Map<string, number>;
}

export function countExcluded(parsed: Parsed<unknown>, partNumber: string): void {
  parsed.excluded.set(partNumber, (parsed.excluded.get(partNumber) ?? 0) + 1);
}

/** Sets the item aside with a bad_value issue naming its JSON path and the field; returns undefined to return with. */
export type RejectItem = (fieldName: string, message: string, customerId?: string) => undefined;

/** Notes (info) that the item names a product the catalogue lacks, at the field naming it; its row is not kept. */
export type IgnoreItem = (
  code: 'unknown_sku' | 'unknown_offer',
  fieldName: string,
  message: string,
  customerId?: string,
) => undefined;

/** The array of items in an export envelope: {"value": [...]}, {"Value": [...]}, {"items": [...]} or a bare array. */
function envelope(
  json: unknown,
  file: string,
  keys: string[],
  issues: LoadIssue[],
): { items: JsonObject[]; path: string } | undefined {
  if (Array.isArray(json)) return { items: json as JsonObject[], path: '' };
  if (json && typeof json === 'object') {
    const o = json as JsonObject;
    for (const k of keys) {
      if (Array.isArray(o[k])) {
        const next = o['@odata.nextLink'] ?? o['@nextLink'] ?? o['nextLink'];
        if (typeof next === 'string' && next.length > 0) {
          issues.push({
            severity: 'warning',
            code: 'paging_unfinished',
            file,
            column: o['@odata.nextLink'] ? '@odata.nextLink' : '@nextLink',
            message:
              'has a next-page link: the export stopped before the last page, so this file is incomplete',
          });
        }
        return { items: o[k] as JsonObject[], path: k };
      }
    }
  }
  issues.push({
    severity: 'error',
    code: 'json_shape',
    file,
    message: `is not the expected shape: wanted an object with an array under ${keys.map((k) => `"${k}"`).join(' or ')}`,
  });
  return undefined;
}

export function field(o: JsonObject, ...names: string[]): unknown {
  for (const n of names) if (o[n] !== undefined) return o[n];
  // Exports are not always consistent about case (e.g. "Status" in Partner Center's suspend example).
  const lower = new Map(Object.keys(o).map((k) => [k.toLowerCase(), k]));
  for (const n of names) {
    const k = lower.get(n.toLowerCase());
    if (k !== undefined) return o[k];
  }
  return undefined;
}

// The value rules a field of an item is read by, and how an issue names what the value is not.
const FIELD_RULES = {
  count: { read: readCount, is: 'a licence count' },
  boolean: { read: readBoolean, is: 'a boolean' },
  guid: { read: normaliseGuid, is: 'a GUID' },
};
type FieldRules = typeof FIELD_RULES;

/** A field read by its value rule, or undefined with the item set aside ("is not a licence count: -3"). */
export function checkedField<R extends keyof FieldRules>(
  item: JsonObject,
  name: string,
  rule: R,
  reject: RejectItem,
  customerId?: string,
): ReturnType<FieldRules[R]['read']> {
  const { read, is } = FIELD_RULES[rule];
  const value =
    read(field(item, name)) ?? reject(name, `is not ${is}: ${JSON.stringify(field(item, name))}`, customerId);
  return value as ReturnType<FieldRules[R]['read']>;
}

/**
 * Parses the items of an export envelope: `visit` sees each item with its JSON path, and adds its row (or issues)
 * to `out`; items that are not objects are set aside.
 */
export function parseItems<T>(
  json: unknown,
  file: string,
  keys: string[],
  customerId: string | undefined,
  visit: (item: JsonObject, path: string, reject: RejectItem, out: Parsed<T>, ignore: IgnoreItem) => void,
): Parsed<T> {
  const out: Parsed<T> = { rows: [], issues: [], excluded: new Map() };
  const env = envelope(json, file, keys, out.issues);
  if (!env) return out;
  env.items.forEach((item, i) => {
    const path = `${env.path}[${i}]`;
    const reject: RejectItem = (fieldName, message, itemCustomerId) => {
      out.issues.push({
        severity: 'error',
        code: 'bad_value',
        file,
        column: `${path}.${fieldName}`,
        customerId: itemCustomerId,
        message,
      });
      return undefined;
    };
    const ignore: IgnoreItem = (code, fieldName, message, itemCustomerId) => {
      out.issues.push({
        severity: 'info',
        code,
        file,
        column: `${path}.${fieldName}`,
        customerId: itemCustomerId,
        message,
      });
      return undefined;
    };
    if (!item || typeof item !== 'object') return reject('', 'is not an object', customerId);
    visit(item, path, reject, out, ignore);
  });
  return out;
}

/** A JSON file of the drop, parsed; undefined (with an issue naming the file, and the line) when it cannot be. */
export async function readJsonFile(file: DropFile, issues: LoadIssue[]): Promise<unknown> {
  const text = (file.content ? file.content.toString('utf8') : await readFile(file.abs, 'utf8')).replace(
    /^\uFEFF/,
    '',
  );
  file.content = undefined; // parsed once; let it go
  if (text.trim() === '') {
    issues.push({ severity: 'error', code: 'empty_file', file: file.rel, message: 'is empty; set aside' });
    return undefined;
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    const msg = (err as Error).message;
    issues.push({
      severity: 'error',
      code: 'bad_json',
      file: file.rel,
      line: jsonErrorLine(text, msg),
      message: `is not valid JSON (${msg.split(' while parsing')[0]}); set aside`,
    });
    return undefined;
  }
}

/**
 * The line of a JSON.parse error. Newer V8 says "position N" or "(line L column C)"; Node 20 only quotes the
 * text around the error ("…"status": }" is not valid JSON), which is found in the file.
 */
export function jsonErrorLine(text: string, message: string): number | undefined {
  const lineCol = /\(line (\d+) column \d+\)/.exec(message);
  if (lineCol) return Number(lineCol[1]);
  const pos = /position (\d+)/.exec(message);
  if (pos) return text.slice(0, Number(pos[1])).split('\n').length;
  const quoted = /"(?:\.\.\.)?([\s\S]+?)(?:\.\.\.)?" is not valid JSON/.exec(message)?.[1];
  if (quoted) {
    const at = text.indexOf(quoted);
    if (at >= 0) return text.slice(0, at + quoted.length).split('\n').length;
  }
  if (/Unexpected end of JSON input/.test(message)) return text.split('\n').length;
  return undefined;
}

/**
 * Reads and parses one JSON file of the drop: its rows (those `keep` accepts) and issues, or the whole file set aside
 * when it is not JSON or not the expected shape.
 */
export async function parseJsonFile<T>(
  file: DropFile,
  parse: (json: unknown) => Parsed<T>,
  keep: (row: T) => boolean = () => true,
): Promise<{ rows: T[]; issues: LoadIssue[]; excluded: Map<string, number>; outcome: FileOutcome }> {
  const issues: LoadIssue[] = [];
  const setAside = { loaded: 0, rejected: 0, status: 'set_aside' as const };
  const json = await readJsonFile(file, issues);
  if (json === undefined) return { rows: [], issues, excluded: new Map(), outcome: setAside };
  const parsed = parse(json);
  issues.push(...parsed.issues);
  if (parsed.issues.some((i) => i.code === 'json_shape'))
    return { rows: [], issues, excluded: parsed.excluded, outcome: setAside };
  const rows = parsed.rows.filter(keep);
  const rejected = parsed.issues.filter((i) => i.severity === 'error').length;
  return {
    rows,
    issues,
    excluded: parsed.excluded,
    outcome: { loaded: rows.length, rejected, status: 'loaded' },
  };
}
