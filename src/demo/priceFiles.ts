// Partner Center's price list and offer matrix files as downloaded (licence-spend.md §2.1, §3.1), for the demo
// and for tests of the spend readers.
import { OFFER_MATRIX_COLUMNS } from '../spend/priceSheet.js';
import type { PriceSheetRow } from './dropSpec.js';

/** Partner Center quotes every field of its price files, needed or not. */
const quoted = (v: string) => `"${v.replace(/"/g, '""')}"`;

/**
 * The price list as Partner Center downloads it: a UTF-8 byte-order mark, every field quoted, CRLF, and the documented
 * header's typographic closing quote on "ERP Price“ (licence-spend.md §2.1).
 */
export function priceSheetCsv(rows: PriceSheetRow[]): string {
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
      .map(quoted)
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
    ...OFFER_MATRIX_COLUMNS,
    'MinLicenses',
    'MaxLicenses',
    'AssetOwnershipLimit',
    'AssetOwnershipLimitType',
    'ProductSkuPreRequisites',
    'ProductSkuConversion',
    'Description',
    'AllowedCountries',
  ];
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
      .map(quoted)
      .join(','),
  );
  return `\uFEFF${[header.map(quoted).join(','), ...lines].join('\r\n')}\r\n`;
}
