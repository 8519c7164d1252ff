// Writes a drop folder in Microsoft's real export formats (formats.md): the Graph user report with its 24-column
// header, companySubscription and subscribedSku JSON, Partner Center subscriptions and analytics envelopes, then
// manifest.json last. Used by the demo generator and by tests that build drops by hand.
import { createHash } from 'node:crypto';
import type { CopilotApp } from '../config/schema.js';
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
  // Licence spend (licence-spend.md §4.1)
  termDuration?: string;
  billingCycle?: string;
  effectiveStartDate?: string;
  autoRenewEnabled?: boolean;
  refundableQuantity?: {
    totalQuantity: number;
    details: { quantity: number; allowedUntilDateTime: string }[];
  };
  scheduledNextTermInstructions?: Record<string, unknown>;
}

/** One row of Partner Center's NCE licence-based price list (licence-spend.md §2.1), as text. */
export interface PriceSheetRow {
  ProductTitle: string;
  ProductId: string;
  SkuId: string;
  SkuTitle: string;
  TermDuration: string;
  BillingPlan: string;
  Market: string;
  Currency: string;
  UnitPrice: string;
  EffectiveStartDate: string;
  EffectiveEndDate: string;
  Tags?: string;
  ErpPrice?: string;
}

/**
 * The price list as Partner Center downloads it: a UTF-8 byte-order mark, every field quoted, CRLF, and the documented
 * header's typographic closing quote on "ERP Price“ (licence-spend.md §2.1).
 */
export function priceSheetCsv(rows: PriceSheetRow[]): string {
  const q = (v: string) => `"${v.replace(/"/g, '""')}"`;
  const header =
    '"ProductTitle","ProductId","SkuId","SkuTitle","Publisher","SkuDescription","UnitOfMeasure","TermDuration",' +
    '"BillingPlan","Market","Currency","UnitPrice","PricingTierRangeMin","PricingTierRangeMax",' +
    '"EffectiveStartDate","EffectiveEndDate","Tags","ERP Price\u201C';
  const lines = rows.map((r) =>
    [
      r.ProductTitle,
      r.ProductId,
      r.SkuId,
      r.SkuTitle,
      'Microsoft Corporation',
      `${r.SkuTitle}, licence-based`,
      '',
      r.TermDuration,
      r.BillingPlan,
      r.Market,
      r.Currency,
      r.UnitPrice,
      '',
      '',
      r.EffectiveStartDate,
      r.EffectiveEndDate,
      r.Tags ?? 'License',
      r.ErpPrice ?? r.UnitPrice,
    ]
      .map(q)
      .join(','),
  );
  return `\uFEFF${[header, ...lines].join('\r\n')}\r\n`;
}

/** Partner Center's offer matrix (licence-spend.md §3.1): ProvisioningId is the Graph skuId. */
export function offerMatrixCsv(
  rows: {
    ProductTitle: string;
    ProductId: string;
    SkuId: string;
    ProvisioningId: string;
    ProvisioningString: string;
  }[],
): string {
  const header = [
    'ProductTitle',
    'ProductId',
    'SkuId',
    'SkuTitle',
    'ProvisioningId',
    'ProvisioningString',
    'MinLicenses',
    'MaxLicenses',
    'AssetOwnershipLimit',
    'AssetOwnershipLimitType',
    'ProductSkuPreRequisites',
    'ProductSkuConversion',
    'Description',
    'AllowedCountries',
  ];
  const q = (v: string) => `"${v.replace(/"/g, '""')}"`;
  const lines = rows.map((r) =>
    [
      r.ProductTitle,
      r.ProductId,
      r.SkuId,
      r.ProductTitle,
      r.ProvisioningId,
      r.ProvisioningString,
      '1',
      '300',
      '',
      '',
      '',
      '',
      r.ProductTitle,
      'US;GB;DE',
    ]
      .map(q)
      .join(','),
  );
  return `\uFEFF${[header.map(q).join(','), ...lines].join('\r\n')}\r\n`;
}

/** A user of Graph's Microsoft 365 Copilot usage report: last-activity dates, any app and per app. */
export interface CopilotUser {
  upn: string;
  last?: string;
  apps?: Partial<Record<CopilotApp, string>>;
  prompts?: number;
}

/** The Copilot usage report of a tenant: its own refresh date (Copilot data lags), v1 or v2 layout. */
export interface CopilotReport {
  refreshDate: string;
  layout: 'v1' | 'v2';
  users: CopilotUser[];
}

const COPILOT_V1_APPS: [CopilotApp, string][] = [
  ['copilot_chat', 'Copilot Chat Last Activity Date'],
  ['copilot_teams', 'Microsoft Teams Copilot Last Activity Date'],
  ['copilot_word', 'Word Copilot Last Activity Date'],
  ['copilot_excel', 'Excel Copilot Last Activity Date'],
  ['copilot_powerpoint', 'PowerPoint Copilot Last Activity Date'],
  ['copilot_outlook', 'Outlook Copilot Last Activity Date'],
  ['copilot_onenote', 'OneNote Copilot Last Activity Date'],
  ['copilot_loop', 'Loop Copilot Last Activity Date'],
];
const COPILOT_V2_APPS: [CopilotApp, string][] = [
  ['copilot_chat_work', 'Copilot Chat (work) Last Activity Date'],
  ['copilot_chat_web', 'Copilot Chat (web) Last Activity Date'],
  ['copilot_m365_app', 'Microsoft 365 Copilot Last Activity Date'],
  ['copilot_edge', 'Edge Last Activity Date'],
  ['copilot_agent', 'Copilot Agent Last Activity Date'],
];

/**
 * getMicrosoft365CopilotUsageUserDetail as downloaded: v1 as in the v1.0 examples (Report Period last); v2 with
 * its added columns and Report Period second, as the older beta page has it (the order has changed over time).
 */
export function copilotUsageCsv(report: CopilotReport): string {
  const apps = report.layout === 'v2' ? [...COPILOT_V1_APPS, ...COPILOT_V2_APPS] : COPILOT_V1_APPS;
  const period = report.layout === 'v2' ? '28' : '30';
  const header =
    report.layout === 'v2'
      ? [
          'Report Refresh Date',
          'Report Period',
          'User Principal Name',
          'Display Name',
          'Last Activity Date',
          ...apps.map(([, h]) => h),
          'Prompts submitted for all apps',
          'Prompts submitted for Copilot Chat (work)',
          'Prompts submitted for Copilot Chat (web)',
          'Active Usage Days for all apps',
        ]
      : [
          'Report Refresh Date',
          'User Principal Name',
          'Display Name',
          'Last Activity Date',
          ...apps.map(([, h]) => h),
          'Report Period',
        ];
  const rows = report.users.map((u) => {
    const dates = apps.map(([a]) => u.apps?.[a] ?? '');
    const name = /^[0-9A-F]{32}$/.test(u.upn) ? u.upn : u.upn.split('@')[0]!;
    return report.layout === 'v2'
      ? [
          report.refreshDate,
          period,
          u.upn,
          name,
          u.last ?? '',
          ...dates,
          u.prompts ?? 0,
          0,
          0,
          u.last ? 3 : 0,
        ]
      : [report.refreshDate, u.upn, name, u.last ?? '', ...dates, period];
  });
  return csvLines(header, rows);
}

export interface TenantDrop {
  tenantId: string;
  refreshDate: string;
  users?: GraphUser[];
  /** Graph's Copilot usage report; an empty users list writes a header-only file (a tenant without Copilot) */
  copilot?: CopilotReport;
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
  /** partner-center/ files written as given (price list, offer matrix, or a broken file for a test), by name */
  partnerCenterFiles?: Record<string, string | Uint8Array>;
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
export function renderDropFiles(spec: DropSpec): Map<string, string | Uint8Array> {
  const files = new Map<string, string | Uint8Array>();
  const write = (rel: string, text: string | Uint8Array) => files.set(rel.split(path.sep).join('/'), text);
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
    if (t.copilot) write(path.join(dir, 'copilotUsageUserDetail.csv'), copilotUsageCsv(t.copilot));
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
            billingCycle: s.billingCycle ?? 'monthly',
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
  for (const [name, body] of Object.entries(spec.partnerCenterFiles ?? {}))
    write(path.join('partner-center', name), body);
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
