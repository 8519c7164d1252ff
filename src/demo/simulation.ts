// The demo portfolio's people and subscriptions, day by day: customers with a base propensity to use what they
// bought that drifts over the weeks, users who leave and are replaced, and the special cases of DESIGN.md §1.2 on
// fixed customers. Every draw comes from one seeded stream in a fixed order, so that a seed gives the same drops.
import type { CompanySubscription } from './dropSpec.js';
import { COPILOT_STATES, planCopilot, simulateCopilotDay, type CopilotSim } from './copilotDemo.js';
import {
  COPILOT,
  E5,
  NAMES,
  PRODUCTS,
  SUFFIXES,
  WORKLOAD_LIKELIHOOD,
  demoAccountManagers,
  type DemoProduct,
} from './demoCatalog.js';
import { guid, rng } from './random.js';

export interface SimUser {
  upn: string;
  products: DemoProduct[];
  /** also holds the free Power BI licence */
  free: boolean;
  /** 0..1, the user's daily propensity multiplier */
  engagement: number;
  yammerOnly: boolean;
  /** the day index each workload was last used */
  lastUsed: Record<string, number | undefined>;
  deletedDay?: number;
  assignDay: number;
}

export interface SimSubscription {
  id: string;
  product: DemoProduct;
  units: number;
  status: CompanySubscription['status'];
  isTrial: boolean;
  /** sold by this partner (not by another partner of the same customer) */
  ownedByPartner: boolean;
}

export interface SimCustomer {
  id: string;
  name: string;
  owner: string;
  locale: string;
  concealed: boolean;
  /** known only through Partner Center's analytics (no Graph data) */
  partnerCenterOnly: boolean;
  /** base propensity to use what was bought */
  adoption: number;
  /** change of propensity per week */
  drift: number;
  users: SimUser[];
  subs: SimSubscription[];
  domain: string;
  nextUser: number;
  copilot?: CopilotSim;
}

export function newUser(rand: () => number, c: SimCustomer, products: DemoProduct[], day: number): SimUser {
  const n = c.nextUser++;
  return {
    upn: `user${String(n).padStart(4, '0')}@${c.domain}`,
    products,
    free: rand() < 0.15,
    // Some users never really start: their licence is a reclaim candidate.
    engagement: rand() < c.adoption ? 0.25 + rand() * 0.75 : rand() * 0.02,
    yammerOnly: rand() < 0.03,
    lastUsed: {},
    assignDay: day,
  };
}

function newCustomer(
  rand: () => number,
  i: number,
  owner: { email: string; locale: string },
  usersPerCustomer: number,
): SimCustomer {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;
  const base = NAMES[i % NAMES.length]!;
  const name =
    i < NAMES.length
      ? `${base} ${pick(SUFFIXES)}`
      : `${base} ${Math.floor(i / NAMES.length) + 1} ${pick(SUFFIXES)}`;
  const c: SimCustomer = {
    id: guid(rand),
    name,
    owner: owner.email,
    locale: owner.locale === 'zh-CN' && rand() < 0.7 ? 'zh-CN' : 'en',
    concealed: i % 3 === 0,
    partnerCenterOnly: i === 5,
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
  const size = Math.max(3, Math.round(usersPerCustomer * (0.3 + rand() * 1.4)));
  const deployment = 0.55 + rand() * 0.5;
  for (const p of chosen) {
    const seats = Math.max(2, Math.round(size * (p.part.startsWith('DYN') ? 0.3 : 1) * (0.8 + rand() * 0.4)));
    // Every seventh customer also buys from another partner: their second product is not ours.
    const ownedByPartner = !(i % 7 === 3 && chosen.size > 1 && p === [...chosen][1]);
    c.subs.push({
      id: guid(rand),
      product: p,
      units: seats,
      status: 'Enabled',
      isTrial: false,
      ownedByPartner,
    });
    const holders = Math.min(Math.round(seats * deployment), seats + 2);
    for (let k = 0; k < holders; k++) {
      const existing = c.users.find((u) => !u.products.includes(p) && rand() < 0.5);
      if (existing) existing.products.push(p);
      else c.users.push(newUser(rand, c, [p], 0));
    }
  }
  return c;
}

/** A subscription and its engaged users, for the special cases of DESIGN.md §1.2. */
function addSpecialSubscription(
  rand: () => number,
  c: SimCustomer,
  product: DemoProduct,
  units: number,
  holders: number,
  kind: { status: CompanySubscription['status']; isTrial: boolean },
): void {
  c.subs.push({ id: guid(rand), product, units, ...kind, ownedByPartner: true });
  for (let k = 0; k < holders; k++) c.users.push({ ...newUser(rand, c, [product], 0), engagement: 0.9 });
}

/** Microsoft 365 Copilot on every sixth customer, in the states of COPILOT_STATES, from a random stream of its own. */
function addCopilot(customers: SimCustomer[], copilotRand: () => number): void {
  customers
    .filter((c) => !c.partnerCenterOnly)
    .filter((_, k) => k % 6 === 0)
    .forEach((c, k) => {
      const candidates = c.users
        .filter((u) => u.products.length > 0 && !u.products.some((p) => p.workloads.includes('dynamics')))
        .map((u) => u.upn);
      const sim = planCopilot(COPILOT_STATES[k % COPILOT_STATES.length]!, candidates, copilotRand);
      if (sim.holders.length === 0) return;
      c.copilot = sim;
      c.subs.push({
        id: guid(copilotRand),
        product: COPILOT,
        units: sim.seats,
        status: 'Enabled',
        isTrial: false,
        ownedByPartner: true,
      });
      for (const h of sim.holders) c.users.find((u) => u.upn === h.upn)!.products.push(COPILOT);
    });
}

export interface Portfolio {
  rand: () => number;
  copilotRand: () => number;
  customers: SimCustomer[];
}

export function createPortfolio(o: {
  seed: number;
  customers: number;
  owners: number;
  usersPerCustomer: number;
}): Portfolio {
  const rand = rng(o.seed);
  const owners = demoAccountManagers(o.owners);
  const customers = Array.from({ length: o.customers }, (_, i) =>
    newCustomer(rand, i, owners[i % owners.length]!, o.usersPerCustomer),
  );
  // The special cases of DESIGN.md §1.2, on fixed customers so that the demo always shows them: a trial, and
  // seats in their grace period.
  addSpecialSubscription(rand, customers[1]!, E5, 10, 8, { status: 'Enabled', isTrial: true });
  const graceCustomer = customers[2]!;
  addSpecialSubscription(rand, graceCustomer, graceCustomer.subs[0]!.product, 6, 6, {
    status: 'Warning',
    isTrial: false,
  });
  // Some users with no licence at all: Graph lists every user.
  for (const c of customers) for (let k = 0; k < 2; k++) c.users.push(newUser(rand, c, [], 0));
  const copilotRand = rng(o.seed + 0x5eed);
  addCopilot(customers, copilotRand);
  return { rand, copilotRand, customers };
}

/** One day `t` of use: each user's workloads, turnover, and deleted users dropping out after about 30 days. */
export function simulateDay(p: Portfolio, t: number, week: number): void {
  const { rand } = p;
  for (const c of p.customers) {
    const trend = Math.min(1.3, Math.max(0.2, 1 + c.drift * week));
    for (const u of [...c.users]) {
      if (u.deletedDay !== undefined) continue;
      const workloads = new Set(u.products.flatMap((prod) => prod.workloads));
      if (u.yammerOnly) {
        if (workloads.has('yammer') && rand() < 0.3) u.lastUsed.yammer = t;
      } else {
        for (const w of workloads) {
          // Skype for Business Online was retired in 2021: nobody uses it any more (the draw is kept so that the
          // rest of the demo stays the same).
          if (rand() < u.engagement * trend * (WORKLOAD_LIKELIHOOD[w] ?? 0.3) * 0.5 && w !== 'skype')
            u.lastUsed[w] = t;
        }
        if (workloads.has('sharepoint') && rand() < u.engagement * 0.3) u.lastUsed.onedrive = t;
      }
      // Turnover: a licensed user leaves; the licence goes to a newcomer.
      if (u.products.length > 0 && rand() < 0.0015) {
        u.deletedDay = t;
        c.users.push(newUser(rand, c, u.products, t));
      }
    }
    c.users = c.users.filter((u) => u.deletedDay === undefined || t - u.deletedDay <= 30);
    if (c.copilot) simulateCopilotDay(c.copilot, t, p.copilotRand);
  }
}
