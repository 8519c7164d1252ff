// The digest's Microsoft 365 Copilot section for one account manager (issue #18): their customers' Copilot seats and
// usage with the change on last week, and the customers whose Copilot needs attention (low usage, seats not assigned,
// an app nobody uses). Reading is I/O (ownerCopilot); the words are pure (copilotView).
import type { CopilotApp } from '../config/schema.js';
import type { JobContext } from '../context.js';
import { fill, type Locale, type Strings } from '../render/email.js';
import { COPILOT_APP_NAMES } from '../report/copilotSheet.js';

export interface CopilotCustomer {
  name: string;
  sold: number;
  assigned: number;
  active: number | null;
  measured: number | null;
  findings: string[];
  weakestApp: string | null;
}

export interface DigestCopilot {
  now: { sold: number; assigned: number; active: number; measured: number };
  prev: { sold: number; assigned: number; active: number; measured: number } | null;
  customers: CopilotCustomer[];
  /** customers without Copilot whose Microsoft 365 usage is high: ready for it (finding copilot_readiness) */
  ready: { name: string; usage: number | null }[];
}

const n = (v: unknown) => (v === null || v === undefined ? 0 : Number(v));

/** The owner's Copilot, or undefined when none of their customers holds Copilot or is ready for it. */
export async function ownerCopilot(
  ctx: JobContext,
  week: string,
  owner: string,
  ready: DigestCopilot['ready'] = [],
): Promise<DigestCopilot | undefined> {
  const rows = await ctx.wh.allFile('reports/digest_copilot', { week, owner });
  if (rows.length === 0 && ready.length === 0) return undefined;
  const sum = (k: string) => rows.reduce((t, r) => t + n(r[k]), 0);
  const hasPrev = rows.some((r) => r.prev_sold !== null);
  return {
    now: { sold: sum('sold'), assigned: sum('assigned'), active: sum('active'), measured: sum('measured') },
    prev: hasPrev
      ? {
          sold: sum('prev_sold'),
          assigned: sum('prev_assigned'),
          active: sum('prev_active'),
          measured: sum('prev_measured'),
        }
      : null,
    customers: rows.map((r) => ({
      name: String(r.customer_name),
      sold: n(r.sold),
      assigned: n(r.assigned),
      active: r.active === null ? null : n(r.active),
      measured: r.measured === null ? null : n(r.measured),
      findings: (r.findings as unknown as string[]) ?? [],
      weakestApp: (r.weakest_app as string | null) ?? null,
    })),
    ready,
  };
}

/** The section's words in the recipient's locale; null when there is no Copilot to speak of. Pure. */
export function copilotView(c: DigestCopilot | undefined, locale: Locale, strings: Strings) {
  if (!c) return null;
  const s = (key: string, values?: Record<string, string | number>) =>
    fill(strings[key] ?? key, values, locale);
  const pct = new Intl.NumberFormat(locale, {
    style: 'percent',
    maximumFractionDigits: 1,
    minimumFractionDigits: 1,
  });
  const usage = (active: number | null, measured: number | null) =>
    active === null || !measured ? s('notMeasurable') : pct.format(active / measured);
  const rate = (x: DigestCopilot['now']) => (x.measured ? x.active / x.measured : null);
  const now = rate(c.now);
  const before = c.prev ? rate(c.prev) : null;
  const points = (v: number) => {
    const p = Math.round(v * 1000) / 10;
    return fill(strings.points!, { n: `${p > 0 ? '+' : p < 0 ? '−' : '±'}${Math.abs(p)}` });
  };
  const signed = (v: number) => `${v > 0 ? '+' : v < 0 ? '−' : '±'}${Math.abs(v)}`;
  const attention = c.customers.filter((x) => x.findings.length > 0);
  const held = c.customers.length > 0;
  return {
    title: s('copilot.title'),
    held,
    summary: s('copilot.summary', {
      sold: c.now.sold,
      assigned: c.now.assigned,
      active: c.now.active,
      usage: usage(c.now.active, c.now.measured),
    }),
    // The change is shown only where last week is known; a first week says so once.
    change:
      now !== null && before !== null
        ? s('copilot.change', {
            points: points(now - before),
            seats: signed(c.now.sold - (c.prev?.sold ?? 0)),
          })
        : s('copilot.firstWeek'),
    attentionTitle: s('copilot.attentionTitle'),
    attention: attention.map((x) => ({
      name: x.name,
      line: [
        x.findings.includes('low_usage')
          ? s('copilot.lowUsage', {
              usage: usage(x.active, x.measured),
              active: x.active ?? 0,
              assigned: x.assigned,
            })
          : '',
        x.findings.includes('low_deployment')
          ? s('copilot.unassigned', { n: x.sold - x.assigned, sold: x.sold })
          : '',
        x.weakestApp
          ? s('copilot.weakApp', { app: COPILOT_APP_NAMES[x.weakestApp as CopilotApp] ?? x.weakestApp })
          : '',
      ]
        .filter(Boolean)
        .join('; '),
    })),
    attentionNone: s('copilot.attentionNone'),
    readyTitle: s('copilot.readyTitle'),
    ready: c.ready.map((r) =>
      s('copilot.ready', { name: r.name, usage: r.usage === null ? '—' : pct.format(r.usage) }),
    ),
  };
}
