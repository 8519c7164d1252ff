// Where `collect` fetches the NCE price list and the offer matrix (licence-spend.md §1.2–1.4), and when. Pure: URL
// builders, the monthly refresh rule and what an answer means; the HTTP calls belong to the collector (issue #17).
// Both live on api.partner.microsoft.com (not api.partnercenter.microsoft.com) and take App+User tokens only.

export const PRICE_API_BASE = 'https://api.partner.microsoft.com/v1.0/sales';

/** The NCE licence-based view; the other views (azure_consumption, …) hold no licence prices. */
export const NCE_LICENCE_VIEW = 'updatedlicensebased';

export type PriceTimeline = 'current' | 'history' | 'future';

/** YYYYMM of a date, in UTC (price lists change at midnight UTC on the first of the month). */
export function monthOf(d: Date): string {
  return `${d.getUTCFullYear()}${String(d.getUTCMonth() + 1).padStart(2, '0')}`;
}

function checkMonth(month: string): void {
  if (!/^\d{4}(0[1-9]|1[0-2])$/.test(month)) throw new Error(`month must be YYYYMM, got "${month}"`);
}

/**
 * GET …/sales/pricesheets(Market='{market}',PricesheetView='{view}')/$value, with ?timeline= and, for history only,
 * &month=YYYYMM. Ask for `Accept-Encoding: deflate` to get the zipped file (see priceRequestHeaders).
 */
export function priceSheetUrl(opts: {
  market: string;
  view?: string;
  timeline?: PriceTimeline;
  month?: string;
}): string {
  const market = opts.market.trim().toUpperCase();
  if (!/^[A-Z]{2}$/.test(market))
    throw new Error(`market must be a two-letter country code, got "${opts.market}"`);
  const view = opts.view ?? NCE_LICENCE_VIEW;
  if (!/^[a-z_]+$/.test(view)) throw new Error(`unknown price sheet view "${view}"`);
  const timeline = opts.timeline ?? 'current';
  let query = '';
  if (timeline === 'history') {
    if (!opts.month) throw new Error('a history price sheet needs its month (YYYYMM)');
    checkMonth(opts.month);
    query = `?timeline=history&month=${opts.month}`;
  } else if (opts.month) {
    throw new Error('month is given only with timeline=history');
  } else if (timeline === 'future') {
    query = '?timeline=future';
  }
  return `${PRICE_API_BASE}/pricesheets(Market='${market}',PricesheetView='${view}')/$value${query}`;
}

/** GET …/sales/offermatrix(Month='YYYYMM')/$value: market-agnostic; a past month gives its last day's matrix. */
export function offerMatrixUrl(month: string): string {
  checkMonth(month);
  return `${PRICE_API_BASE}/offermatrix(Month='${month}')/$value`;
}

/** Request headers besides authorisation: the zipped CSV on request (compressed files exist from April 2020). */
export function priceRequestHeaders(zipped: boolean): Record<string, string> {
  return zipped
    ? { Accept: 'application/octet-stream', 'Accept-Encoding': 'deflate' }
    : { Accept: 'application/octet-stream' };
}

/** The drop file a download is saved as (DESIGN.md §2): a zip body keeps the .zip name; ingest reads both. */
export function priceFileName(kind: 'pricesheet' | 'offermatrix', body: Uint8Array): string {
  const zip = body.length >= 4 && body[0] === 0x50 && body[1] === 0x4b && body[2] === 3 && body[3] === 4;
  return `partner-center/${kind}.${zip ? 'zip' : 'csv'}`;
}

/**
 * Is a fresh price list (and offer matrix) due? Lists change on the first of each month at 00:00 UTC, so one fetch
 * per UTC month is enough; a fetch that failed leaves it due.
 */
export function priceRefreshDue(
  lastFetched: Date | null,
  now: Date,
): { due: boolean; month: string; reason: string } {
  const month = monthOf(now);
  if (!lastFetched) return { due: true, month, reason: 'never fetched' };
  if (monthOf(lastFetched) < month)
    return { due: true, month, reason: `last fetched in ${monthOf(lastFetched)}` };
  return { due: false, month, reason: `already fetched in ${month}` };
}

export type PriceAnswer = 'ok' | 'no_future_change' | 'no_access' | 'retry' | 'failed';

/**
 * What an HTTP status means for the night. A 404 on timeline=future only says no change is planned; 401/403 mean
 * the partner has no price-list access or lacks the Admin Agent / Sales Agent role: one line in the run report, not
 * a failed night. 429 and 5xx are worth retrying.
 */
export function classifyPriceAnswer(status: number, timeline: PriceTimeline = 'current'): PriceAnswer {
  if (status >= 200 && status < 300) return 'ok';
  if (status === 404 && timeline === 'future') return 'no_future_change';
  if (status === 401 || status === 403) return 'no_access';
  if (status === 429 || status >= 500) return 'retry';
  return 'failed';
}
