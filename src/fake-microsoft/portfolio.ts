// What the fake of Microsoft serves: a partner's portfolio taken from a drop written by the demo exporter
// (src/demo/writeDrop.ts), so that every byte the fake answers with is a byte the directly written drop holds.
// Graph and Partner Center documents are split back into what each endpoint returns for one customer.
import { renderDropFiles, type DropSpec } from '../demo/writeDrop.js';

export interface FakeCustomer {
  /** Partner Center customer id (upper case, as Partner Center prints GUIDs) */
  id: string;
  /** Entra tenant id (lower case, as Graph prints it) */
  tenantId: string;
  companyName: string;
  domain: string;
}

export interface FakeTenant {
  /** office365ActiveUserDetail.csv, exactly as the exporter writes it */
  userReport?: Buffer;
  /** copilotUsageUserDetail.csv, exactly as the exporter writes it (none: a header only is served) */
  copilotReport?: Buffer;
  /** the Graph documents, parsed: served whole when one page holds them */
  subscriptions?: { text: string; doc: Record<string, unknown> };
  subscribedSkus?: { text: string; doc: Record<string, unknown> };
}

export interface FakePortfolio {
  customers: FakeCustomer[];
  /** by lower-case tenant id; a customer without an entry has never consented to the partner's app */
  tenants: Map<string, FakeTenant>;
  /** Partner Center subscription items by lower-case customer id, without the customerId the exporter adds */
  pcSubscriptions: Map<string, Record<string, unknown>[]>;
  pcDeployment?: { text: string; doc: Record<string, unknown> };
  pcUsage?: { text: string; doc: Record<string, unknown> };
  /** partner-center/pricesheet.csv and offermatrix.csv, exactly as the exporter writes them */
  priceSheet?: Buffer;
  offerMatrix?: Buffer;
}

function parsed(text: string | undefined): { text: string; doc: Record<string, unknown> } | undefined {
  return text === undefined ? undefined : { text, doc: JSON.parse(text) as Record<string, unknown> };
}

export function portfolioFromSpec(spec: DropSpec): FakePortfolio {
  const rendered = renderDropFiles(spec);
  const bytes = (rel: string): Buffer | undefined => {
    const v = rendered.get(rel);
    return v === undefined ? undefined : Buffer.from(v);
  };
  const files = {
    get(rel: string): string | undefined {
      const v = rendered.get(rel);
      return v === undefined || typeof v === 'string' ? v : Buffer.from(v).toString('utf8');
    },
  };
  const customers: FakeCustomer[] = (spec.customers ?? []).map((c) => ({
    id: c.customer_id.toUpperCase(),
    tenantId: c.customer_id.toLowerCase(),
    companyName: c.customer_name,
    domain: `${c.customer_id.slice(0, 8).toLowerCase()}.onmicrosoft.com`,
  }));
  const tenants = new Map<string, FakeTenant>();
  for (const t of spec.tenants) {
    const base = `tenants/${t.tenantId}/`;
    const report = files.get(`${base}office365ActiveUserDetail.csv`);
    tenants.set(t.tenantId.toLowerCase(), {
      userReport: report === undefined ? undefined : Buffer.from(report),
      copilotReport: bytes(`${base}copilotUsageUserDetail.csv`),
      subscriptions: parsed(files.get(`${base}subscriptions.json`)),
      subscribedSkus: parsed(files.get(`${base}subscribedSkus.json`)),
    });
  }
  const pcSubscriptions = new Map<string, Record<string, unknown>[]>();
  const pcText = files.get('partner-center/subscriptions.json');
  if (pcText) {
    const doc = JSON.parse(pcText) as { items: Record<string, unknown>[] };
    for (const item of doc.items) {
      // Partner Center's Subscription resource carries no customer id: the exporter adds it when it merges.
      const { customerId, ...rest } = item;
      const key = String(customerId).toLowerCase();
      pcSubscriptions.set(key, [...(pcSubscriptions.get(key) ?? []), rest]);
    }
  }
  return {
    customers,
    tenants,
    pcSubscriptions,
    pcDeployment: parsed(files.get('partner-center/licenses-deployment.json')),
    pcUsage: parsed(files.get('partner-center/licenses-usage.json')),
    priceSheet: bytes('partner-center/pricesheet.csv'),
    offerMatrix: bytes('partner-center/offermatrix.csv'),
  };
}
