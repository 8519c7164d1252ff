// The row both subscription sources yield (Graph's tenant subscriptions.json and Partner Center's), for
// stg_subscriptions, and the spend terms Partner Center's items carry (for stg_subscription_terms).
import type { ColumnType } from '../../warehouse/insertRows.js';
import { checkedField, field, type JsonObject, type RejectItem } from '../jsonSources.js';
import type { SubscriptionStatus } from '../statuses.js';

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

/** stg_subscriptions, column by column (queries/staging/stg_subscriptions.sql). */
export const SUBSCRIPTION_COLUMNS: [string, ColumnType][] = [
  ['snapshot_date', 'date'],
  ['customer_id', 'varchar'],
  ['source', 'varchar'],
  ['subscription_id', 'varchar'],
  ['commerce_subscription_id', 'varchar'],
  ['sku_id', 'varchar'],
  ['status_raw', 'varchar'],
  ['status', 'varchar'],
  ['is_trial', 'boolean'],
  ['units', 'bigint'],
  ['owner_tenant_id', 'varchar'],
  ['term_end', 'date'],
];

/**
 * The state both sources give a subscription item: its status in the one vocabulary (DESIGN.md §1.4), its licence
 * count (`unitsField`) and whether it is a trial; undefined, with the item set aside, when one cannot be read.
 */
export function subscriptionState(
  item: JsonObject,
  opts: { unitsField: string; status: (raw: string) => SubscriptionStatus | undefined; customerId: string },
  reject: RejectItem,
): Pick<SubscriptionRow, 'status_raw' | 'status' | 'units' | 'is_trial'> | undefined {
  const { customerId } = opts;
  const statusRaw = String(field(item, 'status') ?? '');
  const status = opts.status(statusRaw);
  if (!status)
    return reject('status', `unknown subscription status ${JSON.stringify(statusRaw)}`, customerId);
  const units = checkedField(item, opts.unitsField, 'count', reject, customerId);
  if (units === undefined) return undefined;
  const isTrial = checkedField(item, 'isTrial', 'boolean', reject, customerId);
  if (isTrial === undefined) return undefined;
  return { status_raw: statusRaw, status, units, is_trial: isTrial };
}
