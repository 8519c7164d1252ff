// The value rules of the exports, each in one place: e-mail addresses, GUIDs, ISO dates, counts and booleans.
// An owner_email at ingest and any address the program sends to are checked by the same pure function, so that
// what the ledger records is byte for byte what RCPT TO is given.

export type AddressCheck = { ok: true; address: string } | { ok: false; reason: string };

// RFC 5322 atext, without the quoted forms: an unquoted local part of these characters, dot-separated.
const ATEXT = "[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+";
const LOCAL = new RegExp(`^${ATEXT}(?:\\.${ATEXT})*$`);
// Host names: letters, digits and hyphens (no leading or trailing hyphen), at least two labels, a non-numeric TLD.
const LABEL = '[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?';
const DOMAIN = new RegExp(`^(?:${LABEL}\\.)+[A-Za-z](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?$`);

/**
 * Exactly one plain address (`local@domain`), lower-cased, or why not. Spaces and tabs around it are the CSV's
 * and are dropped; anything else is refused rather than guessed at: lists (`a@x, b@x`), groups (`team: b@x;`),
 * display names (`Ana <a@x>`), comments (`a@x (c)`), quoted local parts, inner or invisible whitespace.
 */
export function checkEmailAddress(raw: string): AddressCheck {
  const text = raw.replace(/^[ \t]+|[ \t]+$/g, '');
  const no = (reason: string): AddressCheck => ({ ok: false, reason });
  if (text === '') return no('is empty');
  // Control, whitespace and invisible format characters (zero-width, bidi, BOM, NBSP) anywhere.
  if (/[\s\p{Cc}\p{Cf}\u00a0\u2000-\u200f\u2028-\u202f\u205f-\u206f\ufeff]/u.test(text))
    return no('holds whitespace or invisible characters inside it');
  if (/[,;]/.test(text)) return no('holds more than one address (a "," or ";")');
  if (/[<>]/.test(text)) return no('is a display-name form ("Name <address>"): give the address alone');
  if (/[()]/.test(text)) return no('holds a comment in parentheses');
  if (text.includes(':')) return no('is a group or a route ("name: address;")');
  if (text.includes('"') || text.includes('\\')) return no('has a quoted local part');
  const at = text.split('@');
  if (at.length !== 2) return no(at.length === 1 ? 'has no "@"' : 'has more than one "@"');
  const [local, domain] = at as [string, string];
  if (text.length > 254 || local.length > 64) return no('is too long for an e-mail address');
  if (!LOCAL.test(local)) return no(`has a local part ("${local}") that is not a plain one`);
  if (!DOMAIN.test(domain)) return no(`has a domain ("${domain}") that is not a host name`);
  return { ok: true, address: text.toLowerCase() };
}

export function isEmailAddress(raw: string): boolean {
  return checkEmailAddress(raw).ok;
}

const GUID_TEXT = '[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}';
/** Exactly a GUID, in either case, with nothing around it (configuration and assignment files). */
export const GUID = new RegExp(`^${GUID_TEXT}$`);
// Exports write GUIDs with or without braces ({...}, as .NET prints them).
const GUID_IN_EXPORT = new RegExp(`^\\{?(${GUID_TEXT})\\}?$`);

/** A GUID as exports write it, trimmed, out of any braces and in lower case; undefined when it is not one. */
export function normaliseGuid(v: unknown): string | undefined {
  if (typeof v !== 'string') return undefined;
  const m = GUID_IN_EXPORT.exec(v.trim());
  return m ? m[1]!.toLowerCase() : undefined;
}

/** 'YYYY-MM-DD' from an ISO date or date-time ('2018-10-14T00:00:00'); undefined when it is not one. */
export function isoDatePart(v: unknown): string | undefined {
  if (typeof v !== 'string') return undefined;
  const m = /^(\d{4}-\d{2}-\d{2})(?:[T ][0-9:.]+(?:Z|[+-]\d{2}:?\d{2})?)?$/.exec(v.trim());
  if (!m) return undefined;
  const day = new Date(`${m[1]}T00:00:00Z`);
  return !Number.isNaN(day.getTime()) && day.toISOString().slice(0, 10) === m[1] ? m[1] : undefined;
}

/** An ISO date-time as 'YYYY-MM-DD HH:MM:SS' in UTC; undefined when it is not one. */
export function isoTimestampUtc(v: unknown): string | undefined {
  if (typeof v !== 'string' || !/^\d{4}-\d{2}-\d{2}T/.test(v.trim())) return undefined;
  const s = v.trim();
  // No offset means UTC (Partner Center's customTermEndDate is written so).
  const t = new Date(/(Z|[+-]\d{2}:?\d{2})$/.test(s) ? s : `${s}Z`);
  return Number.isNaN(t.getTime()) ? undefined : t.toISOString().slice(0, 19).replace('T', ' ');
}

/** A whole number of at least 0 (a licence count), from a number or its text; undefined when it is not one. */
export function readCount(v: unknown): number | undefined {
  const n = typeof v === 'string' && v.trim() !== '' ? Number(v) : v;
  return typeof n === 'number' && Number.isInteger(n) && n >= 0 ? n : undefined;
}

/** true/false as exports write them (true, "True", "1", "yes", 1; absent is false); undefined when it is neither. */
export function readBoolean(v: unknown): boolean | undefined {
  if (typeof v === 'boolean') return v;
  if (typeof v === 'string') {
    const s = v.trim().toLowerCase();
    if (['true', '1', 'yes'].includes(s)) return true;
    if (['false', '0', 'no', ''].includes(s)) return false;
  }
  if (v === 1) return true;
  if (v === 0 || v === null || v === undefined) return false;
  return undefined;
}
