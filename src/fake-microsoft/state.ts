// What the fake of Microsoft remembers between requests: the grants it issued, the download links it handed out,
// Partner Center's continuation tokens, the report calls counted against Graph's budget, and its own clock.
import type { FakeFaults } from './faults.js';
import type { FakePortfolio } from './portfolio.js';

export interface FakeOptions {
  portfolio: FakePortfolio;
  partnerTenantId: string;
  partnerUser?: string;
  clientId?: string;
  /** when set, token requests must carry it */
  clientSecret?: string;
  /** items per Graph page before @odata.nextLink */
  graphPageSize?: number;
  /** customers per Partner Center page when the caller asks for more */
  pcMaxPageSize?: number;
  /** rows per analytics page (top) */
  analyticsPageSize?: number;
  /** device-code polling interval the fake announces, in seconds */
  deviceInterval?: number;
  /** the device code is approved after this many polls (the operator signing in) */
  deviceApproveAfterPolls?: number;
  /** the fake's clock at start, ms since the epoch */
  nowMs?: number;
  seed?: number;
}

export interface RefreshGrant {
  user: string;
  lastUsedMs: number;
  revoked?: boolean;
}

export interface AccessGrant {
  tenant: string;
  scope: string;
  expiresMs: number;
}

export interface DeviceGrant {
  userCode: string;
  polls: number;
  expiresMs: number;
  approved: boolean;
  scope: string;
}

export interface FakeState {
  readonly options: FakeOptions;
  readonly clientId: string;
  readonly partnerUser: string;
  readonly faults: FakeFaults;
  readonly refresh: Map<string, RefreshGrant>;
  readonly access: Map<string, AccessGrant>;
  readonly devices: Map<string, DeviceGrant>;
  readonly downloadUrls: Map<string, { tenant: string; createdMs: number }>;
  readonly continuation: Map<string, number>;
  readonly reportCalls: Map<string, number[]>;
  /** every refresh token issued, oldest first (tests search output for them) */
  readonly issuedRefreshTokens: string[];
  /** every access token issued */
  readonly issuedAccessTokens: string[];
  /** the fake's time: token lifetimes, download URLs and device codes follow it, not the machine's clock */
  clockMs: number;
  apiOrigin: string;
  downloadOrigin: string;
}

/** An answer of the fake API: status, headers and body. */
export interface Answer {
  status: number;
  headers: Record<string, string>;
  body: string | Buffer;
}

export function jsonAnswer(status: number, doc: unknown, extra: Record<string, string> = {}): Answer {
  return {
    status,
    headers: { 'content-type': 'application/json; charset=utf-8', ...extra },
    body: typeof doc === 'string' ? doc : JSON.stringify(doc),
  };
}
