// Loads the spend inputs of one drop into staging: the price list, the offer matrix (partner-center/), and the spend
// terms of the Partner Center subscriptions already parsed. Runs inside loadDrop's transaction.
import { readFile } from 'node:fs/promises';
import type { Catalog, Config } from '../config/schema.js';
import type { DropFile } from '../ingest/drop.js';
import type { LoadIssue } from '../ingest/issues.js';
import type { SubscriptionTerms } from '../ingest/sources/subscriptionRows.js';
import { allStaging, runStaging } from '../ingest/stagingSql.js';
import { insertRows, type ColumnType, type Value } from '../warehouse/insertRows.js';
import type { Warehouse } from '../warehouse/warehouse.js';
import {
  normaliseSkuId,
  readOfferMatrix,
  readPriceSheet,
  type PriceRow,
  type SheetRead,
} from './priceSheet.js';

export const SPEND_STAGING_TABLES = [
  'stg_prices',
  'stg_offer_matrix',
  'stg_subscription_terms',
  'stg_spend_settings',
] as const;

const PRICE_COLUMNS: [string, ColumnType][] = [
  ['snapshot_date', 'date'],
  ['file', 'varchar'],
  ['line', 'bigint'],
  ['product_id', 'varchar'],
  ['nce_sku_id', 'varchar'],
  ['product_title', 'varchar'],
  ['sku_title', 'varchar'],
  ['term_duration', 'varchar'],
  ['billing_plan', 'varchar'],
  ['market', 'varchar'],
  ['currency', 'varchar'],
  ['unit_price', 'double'],
  ['term_months', 'integer'],
  ['monthly_price', 'double'],
  ['erp_price', 'double'],
  ['effective_start', 'timestamp'],
  ['effective_end', 'timestamp'],
  ['tags', 'varchar'],
];

const OFFER_COLUMNS: [string, ColumnType][] = [
  ['snapshot_date', 'date'],
  ['product_id', 'varchar'],
  ['nce_sku_id', 'varchar'],
  ['sku_id', 'varchar'],
  ['provisioning_string', 'varchar'],
  ['product_title', 'varchar'],
  ['sku_title', 'varchar'],
];

const TERMS_COLUMNS: [string, ColumnType][] = [
  ['snapshot_date', 'date'],
  ['customer_id', 'varchar'],
  ['subscription_id', 'varchar'],
  ['sku_id', 'varchar'],
  ['offer_id', 'varchar'],
  ['product_id', 'varchar'],
  ['nce_sku_id', 'varchar'],
  ['term_duration', 'varchar'],
  ['billing_cycle', 'varchar'],
  ['effective_start_date', 'date'],
  ['commitment_end_date', 'date'],
  ['auto_renew', 'boolean'],
  ['refundable_quantity', 'bigint'],
  ['refundable_until', 'timestamp'],
  ['scheduled_quantity', 'bigint'],
];

export interface SpendLoadResult {
  outcomes: Map<string, { loaded: number; rejected: number; status: 'loaded' | 'set_aside' | 'ignored' }>;
  issues: LoadIssue[];
}

async function fileBytes(f: DropFile): Promise<Uint8Array> {
  return f.content ?? (await readFile(f.abs));
}

function record<T>(result: SpendLoadResult, f: DropFile, read: SheetRead<T>): void {
  result.issues.push(...read.issues);
  result.outcomes.set(f.rel, {
    loaded: read.rows.length,
    rejected: read.rejected,
    status: read.setAside ? 'set_aside' : 'loaded',
  });
}

type PriceFilter = { market: string | null; currency: string | null };

/** The notes a price list's rows call for: none kept for the market, P3Y prices, terms the job cannot divide. */
function priceSheetIssues(f: DropFile, read: SheetRead<PriceRow>, filter: PriceFilter): LoadIssue[] {
  const issues: LoadIssue[] = [];
  if (read.rows.length === 0 && read.filteredOut > 0) {
    issues.push({
      severity: 'warning',
      code: 'no_price_rows_kept',
      file: f.rel,
      message: `none of its ${read.filteredOut} price rows is for market ${filter.market ?? 'any'} and currency ${filter.currency ?? 'any'} (spend.market, spend.currency); no prices this day`,
    });
  }
  const p3y = new Set(
    read.rows.filter((r) => r.term_duration === 'P3Y').map((r) => `${r.product_id}:${r.nce_sku_id}`),
  );
  if (p3y.size > 0) {
    issues.push({
      severity: 'info',
      code: 'p3y_price',
      file: f.rel,
      column: 'TermDuration',
      message: `${p3y.size} product(s) have P3Y prices: their monthly price is UnitPrice / 36, which Microsoft does not document`,
    });
  }
  const odd = read.rows.filter((r) => r.term_months === null);
  if (odd.length > 0) {
    issues.push({
      severity: 'warning',
      code: 'unknown_term',
      file: f.rel,
      line: odd[0]!.line,
      column: 'TermDuration',
      message: `${odd.length} row(s) have a term other than P1M, P1Y or P3Y (first: ${odd[0]!.term_duration}); they have no monthly price`,
    });
  }
  return issues;
}

/**
 * A price that maps to no product this job reports is listed once, with a few of its ids, not row by row:
 * Microsoft's list holds thousands of products a partner never sells. Then only the rows a metric can use are kept.
 */
async function keepUsablePrices(
  wh: Warehouse,
  date: string,
  priceSheet: DropFile,
  result: SpendLoadResult,
): Promise<void> {
  const [unmapped] = await allStaging(wh, 'stg_prices', 'unmapped', { date });
  if (Number(unmapped?.n ?? 0) > 0) {
    result.issues.push({
      severity: 'info',
      code: 'price_unmapped',
      file: priceSheet.rel,
      message: `${String(unmapped!.n)} priced product(s) map to no product of the catalogue (through the offer matrix or the catalogue's NCE ids), e.g. ${String(unmapped!.sample)}; not used`,
    });
  }
  await runStaging(wh, 'stg_prices', 'keep_usable', { date });
}

/** Reads the price list(s) and offer matrix of the drop into stg_prices and stg_offer_matrix. */
export async function loadSpendSources(
  wh: Warehouse,
  opts: { config: Config; date: string; files: DropFile[]; result: SpendLoadResult },
): Promise<void> {
  const { config, date, files, result } = opts;
  const usable = (kind: DropFile['kind']) => files.filter((f) => f.kind === kind && !f.refused);
  const filter: PriceFilter = {
    market: config.spend.market?.toUpperCase() ?? null,
    currency: config.spend.currency?.toUpperCase() ?? null,
  };
  await runStaging(wh, 'stg_spend_settings', 'insert', {
    date,
    ...filter,
    term: config.spend.defaultTerm,
    plan: config.spend.defaultBillingPlan,
  });
  for (const f of usable('pc_pricesheet')) {
    const read = readPriceSheet(await fileBytes(f), f.rel, filter);
    record(result, f, read);
    if (read.setAside) continue;
    result.issues.push(...priceSheetIssues(f, read, filter));
    await insertRows(
      wh,
      'stg_prices',
      PRICE_COLUMNS,
      read.rows.map((r) => ({ snapshot_date: date, file: f.rel, ...r }) as Record<string, Value>),
    );
  }
  for (const f of usable('pc_offermatrix')) {
    const read = readOfferMatrix(await fileBytes(f), f.rel);
    record(result, f, read);
    if (read.setAside) continue;
    await insertRows(
      wh,
      'stg_offer_matrix',
      OFFER_COLUMNS,
      read.rows.map((r) => ({ snapshot_date: date, ...r }) as Record<string, Value>),
    );
  }
  const [priceSheet] = usable('pc_pricesheet');
  if (priceSheet) await keepUsablePrices(wh, date, priceSheet, result);
  await runStaging(wh, 'stg_offer_matrix', 'keep_catalogue', { date });
}

/** The spend terms of the Partner Center subscription rows parsed from the drop, for stg_subscription_terms. */
export async function insertSubscriptionTerms(
  wh: Warehouse,
  date: string,
  rows: readonly Record<string, unknown>[],
): Promise<void> {
  const terms = rows
    .filter((r) => r.source === 'partner_center' && r.terms)
    .map((r) => {
      const t = r.terms as SubscriptionTerms;
      return {
        snapshot_date: date,
        customer_id: r.customer_id as string,
        subscription_id: r.subscription_id as string,
        sku_id: r.sku_id as string,
        ...t,
        nce_sku_id: t.nce_sku_id === null ? null : normaliseSkuId(t.nce_sku_id),
      } as Record<string, Value>;
    });
  await insertRows(wh, 'stg_subscription_terms', TERMS_COLUMNS, terms);
}

/** Rewrites catalog_nce from the catalogue (called with the other catalogue tables). */
export async function writeCatalogNce(wh: Warehouse, catalog: Catalog): Promise<void> {
  await wh.run('DELETE FROM catalog_nce');
  await insertRows(
    wh,
    'catalog_nce',
    [
      ['sku_id', 'varchar'],
      ['product_id', 'varchar'],
      ['nce_sku_id', 'varchar'],
      ['demo', 'boolean'],
    ],
    catalog.products.flatMap((p) =>
      p.nce.map((n) => ({
        sku_id: p.skuId,
        product_id: n.productId.toUpperCase(),
        nce_sku_id: normaliseSkuId(n.skuId),
        demo: n.demo,
      })),
    ),
  );
}
