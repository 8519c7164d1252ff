// What a failed call means for the operator: the reason, and what to do about it. Pure: maps an AADSTS code or an
// HTTP status (and the customer's name) to words. The codes follow microsoft-apis.md §1.4.

export interface CollectFailure {
  /** short machine-readable code, e.g. aadsts_65001, http_403, bad_content */
  code: string;
  reason: string;
  /** what the operator must do, naming the customer */
  action: string;
}

/** The AADSTS code of a token endpoint's error body, from error_codes or the description. */
export function aadstsCode(body: unknown): number | undefined {
  if (!body || typeof body !== 'object') return undefined;
  const b = body as { error_codes?: unknown; error_description?: unknown };
  if (Array.isArray(b.error_codes) && typeof b.error_codes[0] === 'number') return b.error_codes[0];
  const m = /AADSTS(\d+)/.exec(String(b.error_description ?? ''));
  return m ? Number(m[1]) : undefined;
}

/** True when the code concerns the partner's own sign-in, so every customer will fail the same way. */
export function isPartnerWide(code: number): boolean {
  return [700082, 50173, 70043, 50076, 50078, 50079, 7000215, 7000222, 530034, 9002313].includes(code);
}

type Words = { reason: string; action: string };

const signInAgain = (reason: string, action: string) => (): Words => ({ reason, action });
const mfaRequired = (code: number): Words => ({
  reason: `multi-factor authentication is required (AADSTS${code})`,
  action: 'run `adoption auth login` and complete MFA in the browser',
});
const noTenantAccess = (code: number, customer: string): Words => ({
  reason: `the partner user has no access to ${customer}'s tenant (AADSTS${code}: not in the GDAP security group, or a guest there)`,
  action: `add the signed-in partner user to the security group that holds the GDAP relationship with ${customer}`,
});
const badClientSecret = (code: number): Words => ({
  reason: `the app's client secret is invalid or expired (AADSTS${code})`,
  action: 'create a new client secret for the app and set ADOPTION_MS_CLIENT_SECRET',
});

/** The words for each AADSTS code the operator can act on (microsoft-apis.md §1.4). */
const TOKEN_WORDS: Record<number, (code: number, customer: string) => Words> = {
  700082: signInAgain(
    'the stored refresh token expired after 90 days without use (AADSTS700082)',
    'sign in again: run `adoption auth login` (MFA), then `adoption collect --retry-failed`',
  ),
  50173: signInAgain(
    'the refresh token was revoked (AADSTS50173: password reset or tokens revoked by an admin)',
    'sign in again: run `adoption auth login`, then `adoption collect --retry-failed`',
  ),
  70043: (_, customer) => ({
    reason: `a Conditional Access sign-in-frequency policy ended the session for ${customer} (AADSTS70043)`,
    action: 'run `adoption auth login` again; the policy will require it again on its schedule',
  }),
  50076: mfaRequired,
  50078: mfaRequired,
  50079: mfaRequired,
  65001: (_, customer) => ({
    reason: `the partner's app is not consented in ${customer}'s tenant (AADSTS65001)`,
    action: `grant consent for ${customer}: call Partner Center applicationconsents for this customer (scopes Reports.Read.All, Directory.Read.All), or have their admin open the adminconsent URL (docs/collect.md, "Consent")`,
  }),
  90099: (_, customer) => ({
    reason: `the app is not authorized in ${customer}'s tenant for partner delegated admins (AADSTS90099)`,
    action: `pre-consent the app in ${customer} with the Partner Center applicationconsents API (docs/collect.md, "Consent")`,
  }),
  50020: noTenantAccess,
  50177: noTenantAccess,
  53003: (_, customer) => ({
    reason: `${customer}'s Conditional Access policies block the partner user (AADSTS53003)`,
    action: `ask ${customer}'s administrator to exclude the partner's service provider users from the blocking Conditional Access policy`,
  }),
  530034: signInAgain(
    'the partner account is flagged as risky in its home tenant (AADSTS530034)',
    "review the partner user's risk state in the partner tenant (Entra ID Protection), then sign in again",
  ),
  700016: (_, customer) => ({
    reason: `the app is not found in ${customer}'s tenant, or the client id is wrong (AADSTS700016)`,
    action: `check microsoft.clientId, and consent the app in ${customer}`,
  }),
  90002: (_, customer) => ({
    reason: `${customer}'s tenant was not found (AADSTS90002)`,
    action: `check whether ${customer} still exists; remove it from Partner Center if it was deleted`,
  }),
  7000215: badClientSecret,
  7000222: badClientSecret,
  5000224: (_, customer) => ({
    reason: `${customer}'s tenant may have been deleted (AADSTS5000224)`,
    action: `check ${customer} in Partner Center`,
  }),
};

export function tokenFailure(code: number | undefined, customer: string, error?: string): CollectFailure {
  const known = code === undefined ? undefined : TOKEN_WORDS[code];
  if (known) return { code: `aadsts_${code}`, ...known(code!, customer) };
  return {
    code: `aadsts_${code ?? 'unknown'}`,
    reason: `the token endpoint refused a token for ${customer} (${error ?? 'error'}${code ? `, AADSTS${code}` : ''})`,
    action: `look up the code at https://login.microsoftonline.com/error?code=${code ?? ''} and fix access to ${customer}`,
  };
}

export type CallKind =
  | 'report'
  | 'copilotReport'
  | 'subscribedSkus'
  | 'subscriptions'
  | 'pcSubscriptions'
  | 'customers'
  | 'analytics';

const ROLE_FOR: Record<CallKind, string> = {
  report: 'Reports Reader',
  // The Copilot report's page lists AI Administrator and Reports Reader, not Global Reader (microsoft-apis.md §1.6).
  copilotReport: 'Reports Reader (or AI Administrator)',
  subscribedSkus: 'Global Reader (or Directory Readers)',
  subscriptions: 'Global Reader (or Directory Readers)',
  pcSubscriptions: 'Admin Agent or Sales Agent (Partner Center)',
  customers: 'Admin Agent or Sales Agent (Partner Center)',
  analytics: 'Executive report viewer or Admin Agent (Partner Center)',
};

export function httpFailure(status: number, call: CallKind, customer: string, detail = ''): CollectFailure {
  const what = `${call}${detail ? `: ${detail}` : ''}`;
  if (status === 401 && /mfa/i.test(detail))
    return {
      code: 'mfa_required',
      reason: `${call} answered 401: Partner Center requires a token from a sign-in with multi-factor authentication`,
      action: 'run `adoption auth login` and complete MFA in the browser',
    };
  if (status === 401 || status === 403) {
    const role = ROLE_FOR[call];
    return {
      code: `http_${status}`,
      reason: `${call} answered ${status} for ${customer}: the partner user lacks the role for it${detail ? ` (${detail})` : ''}`,
      action:
        call.startsWith('pc') || call === 'customers' || call === 'analytics'
          ? `give the signed-in partner user the ${role} role`
          : `add the ${role} role to the GDAP relationship for ${customer} (and its security group assignment)`,
    };
  }
  if (status === 404)
    return {
      code: 'http_404',
      reason: `${what} answered 404 for ${customer}`,
      action: `check that ${customer} is still a customer in Partner Center`,
    };
  if (status === 429)
    return {
      code: 'throttled',
      reason: `${what} stayed throttled (429) for ${customer} after every retry`,
      action: 'run `adoption collect --retry-failed` later, or lower collect.concurrency',
    };
  return {
    code: status ? `http_${status}` : 'network',
    reason: `${what} failed for ${customer}${status ? ` with HTTP ${status}` : ''} after every retry`,
    action: 'run `adoption collect --retry-failed` later; if it persists, check Microsoft 365 service health',
  };
}

export function contentFailure(call: CallKind, customer: string, problem: string): CollectFailure {
  if (/collect\.downloadHosts|not https/.test(problem))
    return {
      code: 'download_refused',
      reason: `${call} for ${customer}: the download link was not followed: ${problem}`,
      action:
        "if the host is Microsoft's (e.g. a new reports.office.com name), add it to collect.downloadHosts; otherwise report it",
    };
  if (/maxDownloadBytes/.test(problem))
    return {
      code: 'download_too_large',
      reason: `${call} for ${customer}: ${problem}`,
      action: `raise collect.maxDownloadBytes if ${customer} really has that many users, then \`adoption collect --retry-failed\``,
    };
  return {
    code: 'bad_content',
    reason: `${call} for ${customer} returned unusable content: ${problem}`,
    action:
      'run `adoption collect --retry-failed`; if it persists, the API changed: report it with this message',
  };
}
