// Partner Center's JSON exports (partner-center/subscriptions.json, licenses-deployment.json, licenses-usage.json;
// formats.md §2, §4, licence-spend.md §4.1): pure parsers, each returning the rows it could read and an issue for every
// item it set aside. Their rows name customers by tenant id; the caller keeps those customers.csv lists.
import type { ColumnType } from '../../warehouse/insertRows.js';
import { countExcluded, checkedField, field, parseItems } from '../jsonSources.js';
import type { JsonObject, Parsed, IgnoreItem, RejectItem } from '../jsonSources.js';
import type { ProductLookup } from '../productLookup.js';
import { normalisePartnerCenterStatus } from '../statuses.js';
import { isoDatePart, isoTimestampUtc, normaliseGuid, readCount } from '../values.js';
import { subscriptionState, type SubscriptionRow, type SubscriptionTerms } from './subscriptionRows.js';

// The arrays of items each export's envelope may hold, in the order they are looked for.
const SUBSCRIPTION_ENVELOPE = ['items', 'value', 'Value'];
const ANALYTICS_ENVELOPE = ['Value', 'value', 'items'];

/** stg_pc_deployment, column by column (queries/staging/stg_pc_deployment.sql). */
export const DEPLOYMENT_COLUMNS: [string, ColumnType][] = [
  ['snapshot_date', 'date'],
  ['customer_id', 'varchar'],
  ['customer_name', 'varchar'],
  ['sku_id', 'varchar'],
  ['product_name', 'varchar'],
  ['licenses_deployed', 'bigint'],
  ['licenses_sold', 'bigint'],
  ['processed_date', 'date'],
];

/** stg_pc_usage, column by column (queries/staging/stg_pc_usage.sql). */
export const USAGE_COLUMNS: [string, ColumnType][] = [
  ['snapshot_date', 'date'],
  ['customer_id', 'varchar'],
  ['customer_name', 'varchar'],
  ['sku_id', 'varchar'],
  ['product_name', 'varchar'],
  ['workload', 'varchar'],
  ['licenses_active', 'bigint'],
  ['licenses_qualified', 'bigint'],
  ['processed_date', 'date'],
];

/** The spend fields of one Partner Center subscription item. Unreadable values are NULL, never guessed. */
export function subscriptionTerms(item: JsonObject): SubscriptionTerms {
  const offerId = typeof field(item, 'offerId') === 'string' ? String(field(item, 'offerId')).trim() : '';
  const parts = offerId.split(':');
  const nce = parts.length >= 2 && /^[A-Za-z0-9]{12}$/.test(parts[0]!) ? parts : undefined;
  const refundable = field(item, 'refundableQuantity') as JsonObject | undefined;
  const details =
    refundable && Array.isArray(field(refundable, 'details'))
      ? (field(refundable, 'details') as JsonObject[])
      : [];
  const until = details
    .filter(
      (detail) => detail && typeof detail === 'object' && (readCount(field(detail, 'quantity')) ?? 0) > 0,
    )
    .map((detail) => isoTimestampUtc(field(detail, 'allowedUntilDateTime')))
    .filter((until): until is string => until !== undefined)
    .sort()[0];
  const scheduled = field(item, 'scheduledNextTermInstructions') as JsonObject | undefined;
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
        ? (readCount(field(refundable, 'totalQuantity')) ?? null)
        : null,
    refundable_until: until ?? null,
    scheduled_quantity:
      scheduled && typeof scheduled === 'object' ? (readCount(field(scheduled, 'quantity')) ?? null) : null,
  };
}

export function parsePartnerCenterSubscriptions(
  json: unknown,
  file: string,
  products: ProductLookup,
): Parsed<SubscriptionRow> {
  return parseItems<SubscriptionRow>(
    json,
    file,
    SUBSCRIPTION_ENVELOPE,
    undefined,
    (item, path, reject, out, ignore) => {
      const customerId = normaliseGuid(field(item, 'customerId', 'customerTenantId', 'tenantId'));
      if (!customerId)
        return reject(
          'customerId',
          `is missing or not a GUID: ${JSON.stringify(field(item, 'customerId', 'customerTenantId'))}`,
        );
      const offerName = String(field(item, 'offerName') ?? '');
      const product =
        products.bySkuId(normaliseGuid(field(item, 'skuId', 'productId')) ?? '') ??
        products.byOfferId(String(field(item, 'offerId') ?? '')) ??
        products.byName(offerName);
      if (!product) {
        const offerId = String(field(item, 'offerId') ?? '?');
        const message = `offer ${JSON.stringify(offerName)} (${offerId}) matches no product in the catalogue; ignored`;
        return ignore('unknown_offer', 'offerName', message, customerId);
      }
      if (product.excluded) return countExcluded(out, product.partNumber);
      const state = subscriptionState(
        item,
        { unitsField: 'quantity', status: normalisePartnerCenterStatus, customerId },
        reject,
      );
      if (!state) return;
      const id = field(item, 'id');
      out.rows.push({
        customer_id: customerId,
        source: 'partner_center',
        subscription_id: normaliseGuid(id) ?? String(id ?? `${product.skuId}#${path}`).toLowerCase(),
        commerce_subscription_id: null,
        sku_id: product.skuId,
        ...state,
        owner_tenant_id: null,
        term_end: isoDatePart(field(item, 'commitmentEndDate')) ?? null,
        terms: subscriptionTerms(item),
      });
    },
  );
}

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

interface AnalyticsCommon {
  customer_id: string;
  customer_name: string | null;
  sku_id: string;
  product_name: string | null;
  processed_date: string;
}

function analyticsCommon(
  item: JsonObject,
  reject: RejectItem,
  ignore: IgnoreItem,
  out: Parsed<unknown>,
  products: ProductLookup,
): AnalyticsCommon | undefined {
  const customerId = normaliseGuid(field(item, 'customerTenantId', 'customerId'));
  if (!customerId)
    return reject(
      'customerTenantId',
      `is missing or not a GUID: ${JSON.stringify(field(item, 'customerTenantId'))}`,
    );
  const productName = (field(item, 'productName') as string | undefined) ?? null;
  const product =
    products.bySkuId(normaliseGuid(field(item, 'productId')) ?? '') ?? products.byName(productName ?? '');
  if (!product) {
    const productId = String(field(item, 'productId') ?? '?');
    const message = `product ${productId} (${productName ?? '?'}) is not in the product catalogue; ignored`;
    return ignore('unknown_sku', 'productId', message, customerId);
  }
  if (product.excluded) {
    countExcluded(out, product.partNumber);
    return undefined;
  }
  const processed = isoDatePart(field(item, 'processedDateTime'));
  if (!processed) {
    return reject(
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

/** The items of an analytics export, each visited once the fields every analytics row has have passed. */
function parseAnalyticsItems<T>(
  json: unknown,
  file: string,
  products: ProductLookup,
  visit: (item: JsonObject, common: AnalyticsCommon, reject: RejectItem, out: Parsed<T>) => void,
): Parsed<T> {
  return parseItems<T>(json, file, ANALYTICS_ENVELOPE, undefined, (item, _path, reject, out, ignore) => {
    const common = analyticsCommon(item, reject, ignore, out, products);
    if (common) visit(item, common, reject, out);
  });
}

export function parseLicenseDeployment(
  json: unknown,
  file: string,
  products: ProductLookup,
): Parsed<DeploymentRow> {
  return parseAnalyticsItems<DeploymentRow>(json, file, products, (item, common, reject, out) => {
    const sold = checkedField(item, 'licensesSold', 'count', reject, common.customer_id);
    if (sold === undefined) return;
    const deployed = checkedField(item, 'licensesDeployed', 'count', reject, common.customer_id);
    if (deployed === undefined) return;
    out.rows.push({ ...common, licenses_sold: sold, licenses_deployed: deployed });
  });
}

export function parseLicenseUsage(json: unknown, file: string, products: ProductLookup): Parsed<UsageRow> {
  return parseAnalyticsItems<UsageRow>(json, file, products, (item, common, reject, out) => {
    const workload = normaliseWorkload(field(item, 'workloadCode'), field(item, 'workloadName'));
    if (!workload) return reject('workloadCode', 'is missing (and so is workloadName)', common.customer_id);
    // Partner Center's own docs spell it both ways.
    const activeField = field(item, 'licensesActive') !== undefined ? 'licensesActive' : 'licenseActive';
    const active = checkedField(item, activeField, 'count', reject, common.customer_id);
    if (active === undefined) return;
    const qualified = checkedField(item, 'licensesQualified', 'count', reject, common.customer_id);
    if (qualified === undefined) return;
    out.rows.push({ ...common, workload, licenses_active: active, licenses_qualified: qualified });
  });
}
