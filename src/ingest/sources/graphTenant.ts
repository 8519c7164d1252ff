// A tenant's Graph JSON exports (tenants/<id>/subscriptions.json and subscribedSkus.json, formats.md §1): pure
// parsers, each returning the rows it could read and an issue for every item it set aside.
import type { ColumnType } from '../../warehouse/insertRows.js';
import { countExcluded, checkedField, field, parseItems } from '../jsonSources.js';
import type { JsonObject, Parsed } from '../jsonSources.js';
import type { ProductLookup } from '../productLookup.js';
import { normaliseGraphStatus } from '../statuses.js';
import { isoDatePart, normaliseGuid, readCount } from '../values.js';
import { subscriptionState, type SubscriptionRow } from './subscriptionRows.js';

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

/** stg_subscribed_skus, column by column (queries/staging/stg_subscribed_skus.sql). */
export const SUBSCRIBED_SKU_COLUMNS: [string, ColumnType][] = [
  ['snapshot_date', 'date'],
  ['customer_id', 'varchar'],
  ['sku_id', 'varchar'],
  ['part_number', 'varchar'],
  ['capability_status', 'varchar'],
  ['consumed_units', 'bigint'],
  ['enabled_units', 'bigint'],
  ['warning_units', 'bigint'],
  ['suspended_units', 'bigint'],
  ['locked_out_units', 'bigint'],
];

/** /directory/subscriptions: one row per subscription of a catalogue SKU. */
export function parseGraphSubscriptions(
  json: unknown,
  file: string,
  customerId: string,
  products: ProductLookup,
): Parsed<SubscriptionRow> {
  return parseItems<SubscriptionRow>(json, file, ['value'], customerId, (item, path, reject, out, ignore) => {
    const skuId = checkedField(item, 'skuId', 'guid', reject, customerId);
    if (!skuId) return;
    const state = subscriptionState(
      item,
      { unitsField: 'totalLicenses', status: normaliseGraphStatus, customerId },
      reject,
    );
    if (!state) return;
    const product = products.bySkuId(skuId);
    if (!product) {
      const partNumber = String(field(item, 'skuPartNumber') ?? '?');
      const message = `SKU ${skuId} (${partNumber}) is not in the product catalogue; its subscription is ignored`;
      return ignore('unknown_sku', 'skuId', message, customerId);
    }
    if (product.excluded) return countExcluded(out, product.partNumber);
    out.rows.push({
      customer_id: customerId,
      source: 'graph',
      subscription_id:
        normaliseGuid(field(item, 'id')) ?? String(field(item, 'id') ?? `${skuId}#${path}`).toLowerCase(),
      commerce_subscription_id: normaliseGuid(field(item, 'commerceSubscriptionId')) ?? null,
      sku_id: skuId,
      ...state,
      owner_tenant_id: normaliseGuid(field(item, 'ownerTenantId')) ?? null,
      term_end: isoDatePart(field(item, 'nextLifecycleDateTime')) ?? null,
    });
  });
}

/** /subscribedSkus: one row per SKU the tenant has (free/viral SKUs counted, not kept). */
export function parseSubscribedSkus(
  json: unknown,
  file: string,
  customerId: string,
  products: ProductLookup,
): Parsed<SubscribedSkuRow> {
  return parseItems<SubscribedSkuRow>(json, file, ['value'], customerId, (item, path, reject, out) => {
    const skuId = checkedField(item, 'skuId', 'guid', reject, customerId);
    if (!skuId) return;
    const product = products.bySkuId(skuId);
    if (product?.excluded) return countExcluded(out, product.partNumber);
    const prepaid = (field(item, 'prepaidUnits') ?? {}) as JsonObject;
    out.rows.push({
      customer_id: customerId,
      sku_id: skuId,
      part_number: (field(item, 'skuPartNumber') as string | undefined) ?? null,
      capability_status: (field(item, 'capabilityStatus') as string | undefined) ?? null,
      consumed_units: readCount(field(item, 'consumedUnits')) ?? null,
      enabled_units: readCount(field(prepaid, 'enabled')) ?? null,
      warning_units: readCount(field(prepaid, 'warning')) ?? null,
      suspended_units: readCount(field(prepaid, 'suspended')) ?? null,
      locked_out_units: readCount(field(prepaid, 'lockedOut')) ?? null,
    });
  });
}
