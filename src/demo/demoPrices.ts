// The demo's licence spend inputs: a price list in Partner Center's real NCE format and an offer matrix, and the
// spend terms of the demo's Partner Center subscriptions (licence-spend.md §6).
// DEMO VALUES, NOT MICROSOFT'S PRICE LIST: USD per user per month from secondary sources (licence-spend.md §6, before
// and from 1 July 2026), put on made-up DEMO… ProductIds where Microsoft states no real one. The price list's
// 18-column header cannot hold a comment, so the label lives here, in README.md and on the workbook's Spend sheet.
import { addDays, daysBetween } from '../dates.js';
import type { PartnerCenterSubscription, PriceSheetRow } from './dropSpec.js';

interface DemoPrice {
  part: string;
  skuId: string; // Graph skuId
  title: string;
  productId: string;
  nceSkuId: string;
  before: number; // a month, annual term, before 1 July 2026
  after: number | null; // from 1 July 2026 (null: no later value reported; the first row stays open-ended)
}

/** licence-spend.md §6, with the catalogue's NCE ids (config/products.json "nce"). */
export const DEMO_PRICES: DemoPrice[] = [
  {
    part: 'O365_BUSINESS_ESSENTIALS',
    skuId: '3b555118-da6a-4418-894f-7df1e2096870',
    title: 'Microsoft 365 Business Basic',
    productId: 'CFQ7TTC0LH18',
    nceSkuId: '0001',
    before: 6,
    after: 7,
  },
  {
    part: 'O365_BUSINESS_PREMIUM',
    skuId: 'f245ecc8-75af-4f8e-b61f-27d8114de5f3',
    title: 'Microsoft 365 Business Standard',
    productId: 'DEMO0000BSTD',
    nceSkuId: '0001',
    before: 12.5,
    after: 14,
  },
  {
    part: 'SPB',
    skuId: 'cbdc14ab-d96c-4c30-b9f4-6ada7cdc1d46',
    title: 'Microsoft 365 Business Premium',
    productId: 'CFQ7TTC0LCHC',
    nceSkuId: '0002',
    before: 22,
    after: 22,
  },
  {
    part: 'SPE_E3',
    skuId: '05e9a617-0261-4cee-bb44-138d3ef5d965',
    title: 'Microsoft 365 E3',
    productId: 'DEMO0000SPE3',
    nceSkuId: '0001',
    before: 36,
    after: 39,
  },
  {
    part: 'SPE_E5',
    skuId: '06ebc4ee-1bb5-47dd-8120-11324bc54e06',
    title: 'Microsoft 365 E5',
    productId: 'DEMO0000SPE5',
    nceSkuId: '0001',
    before: 57,
    after: 60,
  },
  {
    part: 'ENTERPRISEPACK',
    skuId: '6fd2c87f-b296-42f0-b197-1e91e994b900',
    title: 'Office 365 E3',
    productId: 'DEMO0000O3E3',
    nceSkuId: '0001',
    before: 23,
    after: 26,
  },
  {
    part: 'EXCHANGESTANDARD',
    skuId: '4b9405b0-7788-4568-add1-99614e613b69',
    title: 'Exchange Online (Plan 1)',
    productId: 'DEMO0000EXO1',
    nceSkuId: '0001',
    before: 4,
    after: null,
  },
  {
    part: 'DYN365_ENTERPRISE_SALES',
    skuId: '1e1a282c-9c54-43a2-9310-98ef728faace',
    title: 'Dynamics 365 Sales Enterprise',
    productId: 'DEMO0000D365',
    nceSkuId: '0001',
    before: 105,
    after: 105,
  },
  {
    part: 'Microsoft_365_Copilot',
    skuId: '639dec6b-bb19-468b-871c-c5c441c4b0cb',
    title: 'Microsoft 365 Copilot',
    productId: 'DEMO0000COPL',
    nceSkuId: '0001',
    before: 30,
    after: null,
  },
];

const money = (v: number) => String(Math.round(v * 100) / 100);

/**
 * Two rows per SKU around 1 July 2026 (one open-ended where no later value is known), each in three plans: P1Y paid
 * yearly (UnitPrice = 12 × the monthly price), P1Y paid monthly (+5%, partners' reports) and P1M (+20%).
 */
export function demoPriceRows(): PriceSheetRow[] {
  const rows: PriceSheetRow[] = [];
  for (const p of DEMO_PRICES) {
    const periods: [number, string, string][] =
      p.after === null
        ? [[p.before, '1/1/2025 12:00:00 AM', '12/31/9999 11:59:59 PM']]
        : [
            [p.before, '1/1/2025 12:00:00 AM', '6/30/2026 11:59:59 PM'],
            [p.after, '7/1/2026 12:00:00 AM', '12/31/9999 11:59:59 PM'],
          ];
    for (const [monthly, start, end] of periods) {
      for (const [term, plan, unit] of [
        ['P1Y', 'Annual', monthly * 12],
        ['P1Y', 'Monthly', monthly * 12 * 1.05],
        ['P1M', 'Monthly', monthly * 1.2],
      ] as const) {
        rows.push({
          ProductTitle: p.title,
          ProductId: p.productId,
          SkuId: p.nceSkuId,
          SkuTitle: p.title,
          TermDuration: term,
          BillingPlan: plan,
          Market: 'US',
          Currency: 'USD',
          UnitPrice: money(unit),
          EffectiveStartDate: start,
          EffectiveEndDate: end,
          Tags: 'License',
          ErpPrice: money(unit * 1.2),
        });
      }
    }
  }
  return rows;
}

export function demoOfferMatrix() {
  return DEMO_PRICES.map((p) => ({
    ProductTitle: p.title,
    ProductId: p.productId,
    SkuId: p.nceSkuId,
    ProvisioningId: p.skuId,
    ProvisioningString: p.part,
  }));
}

/** A stable number from a subscription id, so that spend terms do not disturb the simulation's random sequence. */
function idHash(id: string): number {
  return parseInt(id.replace(/-/g, '').slice(0, 8), 16);
}

/**
 * The offer id and spend terms of one demo subscription as Partner Center would show them on `asOfDate`. Renewals
 * are spread over the year after the demo's last drop (`endDate`); one in six subscriptions is monthly (P1M), one in
 * six a yearly term paid monthly. `special` adds the two cases the demo must show: seats still in their 7-day window,
 * and a reduction already scheduled for renewal.
 */
export function demoSpendTerms(
  sub: { id: string; part: string; units: number },
  asOfDate: string,
  endDate: string,
  special?: 'refundable' | 'scheduled',
): Partial<PartnerCenterSubscription> {
  const price = DEMO_PRICES.find((p) => p.part === sub.part);
  const h = idHash(sub.id);
  const offerId = price
    ? `${price.productId}:${price.nceSkuId}:DEMO${String(h % 100000000).padStart(8, '0')}`
    : undefined;
  const kind = special ? 2 : h % 6; // the special cases are yearly terms paid yearly
  let term: string, cycle: string, start: string, end: string;
  if (kind === 0) {
    // P1M renews every month on the same day of the month.
    term = 'P1M';
    cycle = 'monthly';
    const day = 1 + (h % 28);
    const [y, m] = asOfDate.split('-').map(Number) as [number, number];
    let endDay = new Date(Date.UTC(y, m - 1, day));
    if (endDay.toISOString().slice(0, 10) < asOfDate) endDay = new Date(Date.UTC(y, m, day));
    end = endDay.toISOString().slice(0, 10);
    start = addDays(end, -29);
  } else {
    term = 'P1Y';
    cycle = kind === 1 ? 'monthly' : 'annual';
    end = special === 'scheduled' ? addDays(endDate, 20) : addDays(endDate, 3 + (h % 330));
    start = addDays(end, -364);
  }
  const terms: Partial<PartnerCenterSubscription> = {
    ...(offerId ? { offerId } : {}),
    termDuration: term,
    billingCycle: cycle,
    effectiveStartDate: `${start}T00:00:00Z`,
    commitmentEndDate: `${end}T00:00:00Z`,
    autoRenewEnabled: true,
  };
  if (special === 'refundable') {
    // Two seats added three days before the last drop: reducible with a refund for 7 days.
    const added = addDays(endDate, -3);
    if (daysBetween(added, asOfDate) >= 0 && daysBetween(asOfDate, addDays(added, 7)) >= 0)
      terms.refundableQuantity = {
        totalQuantity: 2,
        details: [{ quantity: 2, allowedUntilDateTime: `${addDays(added, 7)}T14:30:00Z` }],
      };
  }
  if (special === 'scheduled') {
    terms.scheduledNextTermInstructions = {
      product: {
        productId: price?.productId,
        skuId: price?.nceSkuId,
        availabilityId: offerId?.split(':')[2],
        billingCycle: 'Annual',
        termDuration: 'P1Y',
      },
      quantity: Math.max(1, sub.units - 2),
    };
  }
  return terms;
}
