// The values of Partner Center's price files as text: term lengths, SkuIds that Excel may have stripped of their
// zeros, the three date formats Microsoft shows, and decimal prices. Pure.

/** Months in a term; undefined for a term the job cannot divide (P3Y is divided by 36, flagged by the caller). */
export function termMonths(term: string): number | undefined {
  return { P1M: 1, P1Y: 12, P3Y: 36 }[term.trim().toUpperCase()];
}

/** SkuIds are text ('000P', '00G1'); a purely numeric one shorter than 4 characters lost its zeros (Excel). */
export function normaliseSkuId(v: string): string {
  const s = v.trim().toUpperCase();
  return /^\d{1,3}$/.test(s) ? s.padStart(4, '0') : s;
}

const pad = (n: number | string, w = 2) => String(n).padStart(w, '0');

function validDate(y: number, m: number, d: number): boolean {
  const t = new Date(Date.UTC(y, m - 1, d));
  return t.getUTCFullYear() === y && t.getUTCMonth() === m - 1 && t.getUTCDate() === d;
}

/**
 * A price-list date as 'YYYY-MM-DD HH:MM:SS' (UTC), from the three formats Microsoft shows: '2/1/2019 12:00:00 AM',
 * '2/1/2023 0:00' (month first), '2021-10-01T00:00:00.0000000Z'. Undefined when it is none of them.
 */
export function parsePriceDate(v: string): string | undefined {
  const s = v.trim();
  let y: number, mo: number, d: number;
  let h = 0,
    mi = 0,
    sec = 0;
  const us = /^(\d{1,2})\/(\d{1,2})\/(\d{4})(?:\s+(\d{1,2}):(\d{2})(?::(\d{2}))?\s*(AM|PM)?)?$/i.exec(s);
  const iso =
    /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?\s*(?:Z|[+-]00:?00)?)?$/i.exec(s);
  if (us) {
    [mo, d, y] = [Number(us[1]), Number(us[2]), Number(us[3])];
    if (us[4] !== undefined) {
      h = Number(us[4]);
      mi = Number(us[5]);
      sec = Number(us[6] ?? 0);
      const ampm = us[7]?.toUpperCase();
      if (ampm) {
        if (h < 1 || h > 12) return undefined;
        h = (h % 12) + (ampm === 'PM' ? 12 : 0);
      }
    }
  } else if (iso) {
    [y, mo, d] = [Number(iso[1]), Number(iso[2]), Number(iso[3])];
    if (iso[4] !== undefined) {
      h = Number(iso[4]);
      mi = Number(iso[5]);
      sec = Number(iso[6] ?? 0);
    }
  } else {
    return undefined;
  }
  if (!validDate(y, mo, d) || h > 23 || mi > 59 || sec > 59) return undefined;
  return `${pad(y, 4)}-${pad(mo)}-${pad(d)} ${pad(h)}:${pad(mi)}:${pad(sec)}`;
}

/** A decimal with a dot ('115.2', '48'); undefined for anything else (a comma decimal is not guessed at). */
export function parsePrice(v: string): number | undefined {
  const s = v.trim();
  return /^-?\d+(\.\d+)?$/.test(s) ? Number(s) : undefined;
}
