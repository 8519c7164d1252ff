// The fake's Graph: the usage report (a 302 to a short-lived link on the download host, within Graph's report
// budget), the Copilot usage report (the CSV itself), and subscribedSkus and directory/subscriptions paged with
// @odata.nextLink.
import { randomBytes } from 'node:crypto';
import { COPILOT_HEADER_ONLY, graphError, throttleBody } from './answers.js';
import type { FaultKind, Route } from './faults.js';
import { jsonAnswer, type Answer, type FakeState } from './state.js';

const REPORT_WINDOW_MS = 10 * 60_000;

const forbidden = (message: string) => jsonAnswer(403, graphError('UnknownError', message));

/** Graph's report limit: so many requests per app, tenant and report in 10 minutes. */
function overBudget(state: FakeState, tenant: string): Answer | undefined {
  const budget = state.faults.reportBudget;
  if (budget <= 0) return undefined;
  const since = state.clockMs - REPORT_WINDOW_MS;
  const recent = (state.reportCalls.get(tenant) ?? []).filter((t) => t > since);
  state.reportCalls.set(tenant, [...recent, state.clockMs]);
  if (recent.length < budget) return undefined;
  const wait = Math.max(1, Math.ceil((recent[0]! + REPORT_WINDOW_MS - state.clockMs) / 1000));
  const [headers, body] = throttleBody('report', wait);
  return { status: 429, headers, body };
}

function usageReport(state: FakeState, tenant: string): Answer {
  if (state.faults.reportForbidden.has(tenant))
    return forbidden(
      'Forbidden: the signed-in user has no role that allows reading usage reports in this tenant.',
    );
  const throttled = overBudget(state, tenant);
  if (throttled) return throttled;
  const id = randomBytes(18).toString('base64url');
  state.downloadUrls.set(id, { tenant, createdMs: state.clockMs });
  return {
    status: 302,
    headers: { 'content-type': 'text/plain', location: `${state.downloadOrigin}/data/download/${id}` },
    body: '',
  };
}

function directoryList(
  state: FakeState,
  route: 'subscribedSkus' | 'subscriptions',
  tenant: string,
  url: URL,
  malformed: boolean,
): Answer {
  const t = state.options.portfolio.tenants.get(tenant);
  const doc = route === 'subscribedSkus' ? t?.subscribedSkus : t?.subscriptions;
  const context = `https://graph.microsoft.com/v1.0/$metadata#${route === 'subscribedSkus' ? 'subscribedSkus' : 'directory/subscriptions'}`;
  if (malformed) return jsonAnswer(200, '{"@odata.context":"' + context + '","value":[{"id":');
  const items = (doc?.doc.value as unknown[] | undefined) ?? [];
  const size = state.options.graphPageSize ?? 100;
  const skip = Number(url.searchParams.get('$skiptoken') ?? '0') || 0;
  if (skip === 0 && items.length <= size && doc) return jsonAnswer(200, doc.text);
  const page: Record<string, unknown> = { '@odata.context': context, value: items.slice(skip, skip + size) };
  if (skip + size < items.length)
    page['@odata.nextLink'] = `${state.apiOrigin}${url.pathname}?$skiptoken=${skip + size}`;
  return jsonAnswer(200, page);
}

export function graphAnswer(
  state: FakeState,
  route: Route,
  tenant: string,
  url: URL,
  fault: FaultKind | undefined,
): Answer {
  if (route === 'report') return usageReport(state, tenant);
  if (route === 'copilotReport') {
    // v1.0 answers 200 with the CSV itself (no redirect); a tenant without Copilot licences, a header only.
    if (state.faults.reportForbidden.has(tenant))
      return forbidden('Forbidden: no role that allows reading usage reports.');
    return {
      status: 200,
      headers: { 'content-type': 'application/octet-stream' },
      body: state.options.portfolio.tenants.get(tenant)?.copilotReport ?? Buffer.from(COPILOT_HEADER_ONLY),
    };
  }
  return directoryList(
    state,
    route === 'subscribedSkus' ? 'subscribedSkus' : 'subscriptions',
    tenant,
    url,
    fault === 'malformed',
  );
}
