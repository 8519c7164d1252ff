// The fake's Partner Center: the customer list paged with a continuation token in a header, a customer's
// subscriptions, the licence analytics paged with @nextLink, and the price list and offer matrix downloads.
import { createHash } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { partnerCenterError } from './answers.js';
import type { FaultKind, Route } from './faults.js';
import { jsonAnswer, type Answer, type FakeState } from './state.js';

function customerPage(state: FakeState, req: IncomingMessage, url: URL, malformed: boolean): Answer {
  const customers = state.options.portfolio.customers;
  const size = Math.min(
    Number(url.searchParams.get('size') ?? '100') || 100,
    state.options.pcMaxPageSize ?? 500,
  );
  let offset = 0;
  if (url.searchParams.get('seekOperation') === 'Next') {
    const token = req.headers['ms-continuationtoken'];
    const known = typeof token === 'string' ? state.continuation.get(token) : undefined;
    if (known === undefined)
      return jsonAnswer(400, partnerCenterError('400', 'The continuation token is missing or invalid.'));
    offset = known;
  }
  const items = customers.slice(offset, offset + size).map((c) => ({
    id: c.id,
    companyProfile: {
      tenantId: c.tenantId,
      domain: c.domain,
      companyName: c.companyName,
      attributes: { objectType: 'CustomerCompanyProfile' },
    },
    relationshipToPartner: 'reseller',
    attributes: { objectType: 'Customer' },
  }));
  const links: Record<string, unknown> = {
    self: { uri: `/v1/customers?size=${size}`, method: 'GET', headers: [] },
  };
  if (offset + size < customers.length) {
    const token = createHash('sha256')
      .update(`${offset + size}`)
      .digest('base64url');
    state.continuation.set(token, offset + size);
    links.next = {
      uri: `/v1/customers?size=${size}&seekOperation=Next`,
      method: 'GET',
      headers: [{ key: 'MS-ContinuationToken', value: token }],
    };
  }
  if (malformed) return jsonAnswer(200, '{"totalCount":');
  return jsonAnswer(200, {
    totalCount: items.length,
    items,
    links,
    attributes: { objectType: 'Collection' },
  });
}

function customerSubscriptions(
  state: FakeState,
  customer: string | undefined,
  url: URL,
  malformed: boolean,
): Answer {
  const known = state.options.portfolio.customers.some((c) => c.id.toLowerCase() === customer);
  if (!known) return jsonAnswer(404, partnerCenterError('600013', 'Customer not found.'));
  if (malformed) return jsonAnswer(200, '{"totalCount":3,"items":[');
  const items = state.options.portfolio.pcSubscriptions.get(customer ?? '') ?? [];
  return jsonAnswer(200, {
    totalCount: items.length,
    items,
    links: { self: { uri: `${url.pathname}`, method: 'GET', headers: [] } },
    attributes: { objectType: 'Collection' },
  });
}

/** api.partner.microsoft.com: the file stream as downloaded (Content-Disposition names it). */
function priceFile(state: FakeState, route: 'pricesheet' | 'offermatrix'): Answer {
  const { portfolio } = state.options;
  const body = route === 'pricesheet' ? portfolio.priceSheet : portfolio.offerMatrix;
  if (!body) return jsonAnswer(404, partnerCenterError('404', 'Not Found'));
  return {
    status: 200,
    headers: {
      'content-type': 'application/octet-stream',
      'content-disposition': `attachment; filename=${route === 'pricesheet' ? 'sheets.csv' : 'updatedoffice.csv'}`,
    },
    body,
  };
}

function analyticsPage(state: FakeState, route: Route, url: URL, malformed: boolean): Answer {
  const { portfolio } = state.options;
  const doc = route === 'deployment' ? portfolio.pcDeployment : portfolio.pcUsage;
  if (malformed) return jsonAnswer(200, '{"Value":[{"processedDateTime":');
  const rows = (doc?.doc.Value as unknown[] | undefined) ?? [];
  const top = Math.min(
    Number(url.searchParams.get('top') ?? '10000') || 10000,
    state.options.analyticsPageSize ?? 10000,
  );
  const skip = Number(url.searchParams.get('skip') ?? '0') || 0;
  if (skip === 0 && rows.length <= top && doc) return jsonAnswer(200, doc.text);
  const next =
    skip + top < rows.length ? `${state.apiOrigin}${url.pathname}?top=${top}&skip=${skip + top}` : null;
  return jsonAnswer(200, { Value: rows.slice(skip, skip + top), '@nextLink': next, TotalCount: rows.length });
}

export function partnerCenterAnswer(
  state: FakeState,
  route: Route,
  req: IncomingMessage,
  url: URL,
  customer: string | undefined,
  fault: FaultKind | undefined,
): Answer {
  const malformed = fault === 'malformed';
  if (route === 'customers') return customerPage(state, req, url, malformed);
  if (route === 'pcSubscriptions') return customerSubscriptions(state, customer, url, malformed);
  if (route === 'pricesheet' || route === 'offermatrix') return priceFile(state, route);
  return analyticsPage(state, route, url, malformed);
}
