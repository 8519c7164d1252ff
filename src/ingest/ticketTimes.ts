// The help desk's `opened_at`: ISO 8601 as most help desks export it, or one format the operator configures for
// those that export something else. Never a guess between day-first and month-first: a value that is not in the
// expected shape is refused with the reason, and the row is set aside. Pure.
import { instantsOf } from '../schedule/dueTimes.js';

export type ParsedTime = { ok: true; utc: string } | { ok: false; reason: string };

interface Parts {
  y: number;
  mo: number;
  d: number;
  h: number;
  mi: number;
  s: number;
  ms: number;
  /** minutes east of UTC; undefined when the value has no offset (a local time of the configured zone) */
  offset?: number;
}

const ISO =
  /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?)?\s*(Z|[+-]\d{2}(?::?\d{2})?)?$/i;

// A token's letter names the part; doubled it is that many digits, single one or two (YYYY four). A or a: AM/PM.
const PART_OF_LETTER: Record<string, keyof Parts> = {
  Y: 'y',
  M: 'mo',
  D: 'd',
  H: 'h',
  h: 'h',
  m: 'mi',
  s: 's',
};

function tokenPattern(token: string): { re: string; key: keyof Parts | 'ampm' } {
  if (token === 'A' || token === 'a') return { re: token === 'A' ? '(AM|PM)' : '(am|pm)', key: 'ampm' };
  return {
    re: token.length === 1 ? '(\\d{1,2})' : `(\\d{${token.length}})`,
    key: PART_OF_LETTER[token[0]!]!,
  };
}

const TOKEN_RE = /YYYY|MM|M|DD|D|HH|H|hh|h|mm|ss|A|a/g;

export interface TimeFormat {
  /** the format as configured, for messages */
  text: string;
  re: RegExp;
  keys: (keyof Parts | 'ampm')[];
  twelveHour: boolean;
}

/**
 * Compiles a format such as `MM/DD/YYYY hh:mm A` (tokens YYYY, MM/M, DD/D, HH/H, hh/h with A or a, mm, ss; every
 * other character literal). Returns why the format cannot work instead, for the configuration check.
 */
export function compileTimeFormat(text: string): TimeFormat | string {
  const keys: TimeFormat['keys'] = [];
  let re = '';
  let last = 0;
  for (const m of text.matchAll(TOKEN_RE)) {
    re += text.slice(last, m.index).replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    const token = tokenPattern(m[0]);
    re += token.re;
    keys.push(token.key);
    last = m.index + m[0].length;
  }
  re += text.slice(last).replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  for (const k of ['y', 'mo', 'd'] as const)
    if (!keys.includes(k)) return `must hold a year (YYYY), a month (MM) and a day (DD): "${text}"`;
  if (new Set(keys).size !== keys.length) return `names a part twice: "${text}"`;
  const twelveHour = /hh?/.test(text.replace(/HH?/g, ''));
  if (twelveHour !== keys.includes('ampm'))
    return `a 12-hour hour (hh) needs AM/PM (A), and AM/PM needs hh: "${text}"`;
  return { text, re: new RegExp(`^${re}$`, text.includes('a') ? '' : 'i'), keys, twelveHour };
}

function daysIn(y: number, mo: number): number {
  return new Date(Date.UTC(y, mo, 0)).getUTCDate();
}

function check(p: Parts): string | null {
  if (p.mo < 1 || p.mo > 12) return `month ${p.mo} does not exist`;
  if (p.d < 1 || p.d > daysIn(p.y, p.mo)) return `${p.y}-${String(p.mo).padStart(2, '0')} has no day ${p.d}`;
  if (p.h > 23 || p.mi > 59 || p.s > 59) return 'the time of day does not exist';
  if (p.offset !== undefined && Math.abs(p.offset) > 14 * 60) return 'the UTC offset is out of range';
  return null;
}

function toUtc(p: Parts, timeZone: string): ParsedTime {
  const problem = check(p);
  if (problem) return { ok: false, reason: problem };
  let ms: number;
  if (p.offset !== undefined) {
    ms = Date.UTC(p.y, p.mo - 1, p.d, p.h, p.mi, p.s, p.ms) - p.offset * 60_000;
  } else {
    // A local time of the configured zone; in the autumn's repeated hour the first of the two instants.
    const at = instantsOf({ y: p.y, mo: p.mo, d: p.d, h: p.h, mi: p.mi, s: p.s }, timeZone);
    if (at.length === 0)
      return { ok: false, reason: `is a local time that does not exist in ${timeZone} (the clocks jumped)` };
    ms = at[0]! + p.ms;
  }
  return { ok: true, utc: new Date(ms).toISOString() };
}

function parseOffset(text: string | undefined): number | undefined {
  if (!text) return undefined;
  if (text.toUpperCase() === 'Z') return 0;
  const m = /^([+-])(\d{2}):?(\d{2})?$/.exec(text)!;
  return (m[1] === '-' ? -1 : 1) * (Number(m[2]) * 60 + Number(m[3] ?? 0));
}

/**
 * `raw` as a UTC instant. With no format: ISO 8601, a date (midnight) or a date-time with `T` or a space, seconds
 * and fractions optional, with `Z`, an offset, or none (then a local time of `timeZone`). With a format: only that.
 */
export function parseOpenedAt(
  raw: string | null,
  options: { format: TimeFormat | null; timeZone: string },
): ParsedTime {
  const value = (raw ?? '').trim();
  if (value === '') return { ok: false, reason: 'is empty' };
  const fmt = options.format;
  if (!fmt) {
    const m = ISO.exec(value);
    if (!m)
      return {
        ok: false,
        reason: `"${value}" is not an ISO 8601 date-time (such as 2026-11-20T09:30:00Z); set tickets.openedAtFormat for another format`,
      };
    const parts: Parts = {
      y: Number(m[1]),
      mo: Number(m[2]),
      d: Number(m[3]),
      h: Number(m[4] ?? 0),
      mi: Number(m[5] ?? 0),
      s: Number(m[6] ?? 0),
      ms: Math.floor(Number(`0.${m[7] ?? '0'}`) * 1000),
      offset: parseOffset(m[8]),
    };
    const r = toUtc(parts, options.timeZone);
    return r.ok ? r : { ok: false, reason: `"${value}": ${r.reason}` };
  }
  const m = fmt.re.exec(value);
  if (!m) return { ok: false, reason: `"${value}" does not match tickets.openedAtFormat "${fmt.text}"` };
  const parts: Parts = { y: 0, mo: 0, d: 0, h: 0, mi: 0, s: 0, ms: 0 };
  let pm: boolean | undefined;
  fmt.keys.forEach((k, i) => {
    const v = m[i + 1]!;
    if (k === 'ampm') pm = v.toUpperCase() === 'PM';
    else if (k !== 'offset') parts[k] = Number(v);
  });
  if (fmt.twelveHour) {
    if (parts.h < 1 || parts.h > 12)
      return { ok: false, reason: `"${value}": hour ${parts.h} is not a 12-hour hour` };
    parts.h = (parts.h % 12) + (pm ? 12 : 0);
  }
  const r = toUtc(parts, options.timeZone);
  return r.ok ? r : { ok: false, reason: `"${value}": ${r.reason}` };
}

/**
 * The line each CSV record starts on (1-based), header included, in order: quoted fields may span lines, blank
 * lines hold no record. Lets rows read by DuckDB be named by their line in messages.
 */
export function recordStartLines(bytes: Buffer): number[] {
  const out: number[] = [];
  let line = 1;
  let inQuotes = false;
  let started = false;
  let start = 1;
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i]!;
    if (b === 0x22) {
      if (!started) {
        started = true;
        start = line;
      }
      inQuotes = !inQuotes;
    } else if (b === 0x0a) {
      if (!inQuotes && started) {
        out.push(start);
        started = false;
      }
      line++;
    } else if (
      !inQuotes &&
      !started &&
      b !== 0x0d &&
      b !== 0x20 &&
      b !== 0x09 &&
      b !== 0xef &&
      b !== 0xbb &&
      b !== 0xbf
    ) {
      started = true;
      start = line;
    }
  }
  if (started) out.push(start);
  return out;
}
