// The e-mail address rule, in one place: an owner_email at ingest and any address the program sends to are
// checked by this pure function, so that what the ledger records is byte for byte what RCPT TO is given.

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
