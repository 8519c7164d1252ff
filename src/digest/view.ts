// The digest's words and numbers for one recipient, formatted for their locale. Pure.
import { fill, type Locale, type Strings } from '../render/email.js';
import { copilotView, type DigestCopilot } from './copilot.js';
import { spendView, type DigestSpend } from './spend.js';

export interface DigestData {
  week: string;
  recipient: string;
  /** null: the recipient is not described in config; the greeting has no name */
  recipientName: string | null;
  /** the recipient's time zone: times of day (a deadline) are shown in it */
  timeZone: string;
  partnerName: string;
  asOf: string;
  oldestAsOf: string;
  kpis: { now: Record<string, number | null>; prev: Record<string, number | null> | null };
  attention: {
    name: string;
    unused: number;
    usage: number | null;
    usageChange: number | null;
    deployment: number | null;
    findings: {
      finding: string;
      product: string;
      workload: string | null;
      value: number | null;
      detail: Record<string, unknown>;
    }[];
    suggestions: { title: string; url: string; kind: string }[];
    followUps: { title: string; weeksAgo: number; change: number | null }[];
  }[];
  /** customers needing attention beyond digest.maxCustomers: counted in the e-mail, listed in the workbook */
  attentionMore?: number;
  upsell: { name: string; usage: number | null; deployment: number | null }[];
  over100: {
    name: string;
    product: string;
    counts: { deleted: number; overCapacity: number; cause: string | null; yammerOnly: number };
  }[];
  chartCid: string;
  workbookAttached: boolean;
  /** licence spend (src/digest/spend.ts); absent: no spend section */
  spend?: DigestSpend;
  /** Microsoft 365 Copilot (src/digest/copilot.ts); absent: none of the owner's customers holds Copilot */
  copilot?: DigestCopilot;
}

export function formatters(locale: Locale, strings: Strings) {
  const pctFmt = new Intl.NumberFormat(locale, {
    style: 'percent',
    maximumFractionDigits: 1,
    minimumFractionDigits: 1,
  });
  const numFmt = new Intl.NumberFormat(locale, { maximumFractionDigits: 1 });
  const dateFmt = new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeZone: 'UTC' });
  return {
    pct: (v: number | null | undefined) => (v === null || v === undefined ? '—' : pctFmt.format(v)),
    num: (v: number | null | undefined) => (v === null || v === undefined ? '—' : numFmt.format(v)),
    date: (iso: string) => dateFmt.format(new Date(`${iso.slice(0, 10)}T00:00:00Z`)),
    /** a change of a rate, in percentage points, always signed */
    points: (v: number | null | undefined) => {
      if (v === null || v === undefined) return '—';
      const n = Math.round(v * 1000) / 10;
      return fill(strings.points!, { n: `${n > 0 ? '+' : n < 0 ? '−' : '±'}${numFmt.format(Math.abs(n))}` });
    },
    pointsUnsigned: (v: number) => fill(strings.points!, { n: numFmt.format(Math.round(v * 1000) / 10) }),
    signed: (v: number | null | undefined) =>
      v === null || v === undefined ? '—' : `${v > 0 ? '+' : v < 0 ? '−' : '±'}${numFmt.format(Math.abs(v))}`,
  };
}

type Formatters = ReturnType<typeof formatters>;
type Say = (key: string, values?: Record<string, string | number>) => string;

function kpiViews(digest: DigestData, f: Formatters, s: Say) {
  // A first week has no change to show: the digest says so once, not with a dash on every line.
  const firstWeek = digest.kpis.prev === null;
  const kpi = (key: string, label: string, kind: 'count' | 'rate') => {
    const now = digest.kpis.now[key] ?? null;
    const prev = digest.kpis.prev?.[key] ?? null;
    const change = now !== null && prev !== null ? now - prev : null;
    const good = key === 'unused' ? -1 : 1;
    return {
      label: s(label),
      value: kind === 'rate' ? f.pct(now) : f.num(now),
      change: firstWeek ? '' : kind === 'rate' ? f.points(change) : f.signed(change),
      color: change === null || change === 0 ? '#6b7280' : change * good > 0 ? '#107c10' : '#c50f1f',
    };
  };
  const kpis = [
    kpi('customers', 'kpi.customers', 'count'),
    kpi('licenses_sold', 'kpi.sold', 'count'),
    kpi('licenses_assigned', 'kpi.assigned', 'count'),
    kpi('active_entitlements', 'kpi.active', 'count'),
    kpi('unused', 'kpi.unused', 'count'),
    kpi('deployment_pct', 'kpi.deployment', 'rate'),
    kpi('usage_pct', 'kpi.usage', 'rate'),
    kpi('usage_pct_adjusted', 'kpi.usageAdjusted', 'rate'),
  ];
  return {
    kpiTitle: s('kpiTitle'),
    kpiMeasure: s('kpiMeasure'),
    kpiValue: s('kpiValue'),
    kpiChange: s('kpiChange'),
    kpis,
    // Four cards a row on a wide screen; the HTML lets them wrap to two on a phone (Outlook keeps the rows of four).
    kpiRows: [kpis.slice(0, 4), kpis.slice(4)],
    kpiNoPrevious: firstWeek ? s('kpiNoPrevious') : '',
  };
}

type Customer = DigestData['attention'][number];

function findingWords(x: Customer['findings'][number], f: Formatters, s: Say): string {
  const values: Record<string, string | number> = {
    value:
      x.finding === 'high_how_to'
        ? f.num(x.value)
        : x.finding === 'declining'
          ? f.pointsUnsigned(Math.abs(x.value ?? 0))
          : f.pct(x.value),
    workload: s(`workload.${x.workload ?? ''}`),
    best: f.pct(Number(x.detail.best ?? NaN)),
    unassigned: f.num(Number(x.detail.unassigned ?? 0)),
    termEnd: x.detail.term_end ? f.date(String(x.detail.term_end)) : '—',
  };
  // A usage figure from Partner Center's aggregates says so: it is a lower bound, not the user-level figure.
  const basis = String(x.detail.basis ?? '');
  const label = ['partner_center', 'busiest_workload_lower_bound'].includes(basis)
    ? s('basis.aggregate')
    : '';
  return `${x.product}: ${s(`finding.${x.finding}`, values)}${label}`;
}

function attentionViews(digest: DigestData, f: Formatters, s: Say) {
  const more = digest.attentionMore ?? 0;
  return {
    attentionTitle: s('attentionTitle'),
    attentionNone: s('attentionNone'),
    // A book of thousands lists the first digest.maxCustomers and counts the rest, which the workbook holds.
    attentionMore:
      more > 0
        ? s(digest.workbookAttached ? 'attentionMore' : 'attentionMoreNoWorkbook', { n: f.num(more) })
        : '',
    suggestedTitle: s('suggested'),
    attention: digest.attention.map((a, i) => ({
      rank: i + 1,
      suggestedTitle: s('suggested'),
      name: a.name,
      unused: s('unused', { n: f.num(a.unused) }),
      // A change is shown where it is known; a dash in brackets says nothing a reader can use.
      usageLine: s(a.usageChange === null ? 'usageLineNoChange' : 'usageLine', {
        // A customer none of whose products has a measured usage: say so, never a 0% or a bare dash.
        usage: a.usage === null ? s('notMeasurable') : f.pct(a.usage),
        change: f.points(a.usageChange),
        deployment: f.pct(a.deployment),
      }),
      findings: a.findings.map((x) => findingWords(x, f, s)),
      suggestions: a.suggestions.map((x) => ({ title: x.title, url: x.url, kind: s(`kind.${x.kind}`) })),
      followUps: a.followUps.map((x) =>
        s(x.change === null ? 'followUpNoChange' : 'followUp', {
          title: x.title,
          weeks: x.weeksAgo,
          change: f.points(x.change),
        }),
      ),
    })),
  };
}

function causesOf(c: DigestData['over100'][number]['counts'], s: Say): string {
  return [
    c.deleted > 0 ? s('cause.turnover', { n: c.deleted }) : '',
    c.overCapacity > 0 ? s(`cause.${c.cause ?? 'unexplained'}`, { n: c.overCapacity }) : '',
    c.yammerOnly > 0 ? s('cause.yammer', { n: c.yammerOnly }) : '',
  ]
    .filter(Boolean)
    .join('; ');
}

export function buildDigestView(
  digest: DigestData,
  locale: Locale,
  strings: Strings,
): Record<string, unknown> {
  const f = formatters(locale, strings);
  const s: Say = (key, values) => fill(strings[key] ?? key, values, locale);
  const week = f.date(digest.week);
  // The subject counts every customer needing attention, listed or not.
  const needing = digest.attention.length + (digest.attentionMore ?? 0);
  return {
    locale,
    subject: needing ? s('subject', { week, count: needing }) : s('subjectNone', { week }),
    greeting: digest.recipientName ? s('greeting', { name: digest.recipientName }) : s('greetingNoName'),
    intro: s('intro', { customers: digest.kpis.now.customers ?? 0 }),
    ...kpiViews(digest, f, s),
    chartCid: digest.chartCid,
    chartAlt: s('chartAlt'),
    ...attentionViews(digest, f, s),
    upsellTitle: s('upsellTitle'),
    upsell: digest.upsell.map((u) => ({
      name: u.name,
      line: s('usageLineNoChange', { usage: f.pct(u.usage), deployment: f.pct(u.deployment) }),
    })),
    over100Title: s('over100Title'),
    over100Intro: s('over100Intro'),
    over100: digest.over100.map((o) => ({ name: o.name, product: o.product, causes: causesOf(o.counts, s) })),
    spend: spendView(digest.spend, locale, strings, digest.timeZone),
    copilot: copilotView(digest.copilot, locale, strings),
    asOfLine:
      digest.oldestAsOf !== digest.asOf
        ? s('asOfRange', { asOf: f.date(digest.asOf), oldest: f.date(digest.oldestAsOf) })
        : s('asOf', { asOf: f.date(digest.asOf) }),
    workbookLine: digest.workbookAttached ? s('workbook') : '',
    footer: s('footer', { partner: digest.partnerName }),
  };
}
