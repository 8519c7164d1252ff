// A seeded simulation of a partner's portfolio, producing one drop per snapshot date in the real export formats.
// Users use workloads day by day with a customer-level propensity that drifts over the weeks; employees leave and
// are replaced; some tenants conceal user names. It includes the cases DESIGN.md §1.2 names: a trial, a
// subscription in its grace period, other partners' subscriptions, Yammer-only users, and a customer known only
// through Partner Center analytics.
import { createHash } from 'node:crypto';
import { addDays, daysBetween } from '../dates.js';
import {
  COPILOT_SKU,
  COPILOT_STATES,
  copilotReport,
  planCopilot,
  simulateCopilotDay,
  type CopilotSim,
} from './copilotDemo.js';
import { demoOfferMatrix, demoPriceRows, demoSpendTerms } from './demoPrices.js';
import { offerMatrixCsv, priceSheetCsv } from './writeDrop.js';
import type {
  CompanySubscription,
  CustomerRow,
  DropSpec,
  GraphUser,
  PartnerCenterSubscription,
  TenantDrop,
} from './writeDrop.js';

export interface DemoOptions {
  seed: number;
  customers: number;
  owners: number;
  /** the last drop's date */
  endDate: string;
  /** number of drops */
  drops: number;
  /** days between drops */
  cadenceDays: number;
  /** average licensed users per customer */
  usersPerCustomer: number;
  partnerTenantId: string;
}

export const DEMO_PARTNER_TENANT = '9b0d3c2a-5e4f-4a1b-8c7d-6e5f4a3b2c1d';
const OTHER_PARTNER_TENANT = '1f2e3d4c-5b6a-4978-8695-a4b3c2d1e0f9';

export const DEMO_DEFAULTS: DemoOptions = {
  seed: 7,
  customers: 42,
  owners: 8,
  endDate: '2026-11-23',
  drops: 56,
  cadenceDays: 1,
  usersPerCustomer: 40,
  partnerTenantId: DEMO_PARTNER_TENANT,
};

/** mulberry32: small, fast, good enough for demo data, and the same on every machine. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function guid(rand: () => number): string {
  const h = Array.from({ length: 32 }, () => Math.floor(rand() * 16).toString(16)).join('');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-${'89ab'[Math.floor(rand() * 4)]}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

interface DemoProduct {
  skuId: string;
  part: string;
  name: string; // as Graph prints it in Assigned Products
  offer: string; // as Partner Center prints the offer
  workloads: ('exchange' | 'sharepoint' | 'skype' | 'teams' | 'yammer' | 'dynamics')[];
}

const FULL = ['exchange', 'sharepoint', 'teams', 'skype', 'yammer'] as DemoProduct['workloads'];
const PRODUCTS: DemoProduct[] = [
  {
    skuId: '05e9a617-0261-4cee-bb44-138d3ef5d965',
    part: 'SPE_E3',
    name: 'MICROSOFT 365 E3',
    offer: 'Microsoft 365 E3',
    workloads: FULL,
  },
  {
    skuId: '06ebc4ee-1bb5-47dd-8120-11324bc54e06',
    part: 'SPE_E5',
    name: 'MICROSOFT 365 E5',
    offer: 'Microsoft 365 E5',
    workloads: FULL,
  },
  {
    skuId: 'f245ecc8-75af-4f8e-b61f-27d8114de5f3',
    part: 'O365_BUSINESS_PREMIUM',
    name: 'MICROSOFT 365 BUSINESS STANDARD',
    offer: 'Microsoft 365 Business Standard',
    workloads: FULL,
  },
  {
    skuId: '3b555118-da6a-4418-894f-7df1e2096870',
    part: 'O365_BUSINESS_ESSENTIALS',
    name: 'MICROSOFT 365 BUSINESS BASIC',
    offer: 'Microsoft 365 Business Basic',
    workloads: FULL,
  },
  {
    skuId: 'cbdc14ab-d96c-4c30-b9f4-6ada7cdc1d46',
    part: 'SPB',
    name: 'MICROSOFT 365 BUSINESS PREMIUM',
    offer: 'Microsoft 365 Business Premium',
    workloads: FULL,
  },
  {
    skuId: '6fd2c87f-b296-42f0-b197-1e91e994b900',
    part: 'ENTERPRISEPACK',
    name: 'OFFICE 365 E3',
    offer: 'Office 365 E3',
    workloads: FULL,
  },
  {
    skuId: '4b9405b0-7788-4568-add1-99614e613b69',
    part: 'EXCHANGESTANDARD',
    name: 'EXCHANGE ONLINE (PLAN 1)',
    offer: 'Exchange Online (Plan 1)',
    workloads: ['exchange'],
  },
  {
    skuId: 'c2273bd0-dff7-4215-9ef5-2c7bcfb06425',
    part: 'OFFICESUBSCRIPTION',
    name: 'MICROSOFT 365 APPS FOR ENTERPRISE',
    offer: 'Microsoft 365 Apps for enterprise',
    workloads: ['sharepoint'],
  },
  {
    skuId: '1e1a282c-9c54-43a2-9310-98ef728faace',
    part: 'DYN365_ENTERPRISE_SALES',
    name: 'DYNAMICS 365 FOR SALES ENTERPRISE EDITION',
    offer: 'Dynamics 365 Sales Enterprise Edition',
    workloads: ['dynamics'],
  },
];
const E5 = PRODUCTS[1]!;
// Copilot's activity is its own report's, simulated in copilotDemo.ts: no Office workload here.
const COPILOT: DemoProduct = { ...COPILOT_SKU, workloads: [] };
const DEMO_PRICE_SHEET = priceSheetCsv(demoPriceRows());
const DEMO_OFFER_MATRIX = offerMatrixCsv(demoOfferMatrix());
const FREE_POWER_BI = 'POWER BI (FREE)';

const NAMES = [
  'Fabrikam',
  'Northwind Traders',
  'Tailspin Toys',
  'Wingtip Toys',
  'Adventure Works',
  'Litware',
  'Proseware',
  'Woodgrove Bank',
  'Alpine Ski House',
  'Coho Winery',
  'Fourth Coffee',
  'Lamna Healthcare',
  "Margie's Travel",
  'Trey Research',
  'Wide World Importers',
  'Blue Yonder Airlines',
  'City Power & Light',
  'Graphic Design Institute',
  'Humongous Insurance',
  'Lucerne Publishing',
  'Relecloud',
  'Southridge Video',
  'VanArsdel',
  'A. Datum',
  'Consolidated Messenger',
  'Bellows College',
  'Best For You Organics',
  "Munson's Pickles",
  'Nod Publishers',
  'Olympia',
  'School of Fine Art',
  'The Phone Company',
  'Contoso Pharmaceuticals',
  'Datum Logistics',
  'Fincher Architects',
  'Hexa Robotics',
  'Kinetic Foods',
  'Liberty Delightful',
  'Pyramid Dental',
  'Quantum Sails',
  'Redmond Cycles',
  'Sunrise Clinics',
];
const SUFFIXES = ['Ltd', 'GmbH', 'Inc.', 'S.A.', 'plc', 'Pty Ltd', 'Co.'];
const OWNERS = [
  ['alex.wilber', 'en'],
  ['megan.bowen', 'en'],
  ['lee.gu', 'zh-CN'],
  ['nestor.wilke', 'en'],
  ['isaiah.langer', 'en'],
  ['lidia.holloway', 'en'],
  ['wang.fang', 'zh-CN'],
  ['joni.sherman', 'en'],
];
/** The demo's account managers as config describes them (config recipients): name, locale, time zone. */
export function demoAccountManagers(
  owners: number,
): { email: string; name: string; locale: 'en' | 'zh-CN'; timeZone: string }[] {
  return Array.from({ length: owners }, (_, i) => {
    const [handle, locale] = OWNERS[i % OWNERS.length]!;
    const name = handle!
      .split('.')
      .map((w) => w[0]!.toUpperCase() + w.slice(1))
      .join(' ');
    return {
      email: `${handle}${i >= OWNERS.length ? i : ''}@contoso-partner.example`,
      name,
      locale: locale as 'en' | 'zh-CN',
      timeZone: locale === 'zh-CN' ? 'Asia/Shanghai' : 'Europe/London',
    };
  });
}
const TICKET_CATEGORIES = ['How-to', 'How-to', 'Incident', 'Service request', 'Question'];
const WORKLOAD_LIKELIHOOD: Record<string, number> = {
  exchange: 0.85,
  teams: 0.7,
  sharepoint: 0.45,
  skype: 0.04,
  yammer: 0.05,
  dynamics: 0.5,
};

interface SimUser {
  upn: string;
  products: DemoProduct[];
  free: boolean;
  engagement: number; // 0..1 daily propensity multiplier
  yammerOnly: boolean;
  last: Record<string, number | undefined>; // workload → day index
  deletedDay?: number;
  assignDay: number;
}

interface SimSubscription {
  id: string;
  product: DemoProduct;
  units: number;
  status: CompanySubscription['status'];
  isTrial: boolean;
  own: boolean;
}

interface SimCustomer {
  id: string;
  name: string;
  owner: string;
  locale: string;
  concealed: boolean;
  pcOnly: boolean;
  adoption: number; // base propensity
  drift: number; // change of propensity per week
  users: SimUser[];
  subs: SimSubscription[];
  domain: string;
  nextUser: number;
  copilot?: CopilotSim;
}

function conceal(upn: string): string {
  return createHash('md5').update(upn).digest('hex').toUpperCase();
}

export interface DemoDrop {
  date: string;
  spec: DropSpec;
}

/** Yields the drops oldest first; each is a complete, self-contained drop. */
export function* generateDemoDrops(options: Partial<DemoOptions> = {}): Generator<DemoDrop> {
  const o = { ...DEMO_DEFAULTS, ...options };
  const rand = rng(o.seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;
  const firstDrop = addDays(o.endDate, -(o.drops - 1) * o.cadenceDays);
  const warmup = 35; // simulate enough history that the first drop's 28-day window is full
  const day0 = addDays(firstDrop, -warmup);
  const owners = Array.from({ length: o.owners }, (_, i) => {
    const [name, locale] = OWNERS[i % OWNERS.length]!;
    return { email: `${name}${i >= OWNERS.length ? i : ''}@contoso-partner.example`, locale: locale! };
  });

  const customers: SimCustomer[] = Array.from({ length: o.customers }, (_, i) => {
    const base = NAMES[i % NAMES.length]!;
    const name =
      i < NAMES.length
        ? `${base} ${pick(SUFFIXES)}`
        : `${base} ${Math.floor(i / NAMES.length) + 1} ${pick(SUFFIXES)}`;
    const owner = owners[i % owners.length]!;
    const c: SimCustomer = {
      id: guid(rand),
      name,
      owner: owner.email,
      locale: owner.locale === 'zh-CN' && rand() < 0.7 ? 'zh-CN' : 'en',
      concealed: i % 3 === 0,
      pcOnly: i === 5,
      adoption: 0.35 + rand() * 0.6,
      drift: (rand() - 0.5) * 0.06,
      users: [],
      subs: [],
      domain: `${base.toLowerCase().replace(/[^a-z]/g, '')}${i}.example`,
      nextUser: 0,
    };
    const productCount = 1 + Math.floor(rand() * 3);
    const chosen = new Set<DemoProduct>();
    while (chosen.size < productCount) chosen.add(pick(PRODUCTS.filter((p) => p !== E5)));
    const size = Math.max(3, Math.round(o.usersPerCustomer * (0.3 + rand() * 1.4)));
    const deployment = 0.55 + rand() * 0.5;
    for (const p of chosen) {
      const seats = Math.max(
        2,
        Math.round(size * (p.part.startsWith('DYN') ? 0.3 : 1) * (0.8 + rand() * 0.4)),
      );
      const own = !(i % 7 === 3 && chosen.size > 1 && p === [...chosen][1]);
      c.subs.push({ id: guid(rand), product: p, units: seats, status: 'Enabled', isTrial: false, own });
      const holders = Math.min(Math.round(seats * deployment), seats + 2);
      for (let k = 0; k < holders; k++) {
        const existing = c.users.find((u) => !u.products.includes(p) && rand() < 0.5);
        if (existing) existing.products.push(p);
        else c.users.push(newUser(c, [p], 0));
      }
    }
    return c;
  });

  function newUser(c: SimCustomer, products: DemoProduct[], day: number): SimUser {
    const n = c.nextUser++;
    return {
      upn: `user${String(n).padStart(4, '0')}@${c.domain}`,
      products,
      free: rand() < 0.15,
      // Some users never really start: their licence is a reclaim candidate.
      engagement: rand() < c.adoption ? 0.25 + rand() * 0.75 : rand() * 0.02,
      yammerOnly: rand() < 0.03,
      last: {},
      assignDay: day,
    };
  }

  // The special cases of DESIGN.md §1.2, on fixed customers so that the demo always shows them.
  const trialCustomer = customers[1]!;
  trialCustomer.subs.push({
    id: guid(rand),
    product: E5,
    units: 10,
    status: 'Enabled',
    isTrial: true,
    own: true,
  });
  for (let k = 0; k < 8; k++)
    trialCustomer.users.push({ ...newUser(trialCustomer, [E5], 0), engagement: 0.9 });
  const graceCustomer = customers[2]!;
  const graceSub = graceCustomer.subs[0]!;
  graceCustomer.subs.push({
    id: guid(rand),
    product: graceSub.product,
    units: 6,
    status: 'Warning',
    isTrial: false,
    own: true,
  });
  for (let k = 0; k < 6; k++)
    graceCustomer.users.push({ ...newUser(graceCustomer, [graceSub.product], 0), engagement: 0.9 });
  // Some users with no licence at all: Graph lists every user.
  for (const c of customers) for (let k = 0; k < 2; k++) c.users.push(newUser(c, [], 0));

  // Microsoft 365 Copilot on every sixth customer, in the states of COPILOT_STATES, from a random stream of its own.
  const crand = rng(o.seed + 0x5eed);
  customers
    .filter((c) => !c.pcOnly)
    .filter((_, k) => k % 6 === 0)
    .forEach((c, k) => {
      const candidates = c.users
        .filter((u) => u.products.length > 0 && !u.products.some((p) => p.workloads.includes('dynamics')))
        .map((u) => u.upn);
      const sim = planCopilot(COPILOT_STATES[k % COPILOT_STATES.length]!, candidates, crand);
      if (sim.holders.length === 0) return;
      c.copilot = sim;
      c.subs.push({
        id: guid(crand),
        product: COPILOT,
        units: sim.seats,
        status: 'Enabled',
        isTrial: false,
        own: true,
      });
      for (const h of sim.holders) c.users.find((u) => u.upn === h.upn)!.products.push(COPILOT);
    });

  const totalDays = daysBetween(day0, o.endDate);
  for (let t = 0; t <= totalDays; t++) {
    const date = addDays(day0, t);
    const week = (t - warmup) / 7;
    for (const c of customers) {
      const trend = Math.min(1.3, Math.max(0.2, 1 + c.drift * week));
      for (const u of [...c.users]) {
        if (u.deletedDay !== undefined) continue;
        const workloads = new Set(u.products.flatMap((p) => p.workloads));
        if (u.yammerOnly) {
          if (workloads.has('yammer') && rand() < 0.3) u.last.yammer = t;
        } else {
          for (const w of workloads) {
            // Skype for Business Online was retired in 2021: nobody uses it any more (the draw is kept so that the
            // rest of the demo stays the same).
            if (rand() < u.engagement * trend * (WORKLOAD_LIKELIHOOD[w] ?? 0.3) * 0.5 && w !== 'skype')
              u.last[w] = t;
          }
          if (workloads.has('sharepoint') && rand() < u.engagement * 0.3) u.last.onedrive = t;
        }
        // Turnover: a licensed user leaves; the licence goes to a newcomer.
        if (u.products.length > 0 && rand() < 0.0015) {
          u.deletedDay = t;
          c.users.push(newUser(c, u.products, t));
        }
      }
      // Deleted users drop out of the report after about 30 days.
      c.users = c.users.filter((u) => u.deletedDay === undefined || t - u.deletedDay <= 30);
      if (c.copilot) simulateCopilotDay(c.copilot, t, crand);
    }
    const dropIndex = daysBetween(firstDrop, date);
    if (dropIndex < 0 || dropIndex % o.cadenceDays !== 0) continue;
    // The drop of date D holds data as of D − 1 (Graph's reports lag about a day).
    const asOf = t - 1;
    yield { date, spec: snapshot(customers, o, addDays(day0, asOf), asOf, day0, rand, date) };
  }
}

const WORKLOAD_CODES: Record<DemoProduct['workloads'][number], string> = {
  exchange: 'EXO',
  sharepoint: 'SPO',
  skype: 'SFB',
  teams: 'TEAMS',
  yammer: 'YAM',
  dynamics: 'CRM',
};

/** One subscription's rows of Partner Center's licence deployment and usage analytics, as of `asOfDate`. */
function partnerCenterAnalytics(
  c: SimCustomer,
  s: SimSubscription,
  asOfDate: string,
  asOf: number,
  pcDeployment: Record<string, unknown>[],
  pcUsage: Record<string, unknown>[],
): void {
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
  pcDeployment.push({ ...base, licensesDeployed: holders.length, licensesSold: s.units });
  for (const w of s.product.workloads) {
    const active = holders.filter((u) => {
      const last = w === 'sharepoint' ? Math.max(u.last.sharepoint ?? -1, u.last.onedrive ?? -1) : u.last[w];
      return last !== undefined && last >= 0 && last > asOf - 28 && last <= asOf;
    }).length;
    // Partner Center's own example spells the count "licenseActive"; the field table says "licensesActive".
    pcUsage.push({
      ...base,
      workloadCode: WORKLOAD_CODES[w],
      workloadName: w,
      [w === 'exchange' ? 'licenseActive' : 'licensesActive']: active,
      licensesQualified: Math.min(holders.length, s.units),
    });
  }
}

function snapshot(
  customers: SimCustomer[],
  o: DemoOptions,
  asOfDate: string,
  asOf: number,
  day0: string,
  rand: () => number,
  dropDate: string,
): DropSpec {
  const dateOf = (t: number | undefined) => (t === undefined || t > asOf ? undefined : addDays(day0, t));
  const tenants: TenantDrop[] = [];
  const pcSubscriptions: PartnerCenterSubscription[] = [];
  const pcDeployment: Record<string, unknown>[] = [];
  const pcUsage: Record<string, unknown>[] = [];
  const tickets: DropSpec['tickets'] = [];
  for (const [ci, c] of customers.entries()) {
    for (const [si, s] of c.subs.filter((s) => s.own).entries()) {
      // Licence spend: customer 3's first subscription has seats in their 7-day window, customer 4's a reduction
      // already scheduled for its renewal.
      const special = si > 0 ? undefined : ci === 3 ? 'refundable' : ci === 4 ? 'scheduled' : undefined;
      pcSubscriptions.push({
        id: s.id,
        customerId: c.id.toUpperCase(),
        offerId: `CFQ7TTC0${s.product.part.slice(0, 4)}:0001`,
        offerName: s.product.offer,
        quantity: s.units,
        status: s.status === 'Warning' ? 'expired' : 'active',
        isTrial: s.isTrial,
        commitmentEndDate: `${addDays(asOfDate, 30 + (s.units % 300))}T00:00:00Z`,
        ...demoSpendTerms({ id: s.id, part: s.product.part, units: s.units }, asOfDate, o.endDate, special),
      });
    }
    const users: GraphUser[] = c.users.map((u) => ({
      upn: c.concealed ? conceal(u.upn) : u.upn,
      displayName: c.concealed ? conceal(`name:${u.upn}`) : u.upn.split('@')[0],
      isDeleted: u.deletedDay !== undefined && u.deletedDay <= asOf,
      deletedDate: u.deletedDay !== undefined && u.deletedDay <= asOf ? dateOf(u.deletedDay) : undefined,
      exchange: dateOf(u.last.exchange),
      onedrive: dateOf(u.last.onedrive),
      sharepoint: dateOf(u.last.sharepoint),
      skype: dateOf(u.last.skype),
      yammer: dateOf(u.last.yammer),
      teams: dateOf(u.last.teams),
      assignDate: addDays(day0, u.assignDay),
      products: [...u.products.map((p) => p.name), ...(u.free ? [FREE_POWER_BI] : [])],
    }));
    if (c.pcOnly) {
      for (const s of c.subs) partnerCenterAnalytics(c, s, asOfDate, asOf, pcDeployment, pcUsage);
      continue;
    }
    // Partner Center's analytics cover every customer; they matter for the products Graph's user report cannot
    // measure (Dynamics 365), whose usage they give.
    for (const s of c.subs.filter((s) => s.own && s.product.workloads.includes('dynamics')))
      partnerCenterAnalytics(c, s, asOfDate, asOf, pcDeployment, pcUsage);
    const subscriptions: CompanySubscription[] = c.subs.map((s) => ({
      id: s.id,
      commerceSubscriptionId: s.id,
      skuId: s.product.skuId,
      skuPartNumber: s.product.part,
      status: s.status,
      isTrial: s.isTrial,
      totalLicenses: s.units,
      ownerTenantId: s.own ? o.partnerTenantId : OTHER_PARTNER_TENANT,
      createdDateTime: `${day0}T09:00:00Z`,
      nextLifecycleDateTime: `${addDays(asOfDate, 30 + (s.units % 300))}T00:00:00Z`,
    }));
    const bySku = new Map<string, { part: string; enabled: number; warning: number; consumed: number }>();
    for (const s of c.subs) {
      const e = bySku.get(s.product.skuId) ?? { part: s.product.part, enabled: 0, warning: 0, consumed: 0 };
      if (s.status === 'Enabled') e.enabled += s.units;
      if (s.status === 'Warning') e.warning += s.units;
      bySku.set(s.product.skuId, e);
    }
    for (const u of c.users) {
      if (u.deletedDay !== undefined && u.deletedDay <= asOf) continue;
      for (const p of u.products) bySku.get(p.skuId)!.consumed++;
    }
    tenants.push({
      tenantId: c.id,
      refreshDate: asOfDate,
      users,
      // Every tenant's Copilot report: a header only where nobody holds Copilot, as Graph answers.
      copilot: copilotReport(c.copilot, asOf, day0, (upn) => (c.concealed ? conceal(upn) : upn)),
      subscriptions,
      subscribedSkus: [...bySku].map(([skuId, e]) => ({
        skuId,
        skuPartNumber: e.part,
        capabilityStatus: 'Enabled',
        consumedUnits: e.consumed,
        enabled: e.enabled,
        warning: e.warning,
        suspended: 0,
      })),
    });
    const ticketsToday = rand() < 0.35 ? 1 + Math.floor(rand() * 2) : 0;
    for (let k = 0; k < ticketsToday; k++) {
      tickets.push({
        ticket_id: `T-${dropDate.replace(/-/g, '')}-${tickets.length + 1}`,
        customer_id: c.id,
        opened_at: `${asOfDate}T${String(8 + k).padStart(2, '0')}:15:00Z`,
        category: TICKET_CATEGORIES[Math.floor(rand() * TICKET_CATEGORIES.length)]!,
        product: c.subs[0]!.product.offer,
      });
    }
  }
  const customersCsv: CustomerRow[] = customers.map((c) => ({
    customer_id: c.id,
    customer_name: c.name,
    owner_email: c.owner,
    locale: c.locale,
    segment: c.users.length > 60 ? 'Enterprise' : 'SMB',
  }));
  return {
    customers: customersCsv,
    tickets,
    tenants,
    pcSubscriptions,
    pcDeployment,
    pcUsage,
    // Demo list prices in Partner Center's format (DEMO VALUES, see demoPrices.ts), and the offer matrix.
    partnerCenterFiles: { 'pricesheet.csv': DEMO_PRICE_SHEET, 'offermatrix.csv': DEMO_OFFER_MATRIX },
  };
}
