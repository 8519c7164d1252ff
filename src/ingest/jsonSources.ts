// Pure parsers for the JSON exports of a drop (DESIGN.md §2, formats.md §1, §2, §4). Each returns the canonical
// rows it could read and an issue for every item it set aside, naming the item's JSON path and field.
import type { LoadIssue } from './issues.js';
import { normaliseGraphStatus, normalisePartnerCenterStatus, type SubscriptionStatus } from './statuses.js';
import type { ProductLookup } from './productLookup.js';

const GUID = /^\{?([0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12})\}?$/;

export function normaliseGuid(v: unknown): string | undefined {
  if (typeof v !== 'string') return undefined;
  const m = GUID.exec(v.trim());
  return m ? m[1]!.toLowerCase() : undefined;
}

type Obj = Record<string, unknown>;

export interface Parsed<T> {
  rows: T[];
  issues: LoadIssue[];
  /** items of excluded (free/viral) SKUs, by part number */
  excluded: Map<string, number>;
}

/** The array of items in an export envelope: {"value": [...]}, {"Value": [...]}, {"items": [...]} or a bare array. */
function envelope(
  json: unknown,
  file: string,
  keys: string[],
  issues: LoadIssue[],
): { items: Obj[]; path: string } | undefined {
  if (Array.isArray(json)) return { items: json as Obj[], path: '' };
  if (json && typeof json === 'object') {
    const o = json as Obj;
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
        return { items: o[k] as Obj[], path: k };
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

function field(o: Obj, ...names: string[]): unknown {
  for (const n of names) if (o[n] !== undefined) return o[n];
  // Exports are not always consistent about case (e.g. "Status" in Partner Center's suspend example).
  const lower = new Map(Object.keys(o).map((k) => [k.toLowerCase(), k]));
  for (const n of names) {
    const k = lower.get(n.toLowerCase());
    if (k !== undefined) return o[k];
  }
  return undefined;
}

function count(v: unknown): number | undefined {
  const n = typeof v === 'string' && v.trim() !== '' ? Number(v) : v;
  return typeof n === 'number' && Number.isInteger(n) && n >= 0 ? n : undefined;
}

function bool(v: unknown): boolean | undefined {
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

/** 'YYYY-MM-DD' from an ISO date or date-time ('2018-10-14T00:00:00'); undefined when it is not one. */
export function isoDatePart(v: unknown): string | undefined {
  if (typeof v !== 'string') return undefined;
  const m = /^(\d{4}-\d{2}-\d{2})(?:[T ][0-9:.]+(?:Z|[+-]\d{2}:?\d{2})?)?$/.exec(v.trim());
  if (!m) return undefined;
  const d = new Date(`${m[1]}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === m[1] ? m[1] : undefined;
}

class ItemReader {
  constructor(
    private readonly file: string,
    private readonly issues: LoadIssue[],
  ) {}

  reject(path: string, fieldName: string, message: string, customerId?: string): undefined {
    this.issues.push({
      severity: 'error',
      code: 'bad_value',
      file: this.file,
      column: `${path}.${fieldName}`,
      customerId,
      message,
    });
    return undefined;
  }
}

// ---------------------------------------------------------------- Graph /directory/subscriptions

export interface SubscriptionRow {
  customer_id: string;
  source: 'graph' | 'partner_center';
  subscription_id: string;
  commerce_subscription_id: string | null;
  sku_id: string;
  status_raw: string;
  status: SubscriptionStatus;
  is_trial: boolean;
  units: number;
  owner_tenant_id: string | null;
  term_end: string | null;
  /** Partner Center only: what prices and seat reductions need (stored in stg_subscription_terms) */
  terms?: SubscriptionTerms;
}

/** licence-spend.md §4.1: the fields of a Partner Center subscription that licence spend reads. */
export interface SubscriptionTerms {
  offer_id: string | null;
  product_id: string | null;
  nce_sku_id: string | null;
  term_duration: string | null;
  billing_cycle: string | null;
  effective_start_date: string | null;
  commitment_end_date: string | null;
  auto_renew: boolean | null;
  refundable_quantity: number | null;
  refundable_until: string | null; // 'YYYY-MM-DD HH:MM:SS' UTC
  scheduled_quantity: number | null;
}

/** An ISO date-time as 'YYYY-MM-DD HH:MM:SS' in UTC; undefined when it is not one. */
function isoTimestampUtc(v: unknown): string | undefined {
  if (typeof v !== 'string' || !/^\d{4}-\d{2}-\d{2}T/.test(v.trim())) return undefined;
  const s = v.trim();
  // No offset means UTC (Partner Center's customTermEndDate is written so).
  const t = new Date(/(Z|[+-]\d{2}:?\d{2})$/.test(s) ? s : `${s}Z`);
  return Number.isNaN(t.getTime()) ? undefined : t.toISOString().slice(0, 19).replace('T', ' ');
}

/** The spend fields of one Partner Center subscription item. Unreadable values are NULL, never guessed. */
export function subscriptionTerms(item: Obj): SubscriptionTerms {
  const offerId = typeof field(item, 'offerId') === 'string' ? String(field(item, 'offerId')).trim() : '';
  const parts = offerId.split(':');
  const nce = parts.length >= 2 && /^[A-Za-z0-9]{12}$/.test(parts[0]!) ? parts : undefined;
  const refundable = field(item, 'refundableQuantity') as Obj | undefined;
  const details =
    refundable && Array.isArray(field(refundable, 'details')) ? (field(refundable, 'details') as Obj[]) : [];
  const until = details
    .filter((d) => d && typeof d === 'object' && (count(field(d, 'quantity')) ?? 0) > 0)
    .map((d) => isoTimestampUtc(field(d, 'allowedUntilDateTime')))
    .filter((d): d is string => d !== undefined)
    .sort()[0];
  const scheduled = field(item, 'scheduledNextTermInstructions') as Obj | undefined;
  const text = (v: unknown) => (typeof v === 'string' && v.trim() !== '' ? v.trim() : null);
  return {
    offer_id: offerId || null,
    product_id: nce ? nce[0]!.toUpperCase() : null,
    nce_sku_id: nce ? nce[1]!.toUpperCase() : null,
    term_duration: text(field(item, 'termDuration'))?.toUpperCase() ?? null,
    billing_cycle: text(field(item, 'billingCycle'))?.toLowerCase() ?? null,
    effective_start_date: isoDatePart(field(item, 'effectiveStartDate')) ?? null,
    commitment_end_date: isoDatePart(field(item, 'commitmentEndDate')) ?? null,
    auto_renew:
      typeof field(item, 'autoRenewEnabled') === 'boolean'
        ? (field(item, 'autoRenewEnabled') as boolean)
        : null,
    refundable_quantity:
      refundable && typeof refundable === 'object'
        ? (count(field(refundable, 'totalQuantity')) ?? null)
        : null,
    refundable_until: until ?? null,
    scheduled_quantity:
      scheduled && typeof scheduled === 'object' ? (count(field(scheduled, 'quantity')) ?? null) : null,
  };
}

function newParsed<T>(): Parsed<T> {
  return { rows: [], issues: [], excluded: new Map() };
}

/** Visits each item of an export envelope with its JSON path; items that are not objects are set aside. */
function forEachItem(
  out: Parsed<unknown>,
  json: unknown,
  file: string,
  keys: string[],
  customerId: string | undefined,
  visit: (item: Obj, path: string, r: ItemReader) => void,
): void {
  const env = envelope(json, file, keys, out.issues);
  if (!env) return;
  const r = new ItemReader(file, out.issues);
  env.items.forEach((item, i) => {
    const path = `${env.path}[${i}]`;
    if (!item || typeof item !== 'object') return r.reject(path, '', 'is not an object', customerId);
    visit(item, path, r);
  });
}

function countExcluded(p: Parsed<unknown>, partNumber: string): void {
  p.excluded.set(partNumber, (p.excluded.get(partNumber) ?? 0) + 1);
}

export function parseGraphSubscriptions(
  json: unknown,
  file: string,
  customerId: string,
  products: ProductLookup,
): Parsed<SubscriptionRow> {
  const out = newParsed<SubscriptionRow>();
  forEachItem(out, json, file, ['value'], customerId, (item, path, r) => {
    const skuId = normaliseGuid(field(item, 'skuId'));
    if (!skuId)
      return r.reject(path, 'skuId', `is not a GUID: ${JSON.stringify(field(item, 'skuId'))}`, customerId);
    const statusRaw = String(field(item, 'status') ?? '');
    const status = normaliseGraphStatus(statusRaw);
    if (!status)
      return r.reject(path, 'status', `unknown subscription status ${JSON.stringify(statusRaw)}`, customerId);
    const units = count(field(item, 'totalLicenses'));
    if (units === undefined) {
      return r.reject(
        path,
        'totalLicenses',
        `is not a licence count: ${JSON.stringify(field(item, 'totalLicenses'))}`,
        customerId,
      );
    }
    const isTrial = bool(field(item, 'isTrial'));
    if (isTrial === undefined)
      return r.reject(
        path,
        'isTrial',
        `is not a boolean: ${JSON.stringify(field(item, 'isTrial'))}`,
        customerId,
      );
    const product = products.bySkuId(skuId);
    if (!product) {
      out.issues.push({
        severity: 'info',
        code: 'unknown_sku',
        file,
        column: `${path}.skuId`,
        customerId,
        message: `SKU ${skuId} (${String(field(item, 'skuPartNumber') ?? '?')}) is not in the product catalogue; its subscription is ignored`,
      });
      return;
    }
    if (product.excluded) return countExcluded(out, product.partNumber);
    out.rows.push({
      customer_id: customerId,
      source: 'graph',
      subscription_id:
        normaliseGuid(field(item, 'id')) ?? String(field(item, 'id') ?? `${skuId}#${path}`).toLowerCase(),
      commerce_subscription_id: normaliseGuid(field(item, 'commerceSubscriptionId')) ?? null,
      sku_id: skuId,
      status_raw: statusRaw,
      status,
      is_trial: isTrial,
      units,
      owner_tenant_id: normaliseGuid(field(item, 'ownerTenantId')) ?? null,
      term_end: isoDatePart(field(item, 'nextLifecycleDateTime')) ?? null,
    });
  });
  return out;
}

// ---------------------------------------------------------------- Graph /subscribedSkus

export interface SubscribedSkuRow {
  customer_id: string;
  sku_id: string;
  part_number: string | null;
  capability_status: string | null;
  consumed_units: number | null;
  enabled_units: number | null;
  warning_units: number | null;
  suspended_units: number | null;
  locked_out_units: number | null;
}

export function parseSubscribedSkus(
  json: unknown,
  file: string,
  customerId: string,
  products: ProductLookup,
): Parsed<SubscribedSkuRow> {
  const out = newParsed<SubscribedSkuRow>();
  forEachItem(out, json, file, ['value'], customerId, (item, path, r) => {
    const skuId = normaliseGuid(field(item, 'skuId'));
    if (!skuId)
      return r.reject(path, 'skuId', `is not a GUID: ${JSON.stringify(field(item, 'skuId'))}`, customerId);
    const product = products.bySkuId(skuId);
    if (product?.excluded) return countExcluded(out, product.partNumber);
    const prepaid = (field(item, 'prepaidUnits') ?? {}) as Obj;
    out.rows.push({
      customer_id: customerId,
      sku_id: skuId,
      part_number: (field(item, 'skuPartNumber') as string | undefined) ?? null,
      capability_status: (field(item, 'capabilityStatus') as string | undefined) ?? null,
      consumed_units: count(field(item, 'consumedUnits')) ?? null,
      enabled_units: count(field(prepaid, 'enabled')) ?? null,
      warning_units: count(field(prepaid, 'warning')) ?? null,
      suspended_units: count(field(prepaid, 'suspended')) ?? null,
      locked_out_units: count(field(prepaid, 'lockedOut')) ?? null,
    });
  });
  return out;
}

// ---------------------------------------------------------------- Partner Center subscriptions

export function parsePartnerCenterSubscriptions(
  json: unknown,
  file: string,
  products: ProductLookup,
): Parsed<SubscriptionRow> {
  const out = newParsed<SubscriptionRow>();
  forEachItem(out, json, file, ['items', 'value', 'Value'], undefined, (item, path, r) => {
    const customerId = normaliseGuid(field(item, 'customerId', 'customerTenantId', 'tenantId'));
    if (!customerId)
      return r.reject(
        path,
        'customerId',
        `is missing or not a GUID: ${JSON.stringify(field(item, 'customerId', 'customerTenantId'))}`,
      );
    const offerName = String(field(item, 'offerName') ?? '');
    const product =
      products.bySkuId(normaliseGuid(field(item, 'skuId', 'productId')) ?? '') ??
      products.byOfferId(String(field(item, 'offerId') ?? '')) ??
      products.byName(offerName);
    if (!product) {
      out.issues.push({
        severity: 'info',
        code: 'unknown_offer',
        file,
        column: `${path}.offerName`,
        customerId,
        message: `offer ${JSON.stringify(offerName)} (${String(field(item, 'offerId') ?? '?')}) matches no product in the catalogue; ignored`,
      });
      return;
    }
    if (product.excluded) return countExcluded(out, product.partNumber);
    const statusRaw = String(field(item, 'status') ?? '');
    const status = normalisePartnerCenterStatus(statusRaw);
    if (!status)
      return r.reject(path, 'status', `unknown subscription status ${JSON.stringify(statusRaw)}`, customerId);
    const units = count(field(item, 'quantity'));
    if (units === undefined)
      return r.reject(
        path,
        'quantity',
        `is not a licence count: ${JSON.stringify(field(item, 'quantity'))}`,
        customerId,
      );
    const isTrial = bool(field(item, 'isTrial'));
    if (isTrial === undefined)
      return r.reject(
        path,
        'isTrial',
        `is not a boolean: ${JSON.stringify(field(item, 'isTrial'))}`,
        customerId,
      );
    const id = field(item, 'id');
    out.rows.push({
      customer_id: customerId,
      source: 'partner_center',
      subscription_id: normaliseGuid(id) ?? String(id ?? `${product.skuId}#${path}`).toLowerCase(),
      commerce_subscription_id: null,
      sku_id: product.skuId,
      status_raw: statusRaw,
      status,
      is_trial: isTrial,
      units,
      owner_tenant_id: null,
      term_end: isoDatePart(field(item, 'commitmentEndDate')) ?? null,
      terms: subscriptionTerms(item),
    });
  });
  return out;
}

// ---------------------------------------------------------------- Partner Center analytics

export interface DeploymentRow {
  customer_id: string;
  customer_name: string | null;
  sku_id: string;
  product_name: string | null;
  licenses_deployed: number;
  licenses_sold: number;
  processed_date: string;
}

export interface UsageRow {
  customer_id: string;
  customer_name: string | null;
  sku_id: string;
  product_name: string | null;
  workload: string;
  licenses_active: number;
  licenses_qualified: number;
  processed_date: string;
}

const WORKLOAD_BY_CODE: Record<string, string> = {
  exo: 'exchange',
  exchange: 'exchange',
  spo: 'sharepoint',
  sharepoint: 'sharepoint',
  odb: 'sharepoint',
  onedrive: 'sharepoint',
  onedriveforbusiness: 'sharepoint',
  sfb: 'skype',
  skypeforbusiness: 'skype',
  teams: 'teams',
  microsoftteams: 'teams',
  yam: 'yammer',
  yammer: 'yammer',
  crm: 'dynamics',
  dynamics: 'dynamics',
  microsoftdynamics: 'dynamics',
  microsoftdynamicscrm: 'dynamics',
};

export function normaliseWorkload(code: unknown, name: unknown): string | undefined {
  for (const v of [code, name]) {
    if (typeof v === 'string' && v.trim()) {
      const k = v.toLowerCase().replace(/[^a-z0-9]/g, '');
      if (WORKLOAD_BY_CODE[k]) return WORKLOAD_BY_CODE[k];
    }
  }
  for (const v of [code, name]) if (typeof v === 'string' && v.trim()) return v.trim().toLowerCase();
  return undefined;
}

function analyticsCommon(
  item: Obj,
  path: string,
  r: ItemReader,
  out: Parsed<unknown>,
  file: string,
  products: ProductLookup,
):
  | {
      customer_id: string;
      customer_name: string | null;
      sku_id: string;
      product_name: string | null;
      processed_date: string;
    }
  | undefined {
  const customerId = normaliseGuid(field(item, 'customerTenantId', 'customerId'));
  if (!customerId)
    return r.reject(
      path,
      'customerTenantId',
      `is missing or not a GUID: ${JSON.stringify(field(item, 'customerTenantId'))}`,
    );
  const productName = (field(item, 'productName') as string | undefined) ?? null;
  const product =
    products.bySkuId(normaliseGuid(field(item, 'productId')) ?? '') ?? products.byName(productName ?? '');
  if (!product) {
    out.issues.push({
      severity: 'info',
      code: 'unknown_sku',
      file,
      column: `${path}.productId`,
      customerId,
      message: `product ${String(field(item, 'productId') ?? '?')} (${productName ?? '?'}) is not in the product catalogue; ignored`,
    });
    return undefined;
  }
  if (product.excluded) {
    countExcluded(out, product.partNumber);
    return undefined;
  }
  const processed = isoDatePart(field(item, 'processedDateTime'));
  if (!processed) {
    return r.reject(
      path,
      'processedDateTime',
      `is not a date: ${JSON.stringify(field(item, 'processedDateTime'))}`,
      customerId,
    );
  }
  return {
    customer_id: customerId,
    customer_name: (field(item, 'customerName') as string | undefined) ?? null,
    sku_id: product.skuId,
    product_name: productName,
    processed_date: processed,
  };
}

export function parseLicenseDeployment(
  json: unknown,
  file: string,
  products: ProductLookup,
): Parsed<DeploymentRow> {
  const out = newParsed<DeploymentRow>();
  forEachItem(out, json, file, ['Value', 'value', 'items'], undefined, (item, path, r) => {
    const common = analyticsCommon(item, path, r, out, file, products);
    if (!common) return;
    const sold = count(field(item, 'licensesSold'));
    if (sold === undefined)
      return r.reject(
        path,
        'licensesSold',
        `is not a licence count: ${JSON.stringify(field(item, 'licensesSold'))}`,
        common.customer_id,
      );
    const deployed = count(field(item, 'licensesDeployed'));
    if (deployed === undefined) {
      return r.reject(
        path,
        'licensesDeployed',
        `is not a licence count: ${JSON.stringify(field(item, 'licensesDeployed'))}`,
        common.customer_id,
      );
    }
    out.rows.push({ ...common, licenses_sold: sold, licenses_deployed: deployed });
  });
  return out;
}

export function parseLicenseUsage(json: unknown, file: string, products: ProductLookup): Parsed<UsageRow> {
  const out = newParsed<UsageRow>();
  forEachItem(out, json, file, ['Value', 'value', 'items'], undefined, (item, path, r) => {
    const common = analyticsCommon(item, path, r, out, file, products);
    if (!common) return;
    const workload = normaliseWorkload(field(item, 'workloadCode'), field(item, 'workloadName'));
    if (!workload)
      return r.reject(path, 'workloadCode', 'is missing (and so is workloadName)', common.customer_id);
    // Partner Center's own docs spell it both ways.
    const activeField = field(item, 'licensesActive') !== undefined ? 'licensesActive' : 'licenseActive';
    const active = count(field(item, activeField));
    if (active === undefined)
      return r.reject(
        path,
        activeField,
        `is not a licence count: ${JSON.stringify(field(item, activeField))}`,
        common.customer_id,
      );
    const qualified = count(field(item, 'licensesQualified'));
    if (qualified === undefined) {
      return r.reject(
        path,
        'licensesQualified',
        `is not a licence count: ${JSON.stringify(field(item, 'licensesQualified'))}`,
        common.customer_id,
      );
    }
    out.rows.push({ ...common, workload, licenses_active: active, licenses_qualified: qualified });
  });
  return out;
}
