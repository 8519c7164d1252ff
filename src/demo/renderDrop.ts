// Every file of a drop but manifest.json, by its '/'-separated path in the drop, as the exporters write them. The
// fake of Microsoft (src/fake-microsoft) serves these same bytes, so that a collected drop can be compared with
// one written directly.
import path from 'node:path';
import { csvLines } from '../csvText.js';
import type { CustomerRow, DropSpec, TenantDrop } from './dropSpec.js';
import { copilotUsageCsv, graphUserCsv } from './reportCsv.js';

type DropFiles = Map<string, string | Uint8Array>;

/** A file's key: its path in the drop, normalised as path.join does, with '/' on every system. */
const rel = (...parts: string[]) =>
  path
    .join(...parts)
    .split(path.sep)
    .join('/');

/** Graph and Partner Center print their JSON with one space of indent in these files. */
const json = (doc: unknown) => JSON.stringify(doc, null, 1);

/** The partner's customer list (customers.csv), LF line ends as the partner's tools write it. */
export function customersCsv(customers: readonly CustomerRow[]): string {
  return csvLines(
    ['customer_id', 'customer_name', 'owner_email', 'locale', 'segment'],
    customers.map((c) => [c.customer_id, c.customer_name, c.owner_email, c.locale ?? '', c.segment ?? '']),
    '\n',
  );
}

/** The help desk's export (tickets.csv). */
export function ticketsCsv(tickets: NonNullable<DropSpec['tickets']>): string {
  return csvLines(
    ['ticket_id', 'customer_id', 'opened_at', 'category', 'product'],
    tickets.map((t) => [t.ticket_id, t.customer_id, t.opened_at, t.category, t.product ?? '']),
    '\n',
  );
}

function subscribedSkusJson(t: TenantDrop): string {
  return json({
    '@odata.context': 'https://graph.microsoft.com/v1.0/$metadata#subscribedSkus',
    value: (t.subscribedSkus ?? []).map((s) => ({
      accountId: t.tenantId,
      appliesTo: 'User',
      capabilityStatus: s.capabilityStatus,
      consumedUnits: s.consumedUnits,
      id: `${t.tenantId}_${s.skuId}`,
      skuId: s.skuId,
      skuPartNumber: s.skuPartNumber,
      prepaidUnits: { enabled: s.enabled, lockedOut: 0, suspended: s.suspended, warning: s.warning },
      servicePlans: [],
    })),
  });
}

function renderTenant(files: DropFiles, t: TenantDrop): void {
  const dir = rel('tenants', t.tenantId);
  if (t.users) files.set(rel(dir, 'office365ActiveUserDetail.csv'), graphUserCsv(t.refreshDate, t.users));
  if (t.copilot) files.set(rel(dir, 'copilotUsageUserDetail.csv'), copilotUsageCsv(t.copilot));
  if (t.subscriptions)
    files.set(
      rel(dir, 'subscriptions.json'),
      json({
        '@odata.context': 'https://graph.microsoft.com/v1.0/$metadata#directory/subscriptions',
        value: t.subscriptions,
      }),
    );
  if (t.subscribedSkus) files.set(rel(dir, 'subscribedSkus.json'), subscribedSkusJson(t));
}

/** Partner Center's analytics envelope: every row on one page. */
const analyticsJson = (rows: Record<string, unknown>[]) =>
  json({ Value: rows, '@nextLink': null, TotalCount: rows.length });

function renderPartnerCenter(files: DropFiles, spec: DropSpec): void {
  if (spec.pcSubscriptions)
    files.set(
      rel('partner-center', 'subscriptions.json'),
      json({
        totalCount: spec.pcSubscriptions.length,
        items: spec.pcSubscriptions.map((s) => ({
          ...s,
          unitType: 'Licenses',
          billingCycle: s.billingCycle ?? 'monthly',
          attributes: { objectType: 'Subscription' },
        })),
        attributes: { objectType: 'Collection' },
      }),
    );
  if (spec.pcDeployment)
    files.set(rel('partner-center', 'licenses-deployment.json'), analyticsJson(spec.pcDeployment));
  if (spec.pcUsage) files.set(rel('partner-center', 'licenses-usage.json'), analyticsJson(spec.pcUsage));
  for (const [name, body] of Object.entries(spec.partnerCenterFiles ?? {}))
    files.set(rel('partner-center', name), body);
}

export function renderDropFiles(spec: DropSpec): DropFiles {
  const files: DropFiles = new Map();
  if (spec.customers) files.set('customers.csv', customersCsv(spec.customers));
  if (spec.tickets) files.set('tickets.csv', ticketsCsv(spec.tickets));
  for (const t of spec.tenants) renderTenant(files, t);
  renderPartnerCenter(files, spec);
  return files;
}
