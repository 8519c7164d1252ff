// A seeded simulation of a partner's portfolio, producing one drop per snapshot date in the real export formats.
// Users use workloads day by day with a customer-level propensity that drifts over the weeks; employees leave and
// are replaced; some tenants conceal user names (simulation.ts). It includes the cases DESIGN.md §1.2 names: a
// trial, a subscription in its grace period, other partners' subscriptions, Yammer-only users, and a customer known
// only through Partner Center analytics. Each drop is what the exports show as of its day (snapshot.ts).
import { addDays, daysBetween } from '../dates.js';
import { createPortfolio, simulateDay } from './simulation.js';
import { snapshot } from './snapshot.js';
import type { DropSpec } from './dropSpec.js';

export { demoAccountManagers } from './demoCatalog.js';
export { rng } from './random.js';

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

/** Days simulated before the first drop, so that the first drop's 28-day window is full. */
const WARMUP_DAYS = 35;

export interface DemoDrop {
  date: string;
  spec: DropSpec;
}

/** Yields the drops oldest first; each is a complete, self-contained drop. */
export function* generateDemoDrops(options: Partial<DemoOptions> = {}): Generator<DemoDrop> {
  const demo = { ...DEMO_DEFAULTS, ...options };
  const portfolio = createPortfolio(demo);
  const firstDrop = addDays(demo.endDate, -(demo.drops - 1) * demo.cadenceDays);
  const day0 = addDays(firstDrop, -WARMUP_DAYS);
  const totalDays = daysBetween(day0, demo.endDate);
  for (let t = 0; t <= totalDays; t++) {
    const date = addDays(day0, t);
    simulateDay(portfolio, t, (t - WARMUP_DAYS) / 7);
    const dropIndex = daysBetween(firstDrop, date);
    if (dropIndex < 0 || dropIndex % demo.cadenceDays !== 0) continue;
    // The drop of date D holds data as of D − 1 (Graph's reports lag about a day).
    const asOf = t - 1;
    const day = {
      asOf,
      asOfDate: addDays(day0, asOf),
      day0,
      dropDate: date,
      endDate: demo.endDate,
      partnerTenantId: demo.partnerTenantId,
    };
    yield { date, spec: snapshot(portfolio.customers, day, portfolio.rand) };
  }
}
