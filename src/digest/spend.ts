// The digest's licence spend for one account manager (DESIGN.md §1.7): the monthly cost of unassigned and inactive
// seats per currency with the change on last week, the money at stake per customer, and the seat cuts due in the
// next 30 days. Reading is I/O (ownerSpend); ordering and wording are pure.
import type { JobContext } from '../context.js';
import { fill, type Locale, type Strings } from '../render/email.js';
import type { Row } from '../warehouse/warehouse.js';

/** The digest lists renewal actions due this many days ahead (issue #19). */
export const DIGEST_ACTION_DAYS = 30;

export interface DigestSpend {
  totals: {
    currency: string;
    unassigned: number;
    unassignedCost: number;
    unassignedChange: number | null;
    inactive: number;
    inactiveCost: number;
    inactiveChange: number | null;
  }[];
  customers: {
    customerId: string;
    name: string;
    currency: string;
    unassigned: number;
    unassignedCost: number;
    inactive: number;
    inactiveCost: number;
  }[];
  actions: {
    finding: 'cut_at_renewal' | 'cut_now';
    customer: string;
    product: string;
    seats: number;
    renewalDate: string | null;
    deadline: string;
    saving: number | null;
    currency: string | null;
  }[];
}

const num = (v: unknown) => (v === null || v === undefined ? 0 : Number(v));
const numOrNull = (v: unknown) => (v === null || v === undefined ? null : Number(v));

/** The owner's spend for the week ('' = customers without an account manager). Only priced rows carry money. */
export async function ownerSpend(ctx: JobContext, week: string, owner: string): Promise<DigestSpend> {
  const scope = { week, owner, customer: null };
  const totals = (await ctx.wh.allFile('reports/spend_totals', scope)).filter((t) => t.currency !== null);
  const rows = await ctx.wh.allFile('reports/spend', scope);
  const actions = await ctx.wh.allFile('findings/spend_findings', {
    ...scope,
    horizon_days: DIGEST_ACTION_DAYS,
  });
  const byCustomer = new Map<string, DigestSpend['customers'][number]>();
  for (const r of rows.filter((x: Row) => x.currency !== null)) {
    const key = `${String(r.customer_id)}|${String(r.currency)}`;
    const c = byCustomer.get(key) ?? {
      customerId: String(r.customer_id),
      name: String(r.customer_name),
      currency: String(r.currency),
      unassigned: 0,
      unassignedCost: 0,
      inactive: 0,
      inactiveCost: 0,
    };
    c.unassigned += num(r.unassigned);
    c.unassignedCost += num(r.unassigned_monthly_cost);
    c.inactive += num(r.inactive);
    c.inactiveCost += num(r.inactive_monthly_cost);
    byCustomer.set(key, c);
  }
  return {
    totals: totals.map((t) => ({
      currency: String(t.currency),
      unassigned: num(t.unassigned),
      unassignedCost: num(t.unassigned_monthly_cost),
      unassignedChange: numOrNull(t.unassigned_cost_change),
      inactive: num(t.inactive),
      inactiveCost: num(t.inactive_monthly_cost),
      inactiveChange: numOrNull(t.inactive_cost_change),
    })),
    customers: [...byCustomer.values()]
      .filter((c) => c.unassignedCost + c.inactiveCost > 0)
      .sort((a, b) => b.unassignedCost + b.inactiveCost - (a.unassignedCost + a.inactiveCost)),
    actions: actions.map((a) => ({
      finding: a.finding as 'cut_at_renewal' | 'cut_now',
      customer: String(a.customer_name),
      product: String(a.product),
      seats: num(a.seats),
      renewalDate: a.renewal_date === null ? null : String(a.renewal_date),
      deadline: String(a.deadline),
      saving: numOrNull(a.monthly_saving),
      currency: a.currency === null ? null : String(a.currency),
    })),
  };
}

/**
 * Customers needing attention, those with money at stake first (largest first), the others after them in the order
 * they came. Amounts in different currencies are compared only to order the list, never added.
 */
export function orderByMoney<T>(
  items: readonly T[],
  customerIds: readonly string[],
  spend: DigestSpend,
): T[] {
  const stake = new Map<string, number>();
  for (const c of spend.customers)
    stake.set(c.customerId, Math.max(stake.get(c.customerId) ?? 0, c.unassignedCost + c.inactiveCost));
  return items
    .map((item, i) => ({ item, i, money: stake.get(customerIds[i]!) ?? 0 }))
    .sort((a, b) => b.money - a.money || a.i - b.i)
    .map((x) => x.item);
}

/** The words and figures of the spend section, in the recipient's locale. */
export function spendView(
  spend: DigestSpend | undefined,
  locale: Locale,
  strings: Strings,
  timeZone = 'UTC',
) {
  if (!spend || (spend.totals.length === 0 && spend.actions.length === 0)) return null;
  const s = (key: string, values?: Record<string, string | number>) =>
    fill(strings[key] ?? key, values, locale);
  const money = (v: number | null, currency: string | null) =>
    v === null || currency === null
      ? '—'
      : new Intl.NumberFormat(locale, { style: 'currency', currency }).format(v);
  const change = (v: number | null, currency: string) =>
    v === null ? s('spend.noPrevious') : `${v > 0 ? '+' : v < 0 ? '−' : '±'}${money(Math.abs(v), currency)}`;
  const dateFmt = new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeZone: 'UTC' });
  const date = (iso: string) => dateFmt.format(new Date(`${iso.slice(0, 10)}T00:00:00Z`));
  // A deadline is an instant ('YYYY-MM-DD HH:MM UTC'): the reader sees it on their own clock.
  const instantFmt = new Intl.DateTimeFormat(locale, {
    year: 'numeric',
    month: 'short',
    day: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
    timeZone,
    timeZoneName: 'short',
  });
  const instant = (text: string) => {
    const m = /^(\d{4}-\d{2}-\d{2}) (\d{2}:\d{2}) UTC$/.exec(text);
    return m ? instantFmt.format(new Date(`${m[1]}T${m[2]}:00Z`)) : text;
  };
  return {
    title: s('spend.title'),
    intro: s('spend.intro'),
    totals: spend.totals.map((t) => ({
      unassigned: s('spend.unassignedTotal', {
        cost: money(t.unassignedCost, t.currency),
        n: t.unassigned,
        change: change(t.unassignedChange, t.currency),
      }),
      inactive: s('spend.inactiveTotal', {
        cost: money(t.inactiveCost, t.currency),
        n: t.inactive,
        change: change(t.inactiveChange, t.currency),
      }),
    })),
    customersTitle: s('spend.customersTitle'),
    customers: spend.customers.slice(0, 10).map((c) => ({
      name: c.name,
      line: [
        c.unassigned > 0
          ? s('spend.customerUnassigned', { cost: money(c.unassignedCost, c.currency), n: c.unassigned })
          : '',
        c.inactive > 0
          ? s('spend.customerInactive', { cost: money(c.inactiveCost, c.currency), n: c.inactive })
          : '',
      ]
        .filter(Boolean)
        .join('; '),
    })),
    actionsTitle: s('spend.actionsTitle', { days: DIGEST_ACTION_DAYS }),
    actionsNone: s('spend.actionsNone', { days: DIGEST_ACTION_DAYS }),
    actions: spend.actions.map((a) =>
      s(`spend.action.${a.finding}`, {
        customer: a.customer,
        product: a.product,
        n: a.seats,
        renewal: a.renewalDate ? date(a.renewalDate) : '—',
        deadline: instant(a.deadline),
        saving: money(a.saving, a.currency),
      }),
    ),
  };
}
