// The fake's answers that do not depend on its state: Graph's and Partner Center's error bodies, the throttling
// and server-error answers of each API, the token endpoint's AADSTS messages, a concealed user report, and which
// route a request is for.
import { createHash, randomBytes } from 'node:crypto';
import type { Route } from './faults.js';

/** What Graph's Copilot report is for a tenant with no Copilot licence holders: its v1 header alone. */
export const COPILOT_HEADER_ONLY =
  'Report Refresh Date,User Principal Name,Display Name,Last Activity Date,Copilot Chat Last Activity Date,Microsoft Teams Copilot Last Activity Date,Word Copilot Last Activity Date,Excel Copilot Last Activity Date,PowerPoint Copilot Last Activity Date,Outlook Copilot Last Activity Date,OneNote Copilot Last Activity Date,Loop Copilot Last Activity Date,Report Period\r\n';

/** Graph answers with its own error shape; Partner Center and the token endpoint with theirs. */
export function isGraphRoute(route: Route): boolean {
  return (
    route === 'report' || route === 'copilotReport' || route === 'subscribedSkus' || route === 'subscriptions'
  );
}

export function graphError(code: string, message: string): unknown {
  return {
    error: {
      code,
      message,
      innerError: {
        date: new Date().toISOString().slice(0, 19),
        'request-id': randomBytes(8).toString('hex'),
      },
    },
  };
}

export function partnerCenterError(code: string, description: string): unknown {
  return { code, description, data: [], source: 'PartnerFD' };
}

type HeadersAndBody = [Record<string, string>, string];

export function throttleBody(route: Route, seconds: number): HeadersAndBody {
  const headers = { 'content-type': 'application/json; charset=utf-8', 'retry-after': String(seconds) };
  if (route === 'token' || route === 'devicecode')
    return [
      headers,
      JSON.stringify({
        error: 'temporarily_unavailable',
        error_description:
          'AADSTS50196: The server terminated an operation because it encountered a client request loop.',
      }),
    ];
  if (isGraphRoute(route))
    return [
      headers,
      JSON.stringify(
        graphError('TooManyRequests', 'Too many requests from Identifier: fake. Please try again later.'),
      ),
    ];
  return [
    headers,
    JSON.stringify({ statusCode: 429, message: `Rate limit is exceeded. Try again in ${seconds} seconds.` }),
  ];
}

export function serverErrorBody(route: Route, status: number): HeadersAndBody {
  const headers = { 'content-type': 'application/json; charset=utf-8' };
  const body = isGraphRoute(route)
    ? graphError(
        status === 503 ? 'ServiceUnavailable' : 'InternalServerError',
        'The service is temporarily unavailable.',
      )
    : partnerCenterError(String(status), 'Internal error.');
  return [headers, JSON.stringify(body)];
}

/** The token endpoint's error and message for an AADSTS code a test switches on for a tenant. */
export function aadstsRefusal(code: number): [string, number, string] {
  const text: Record<number, [string, string]> = {
    65001: [
      'invalid_grant',
      'The user or administrator has not consented to use the application. Send an interactive authorization request for this user and resource.',
    ],
    90099: [
      'invalid_grant',
      'The application has not been authorized in the tenant. Applications must be authorized to access the external tenant before partner delegated administrators can use them.',
    ],
    50020: [
      'invalid_grant',
      'User account from identity provider does not exist in tenant and cannot access the application in that tenant.',
    ],
    53003: [
      'invalid_grant',
      'Access has been blocked by Conditional Access policies. The access policy does not allow token issuance.',
    ],
    50173: [
      'invalid_grant',
      'The provided grant has expired due to it being revoked, a fresh auth token is needed.',
    ],
    7000222: ['invalid_client', 'The provided client secret keys are expired.'],
    90002: [
      'invalid_request',
      'Tenant not found. This may happen if there are no active subscriptions for the tenant.',
    ],
  };
  const [error, message] = text[code] ?? ['invalid_grant', 'The request failed.'];
  return [error, code, message];
}

/** User Principal Name and Display Name as MD5 hashes in upper-case hex, as Microsoft conceals them. */
export function concealReport(csv: Buffer): Buffer {
  const md5 = (s: string) => createHash('md5').update(s).digest('hex').toUpperCase();
  const lines = csv.toString('utf8').split('\r\n');
  return Buffer.from(
    lines
      .map((line, i) => {
        if (i === 0 || line === '' || line.includes('"')) return line;
        const f = line.split(',');
        f[1] = md5(f[1]!);
        f[2] = md5(`name:${f[2]!}`);
        return f.join(',');
      })
      .join('\r\n'),
  );
}

export function routeOf(method: string, p: string): Route {
  if (method === 'POST' && /^\/[^/]+\/oauth2\/v2\.0\/token$/.test(p)) return 'token';
  if (method === 'POST' && /^\/[^/]+\/oauth2\/v2\.0\/devicecode$/.test(p)) return 'devicecode';
  if (method !== 'GET') return 'unknown';
  const decoded = decodeURIComponent(p);
  if (/^\/v1\.0\/reports\/getOffice365ActiveUserDetail\(period='D30'\)$/.test(decoded)) return 'report';
  if (
    /^\/v1\.0\/copilot\/reports\/getMicrosoft365CopilotUsageUserDetail\(period='D30'(,version='v[12]')?\)$/.test(
      decoded,
    )
  )
    return 'copilotReport';
  if (
    /^\/v1\.0\/sales\/pricesheets\(Market='[A-Za-z]{2}',PricesheetView='updatedlicensebased'\)\/\$value$/.test(
      decoded,
    )
  )
    return 'pricesheet';
  if (/^\/v1\.0\/sales\/offermatrix\(Month='\d{6}'\)\/\$value$/.test(decoded)) return 'offermatrix';
  if (p === '/v1.0/subscribedSkus') return 'subscribedSkus';
  if (p === '/v1.0/directory/subscriptions') return 'subscriptions';
  if (p === '/v1/customers') return 'customers';
  if (/^\/v1\/customers\/[^/]+\/subscriptions$/.test(p)) return 'pcSubscriptions';
  if (/^(\/partner)?\/v1\/analytics\/commercial\/deployment\/license\/?$/.test(p)) return 'deployment';
  if (/^(\/partner)?\/v1\/analytics\/commercial\/usage\/license\/?$/.test(p)) return 'usage';
  return 'unknown';
}
