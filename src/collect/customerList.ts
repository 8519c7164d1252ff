// The night's customers, from Partner Center, every page. The list is kept in the work folder, so that a resumed
// run works through the same customers.
import path from 'node:path';
import { describeCallError, NightFailed } from './callErrors.js';
import { contentFailure } from './failures.js';
import { getJson } from './http.js';
import type { Night } from './night.js';
import { sameOrigin } from './pages.js';
import type { ListedCustomer } from './plan.js';
import { readJsonFile, writeJsonAtomic } from './workDir.js';

interface CustomerPage {
  items?: unknown;
  links?: { next?: { uri?: string; headers?: { key: string; value: string }[] } };
}

interface CustomerItem {
  id?: string;
  companyProfile?: { tenantId?: string; companyName?: string };
}

const UNREADABLE = 'the customer list could not be read from Partner Center';

/** Pure: the customers of one page; items without a tenant GUID are not customers collect can reach. */
export function customersOfPage(items: readonly CustomerItem[]): ListedCustomer[] {
  const out: ListedCustomer[] = [];
  for (const item of items) {
    const tenantId = String(item.companyProfile?.tenantId ?? item.id ?? '').toLowerCase();
    if (!/^[0-9a-f-]{36}$/.test(tenantId)) continue;
    out.push({
      id: String(item.id ?? tenantId),
      tenantId,
      name: String(item.companyProfile?.companyName ?? tenantId),
    });
  }
  return out;
}

async function fetchPage(night: Night, url: string, continuation: string | undefined): Promise<CustomerPage> {
  try {
    const headers = await night.pcHeaders(continuation ? { 'MS-ContinuationToken': continuation } : {});
    return (await getJson(url, headers, night.policy)).doc as CustomerPage;
  } catch (err) {
    if (err instanceof NightFailed) throw err;
    const f = describeCallError(err, 'customers', 'the partner');
    throw new NightFailed(`${UNREADABLE}: ${f.reason}. ${f.action}`, f);
  }
}

function unreadable(problem: string): NightFailed {
  const f = contentFailure('customers', 'the partner', problem);
  return new NightFailed(`${UNREADABLE}: ${f.reason}`, f);
}

/** Every customer Partner Center lists; a list that cannot be read ends the night (NightFailed). */
export async function listCustomers(night: Night): Promise<ListedCustomer[]> {
  const listFile = path.join(night.paths.work, 'customers.json');
  const kept = readJsonFile<ListedCustomer[]>(listFile);
  if (kept) return kept;
  const { pcBase } = night;
  const customers: ListedCustomer[] = [];
  let url = `${pcBase}/v1/customers?size=${night.config.collect.customersPageSize}`;
  let continuation: string | undefined;
  for (let page = 0; page < 100_000; page++) {
    const doc = await fetchPage(night, url, continuation);
    if (!Array.isArray(doc.items)) throw unreadable('no "items" in the customer list');
    customers.push(...customersOfPage(doc.items as CustomerItem[]));
    const next = doc.links?.next;
    if (!next?.uri) break;
    continuation = next.headers?.find((h) => h.key.toLowerCase() === 'ms-continuationtoken')?.value;
    url = new URL(next.uri, `${pcBase}/`).href;
    // The partner's token goes only to Partner Center itself.
    if (!sameOrigin(url, pcBase)) throw unreadable(`links.next leaves ${pcBase}`);
  }
  writeJsonAtomic(listFile, customers);
  return customers;
}
