// The languages the digest and workbooks are written in, and how a locale tag as people write it maps to one.
import type { Locale } from './render/email.js';

/**
 * The supported locale a BCP 47 tag asks for, or null: `en`, `en-US`, `en-GB` → en; `zh`, `zh-Hans`, `zh-CN`,
 * `zh-Hans-CN`, `zh-SG` → zh-CN (Simplified Chinese). Traditional Chinese (`zh-TW`, `zh-Hant`) is not Simplified, so
 * it is not matched to it. Case and `_` for `-` are forgiven, as people write them.
 */
export function matchLocale(tag: string | null | undefined): Locale | null {
  const text = (tag ?? '').trim().replace(/_/g, '-');
  if (!text) return null;
  let full: Intl.Locale;
  try {
    // maximize() adds the likely script and region: zh → zh-Hans-CN, zh-TW → zh-Hant-TW.
    full = new Intl.Locale(text).maximize();
  } catch {
    return null;
  }
  if (full.language === 'en') return 'en';
  if (full.language === 'zh' && full.script === 'Hans') return 'zh-CN';
  return null;
}
