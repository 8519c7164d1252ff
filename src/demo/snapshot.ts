// One drop of the demo portfolio as of a day: what Graph, Partner Center and the help desk would export about the
// simulated customers then. Only the tickets draw random numbers, after everything else of their customer, so
// that the drops stay the same for a seed.
import { createHash } from 'node:crypto';
import { addDays } from '../dates.js';
import { copilotReport } from './copilotDemo.js';
import { FREE_POWER_BI, TICKET_CATEGORIES, WORKLOAD_CODES } from './demoCatalog.js';
import { demoOfferMatrix, demoPriceRows, demoSpendTerms } from './demoPrices.js';
import type { SimCustomer, SimSubscription } from './simulation.js';
import type {
  CompanySubscription,
  DropSpec,
  GraphUser,
  PartnerCenterSubscription,
  TenantDrop,
} from './dropSpec.js';
import { offerMatrixCsv, priceSheetCsv } from './priceFiles.js';

const OTHER_PARTNER_TENANT = '1f2e3d4c-5b6a-4978-8695-a4b3c2d1e0f9';
const DEMO_PRICE_SHEET = priceSheetCsv(demoPriceRows());
const DEMO_OFFER_MATRIX = offerMatrixCsv(demoOfferMatrix());

/** The day a snapshot is as of, and how to date a simulated day in it. */
export interface SnapshotDay {
  /** day index of the data (the drop's date minus one) */
  asOf: number;
  asOfDate: string;
  /** the simulation's first day */
  day0: string;
  dropDate: string;
  /** the demo's last drop (spend terms are placed relative to it) */
  endDate: string;
  partnerTenantId: string;
}

function conceal(upn: string): string {
  return createHash('md5').update(upn).digest('hex').toUpperCase();
}

const isGone = (deletedDay: number | undefined, asOf: number) =>
  deletedDay !== undefined && deletedDay <= asOf;

/** One subscription's rows of Partner Center's licence deployment and usage analytics. */
function partnerCenterAnalytics(
  c: SimCustomer,
  s: SimSubscription,
  day: SnapshotDay,
  out: { pcDeployment: Record<string, unknown>[]; pcUsage: Record<string, unknown>[] },
): void {
  const { asOf, asOfDate } = day;
  const holders = c.users.filter((u) => u.products.includes(s.product) && u.deletedDay === undefined);
  const base = {
    processedDateTime: `${asOfDate}T00:00:00`,
    serviceCode: 'o365',
    serviceName: 'Microsoft Office 365',
    channel: 'reseller',
    customerTenantId: c.id.toUpperCase(),
    customerName: c.name.toUpperCase(),
    productId: s.product.skuId.toUpperCase(),
    productName: s.product.name,
  };
  out.pcDeployment.push({ ...base, licensesDeployed: holders.length, licensesSold: s.units });
  for (const w of s.product.workloads) {
    const active = holders.filter((u) => {
      const last =
        w === 'sharepoint' ? Math.max(u.lastUsed.sharepoint ?? -1, u.lastUsed.onedrive ?? -1) : u.lastUsed[w];
      return last !== undefined && last >= 0 && last > asOf - 28 && last <= asOf;
    }).length;
    // Partner Center's own example spells the count "licenseActive"; the field table says "licensesActive".
    out.pcUsage.push({
      ...base,
      workloadCode: WORKLOAD_CODES[w],
      workloadName: w,
      [w === 'exchange' ? 'licenseActive' : 'licensesActive']: active,
      licensesQualified: Math.min(holders.length, s.units),
    });
  }
}

function partnerCenterSubscriptions(
  c: SimCustomer,
  ci: number,
  day: SnapshotDay,
): PartnerCenterSubscription[] {
  return c.subs
    .filter((s) => s.ownedByPartner)
    .map((s, si) => {
      // Licence spend: customer 3's first subscription has seats in their 7-day window, customer 4's a reduction
      // already scheduled for its renewal.
      const special = si > 0 ? undefined : ci === 3 ? 'refundable' : ci === 4 ? 'scheduled' : undefined;
      return {
        id: s.id,
        customerId: c.id.toUpperCase(),
        offerId: `CFQ7TTC0${s.product.part.slice(0, 4)}:0001`,
        offerName: s.product.offer,
        quantity: s.units,
        status: s.status === 'Warning' ? 'expired' : 'active',
        isTrial: s.isTrial,
        commitmentEndDate: `${addDays(day.asOfDate, 30 + (s.units % 300))}T00:00:00Z`,
        ...demoSpendTerms(
          { id: s.id, part: s.product.part, units: s.units },
          day.asOfDate,
          day.endDate,
          special,
        ),
      };
    });
}

function graphUsers(c: SimCustomer, day: SnapshotDay): GraphUser[] {
  const dateOf = (t: number | undefined) =>
    t === undefined || t > day.asOf ? undefined : addDays(day.day0, t);
  return c.users.map((u) => ({
    upn: c.concealed ? conceal(u.upn) : u.upn,
    displayName: c.concealed ? conceal(`name:${u.upn}`) : u.upn.split('@')[0],
    isDeleted: isGone(u.deletedDay, day.asOf),
    deletedDate: isGone(u.deletedDay, day.asOf) ? dateOf(u.deletedDay) : undefined,
    exchange: dateOf(u.lastUsed.exchange),
    onedrive: dateOf(u.lastUsed.onedrive),
    sharepoint: dateOf(u.lastUsed.sharepoint),
    skype: dateOf(u.lastUsed.skype),
    yammer: dateOf(u.lastUsed.yammer),
    teams: dateOf(u.lastUsed.teams),
    assignDate: addDays(day.day0, u.assignDay),
    products: [...u.products.map((p) => p.name), ...(u.free ? [FREE_POWER_BI] : [])],
  }));
}

function subscribedSkus(c: SimCustomer, asOf: number): TenantDrop['subscribedSkus'] {
  const bySku = new Map<string, { part: string; enabled: number; warning: number; consumed: number }>();
  for (const s of c.subs) {
    const e = bySku.get(s.product.skuId) ?? { part: s.product.part, enabled: 0, warning: 0, consumed: 0 };
    if (s.status === 'Enabled') e.enabled += s.units;
    if (s.status === 'Warning') e.warning += s.units;
    bySku.set(s.product.skuId, e);
  }
  for (const u of c.users) {
    if (isGone(u.deletedDay, asOf)) continue;
    for (const p of u.products) bySku.get(p.skuId)!.consumed++;
  }
  return [...bySku].map(([skuId, e]) => ({
    skuId,
    skuPartNumber: e.part,
    capabilityStatus: 'Enabled',
    consumedUnits: e.consumed,
    enabled: e.enabled,
    warning: e.warning,
    suspended: 0,
  }));
}

function tenantDrop(c: SimCustomer, users: GraphUser[], day: SnapshotDay): TenantDrop {
  const subscriptions: CompanySubscription[] = c.subs.map((s) => ({
    id: s.id,
    commerceSubscriptionId: s.id,
    skuId: s.product.skuId,
    skuPartNumber: s.product.part,
    status: s.status,
    isTrial: s.isTrial,
    totalLicenses: s.units,
    ownerTenantId: s.ownedByPartner ? day.partnerTenantId : OTHER_PARTNER_TENANT,
    createdDateTime: `${day.day0}T09:00:00Z`,
    nextLifecycleDateTime: `${addDays(day.asOfDate, 30 + (s.units % 300))}T00:00:00Z`,
  }));
  return {
    tenantId: c.id,
    refreshDate: day.asOfDate,
    users,
    // Every tenant's Copilot report: a header only where nobody holds Copilot, as Graph answers.
    copilot: copilotReport(c.copilot, day.asOf, day.day0, (upn) => (c.concealed ? conceal(upn) : upn)),
    subscriptions,
    subscribedSkus: subscribedSkus(c, day.asOf),
  };
}

/** The help desk's tickets of one customer that day: none most days, one or two on some. */
function drawTickets(
  c: SimCustomer,
  day: SnapshotDay,
  rand: () => number,
  tickets: NonNullable<DropSpec['tickets']>,
) {
  const ticketsToday = rand() < 0.35 ? 1 + Math.floor(rand() * 2) : 0;
  for (let k = 0; k < ticketsToday; k++) {
    tickets.push({
      ticket_id: `T-${day.dropDate.replace(/-/g, '')}-${tickets.length + 1}`,
      customer_id: c.id,
      opened_at: `${day.asOfDate}T${String(8 + k).padStart(2, '0')}:15:00Z`,
      category: TICKET_CATEGORIES[Math.floor(rand() * TICKET_CATEGORIES.length)]!,
      product: c.subs[0]!.product.offer,
    });
  }
}

export function snapshot(customers: SimCustomer[], day: SnapshotDay, rand: () => number): DropSpec {
  const analytics = {
    pcDeployment: [] as Record<string, unknown>[],
    pcUsage: [] as Record<string, unknown>[],
  };
  const tenants: TenantDrop[] = [];
  const pcSubscriptions: PartnerCenterSubscription[] = [];
  const tickets: NonNullable<DropSpec['tickets']> = [];
  for (const [ci, c] of customers.entries()) {
    pcSubscriptions.push(...partnerCenterSubscriptions(c, ci, day));
    if (c.partnerCenterOnly) {
      for (const s of c.subs) partnerCenterAnalytics(c, s, day, analytics);
      continue;
    }
    // Partner Center's analytics cover every customer; they matter for the products Graph's user report cannot
    // measure (Dynamics 365), whose usage they give.
    for (const s of c.subs.filter((s) => s.ownedByPartner && s.product.workloads.includes('dynamics')))
      partnerCenterAnalytics(c, s, day, analytics);
    tenants.push(tenantDrop(c, graphUsers(c, day), day));
    drawTickets(c, day, rand, tickets);
  }
  return {
    customers: customers.map((c) => ({
      customer_id: c.id,
      customer_name: c.name,
      owner_email: c.owner,
      locale: c.locale,
      segment: c.users.length > 60 ? 'Enterprise' : 'SMB',
    })),
    tickets,
    tenants,
    pcSubscriptions,
    ...analytics,
    // Demo list prices in Partner Center's format (DEMO VALUES, see demoPrices.ts), and the offer matrix.
    partnerCenterFiles: { 'pricesheet.csv': DEMO_PRICE_SHEET, 'offermatrix.csv': DEMO_OFFER_MATRIX },
  };
}
