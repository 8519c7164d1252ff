// Switchable faults of the fake of Microsoft. Persistent ones (a customer without consent, a GDAP relationship
// without the report role, a download cut short) hold until cleared; scripted ones (a 429, a 503, a slow answer,
// an HTML page, malformed JSON) fire a set number of times on a route, optionally for one tenant only.

export type Route =
  | 'token'
  | 'devicecode'
  | 'report'
  | 'copilotReport'
  | 'subscribedSkus'
  | 'subscriptions'
  | 'customers'
  | 'pcSubscriptions'
  | 'deployment'
  | 'usage'
  | 'pricesheet'
  | 'offermatrix'
  | 'unknown';

export type FaultKind = '429' | '500' | '503' | 'slow' | 'html' | 'malformed';

export interface ScriptedFault {
  route: Route;
  kind: FaultKind;
  /** lower-case tenant (Graph, token) or customer id (Partner Center); any when absent */
  tenant?: string;
  /** how many requests it answers; Infinity for every one */
  times: number;
  /** for 'slow': how long the answer waits */
  ms?: number;
}

export interface FakeFaults {
  /** added to every answer (the benchmark's 100 ms) */
  latencyMs: number;
  /** probability that any API call is answered 429 */
  rate429: number;
  retryAfterSeconds: number;
  /** tenant → AADSTS code its token endpoint answers with */
  tokenError: Map<string, number>;
  /** tenants whose GDAP relationship lacks a report role: the report answers 403 */
  reportForbidden: Set<string>;
  /** tenants whose report download stops short of its Content-Length */
  truncatedDownload: Set<string>;
  /** tenants whose report comes with a header missing the columns the job reads */
  badHeader: Set<string>;
  /** tenants whose report conceals user names (32 upper-case hex characters, as with the admin setting on) */
  concealNames: Set<string>;
  /** report requests allowed per tenant in 10 minutes of the fake's clock (Graph: 14); 0 for no limit */
  reportBudget: number;
  /** Partner Center refuses the token as if its amr claim lacked "mfa" (401 Unauthorized - MFA required) */
  pcMfaRequired: boolean;
  /** every refresh grant fails with AADSTS700082 */
  expiredRefreshToken: boolean;
  scripted: ScriptedFault[];
}

export function newFaults(): FakeFaults {
  return {
    latencyMs: 0,
    rate429: 0,
    retryAfterSeconds: 1,
    tokenError: new Map(),
    reportForbidden: new Set(),
    truncatedDownload: new Set(),
    badHeader: new Set(),
    concealNames: new Set(),
    reportBudget: 0,
    pcMfaRequired: false,
    expiredRefreshToken: false,
    scripted: [],
  };
}

/** The scripted fault that answers this request, if any; uses one of its times. */
export function takeScripted(
  faults: FakeFaults,
  route: Route,
  tenant: string | undefined,
): ScriptedFault | undefined {
  const f = faults.scripted.find(
    (s) => s.route === route && s.times > 0 && (s.tenant === undefined || s.tenant === tenant),
  );
  if (f) f.times--;
  return f;
}
