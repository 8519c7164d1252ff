// Writes a drop folder in Microsoft's real export formats (formats.md): the Graph user report with its 24-column
// header, companySubscription and subscribedSku JSON, Partner Center subscriptions and analytics envelopes, then
// manifest.json last. Used by the demo generator and by tests that build drops by hand.
import { createHash } from 'node:crypto';
import { countCsvRows } from '../ingest/manifest.js';
import { mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';

export const GRAPH_USER_HEADER = [
  'Report Refresh Date',
  'User Principal Name',
  'Display Name',
  'Is Deleted',
  'Deleted Date',
  'Has Exchange License',
  'Has OneDrive License',
  'Has SharePoint License',
  'Has Skype For Business License',
  'Has Yammer License',
  'Has Teams License',
  'Exchange Last Activity Date',
  'OneDrive Last Activity Date',
  'SharePoint Last Activity Date',
  'Skype For Business Last Activity Date',
  'Yammer Last Activity Date',
  'Teams Last Activity Date',
  'Exchange License Assign Date',
  'OneDrive License Assign Date',
  'SharePoint License Assign Date',
  'Skype For Business License Assign Date',
  'Yammer License Assign Date',
  'Teams License Assign Date',
  'Assigned Products',
];

export interface GraphUser {
  upn: string;
  displayName?: string;
  isDeleted?: boolean;
  deletedDate?: string;
  exchange?: string;
  onedrive?: string;
  sharepoint?: string;
  skype?: string;
  yammer?: string;
  teams?: string;
  assignDate?: string;
  products: string[]; // upper-case display names
}

export interface CompanySubscription {
  id: string;
  skuId: string;
  skuPartNumber: string;
  status: 'Enabled' | 'Warning' | 'Suspended' | 'Deleted' | 'LockedOut';
  isTrial: boolean;
  totalLicenses: number;
  ownerTenantId: string;
  commerceSubscriptionId?: string;
  createdDateTime?: string;
  nextLifecycleDateTime?: string;
}

export interface PartnerCenterSubscription {
  id: string;
  customerId: string;
  offerId: string;
  offerName: string;
  quantity: number;
  status: 'active' | 'expired' | 'suspended' | 'disabled' | 'deleted' | 'pending' | 'none';
  isTrial: boolean;
  commitmentEndDate?: string;
}

export interface TenantDrop {
  tenantId: string;
  refreshDate: string;
  users?: GraphUser[];
  subscriptions?: CompanySubscription[];
  subscribedSkus?: {
    skuId: string;
    skuPartNumber: string;
    capabilityStatus: string;
    consumedUnits: number;
    enabled: number;
    warning: number;
    suspended: number;
  }[];
}

export interface CustomerRow {
  customer_id: string;
  customer_name: string;
  owner_email: string;
  locale?: string;
  segment?: string;
}

export interface DropSpec {
  customers?: CustomerRow[];
  tickets?: {
    ticket_id: string;
    customer_id: string;
    opened_at: string;
    category: string;
    product?: string;
  }[];
  tenants: TenantDrop[];
  pcSubscriptions?: PartnerCenterSubscription[];
  pcDeployment?: Record<string, unknown>[];
  pcUsage?: Record<string, unknown>[];
}

/** RFC 4180 quoting: only where needed, doubling quotes. */
export function csvField(v: string | number | boolean | undefined | null): string {
  const s = v === undefined || v === null ? '' : String(v);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function csvLines(
  header: string[],
  rows: (string | number | boolean | undefined | null)[][],
  eol = '\r\n',
): string {
  return [header, ...rows].map((r) => r.map(csvField).join(',')).join(eol) + eol;
}

const tf = (b: boolean) => (b ? 'True' : 'False');

export function graphUserCsv(refreshDate: string, users: GraphUser[]): string {
  const rows = users.map((u) => {
    const has = (w: string | undefined) => tf(u.products.length > 0 && w !== 'none');
    return [
      refreshDate,
      u.upn,
      u.displayName ?? u.upn,
      tf(u.isDeleted ?? false),
      u.deletedDate ?? '',
      has(''),
      has(''),
      has(''),
      has(''),
      has(''),
      has(''),
      u.exchange ?? '',
      u.onedrive ?? '',
      u.sharepoint ?? '',
      u.skype ?? '',
      u.yammer ?? '',
      u.teams ?? '',
      u.assignDate ?? '',
      u.assignDate ?? '',
      u.assignDate ?? '',
      u.assignDate ?? '',
      u.assignDate ?? '',
      u.assignDate ?? '',
      u.products.join('+'),
    ];
  });
  // Graph's download starts with a UTF-8 byte-order mark and uses CRLF line ends.
  return `\uFEFF${csvLines(GRAPH_USER_HEADER, rows)}`;
}

/**
 * Every file of the drop but manifest.json, by its '/'-separated path in the drop, as the exporter writes it. The
 * fake of Microsoft (src/fake-microsoft) serves these same bytes, so that a collected drop can be compared with one
 * written directly.
 */
export function renderDropFiles(spec: DropSpec): Map<string, string> {
  const files = new Map<string, string>();
  const write = (rel: string, text: string) => files.set(rel.split(path.sep).join('/'), text);
  const dropDir = '';
  if (spec.customers) {
    write(
      path.join(dropDir, 'customers.csv'),
      csvLines(
        ['customer_id', 'customer_name', 'owner_email', 'locale', 'segment'],
        spec.customers.map((c) => [
          c.customer_id,
          c.customer_name,
          c.owner_email,
          c.locale ?? '',
          c.segment ?? '',
        ]),
        '\n',
      ),
    );
  }
  if (spec.tickets) {
    write(
      path.join(dropDir, 'tickets.csv'),
      csvLines(
        ['ticket_id', 'customer_id', 'opened_at', 'category', 'product'],
        spec.tickets.map((t) => [t.ticket_id, t.customer_id, t.opened_at, t.category, t.product ?? '']),
        '\n',
      ),
    );
  }
  for (const t of spec.tenants) {
    const dir = path.join(dropDir, 'tenants', t.tenantId);
    if (t.users) write(path.join(dir, 'office365ActiveUserDetail.csv'), graphUserCsv(t.refreshDate, t.users));
    if (t.subscriptions) {
      write(
        path.join(dir, 'subscriptions.json'),
        JSON.stringify(
          {
            '@odata.context': 'https://graph.microsoft.com/v1.0/$metadata#directory/subscriptions',
            value: t.subscriptions,
          },
          null,
          1,
        ),
      );
    }
    if (t.subscribedSkus) {
      write(
        path.join(dir, 'subscribedSkus.json'),
        JSON.stringify(
          {
            '@odata.context': 'https://graph.microsoft.com/v1.0/$metadata#subscribedSkus',
            value: t.subscribedSkus.map((s) => ({
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
          },
          null,
          1,
        ),
      );
    }
  }
  if (spec.pcSubscriptions) {
    write(
      path.join(dropDir, 'partner-center', 'subscriptions.json'),
      JSON.stringify(
        {
          totalCount: spec.pcSubscriptions.length,
          items: spec.pcSubscriptions.map((s) => ({
            ...s,
            unitType: 'Licenses',
            billingCycle: 'monthly',
            attributes: { objectType: 'Subscription' },
          })),
          attributes: { objectType: 'Collection' },
        },
        null,
        1,
      ),
    );
  }
  if (spec.pcDeployment) {
    write(
      path.join(dropDir, 'partner-center', 'licenses-deployment.json'),
      JSON.stringify(
        { Value: spec.pcDeployment, '@nextLink': null, TotalCount: spec.pcDeployment.length },
        null,
        1,
      ),
    );
  }
  if (spec.pcUsage) {
    write(
      path.join(dropDir, 'partner-center', 'licenses-usage.json'),
      JSON.stringify({ Value: spec.pcUsage, '@nextLink': null, TotalCount: spec.pcUsage.length }, null, 1),
    );
  }
  return files;
}

export function writeDrop(dropDir: string, spec: DropSpec): void {
  mkdirSync(dropDir, { recursive: true });
  for (const [rel, text] of renderDropFiles(spec)) {
    const file = path.join(dropDir, rel);
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, text);
  }
  writeManifest(dropDir);
}

/** manifest.json, written last: every file's size, row count (CSV) and sha256. */
export function writeManifest(dropDir: string, files: string[] = listFiles(dropDir)): void {
  const entries = files
    .filter((f) => f !== 'manifest.json')
    .map((rel) => {
      const buf = readFileSync(path.join(dropDir, rel));
      const rows = rel.endsWith('.csv') ? countCsvRows(buf) : undefined;
      return {
        path: rel,
        bytes: buf.length,
        sha256: createHash('sha256').update(buf).digest('hex'),
        ...(rows !== undefined ? { rows } : {}),
      };
    });
  writeFileSync(path.join(dropDir, 'manifest.json'), JSON.stringify({ files: entries }, null, 1));
}

function listFiles(dir: string, base = dir): string[] {
  const out: string[] = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const abs = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...listFiles(abs, base));
    else out.push(path.relative(base, abs).split(path.sep).join('/'));
  }
  return out.sort();
}
