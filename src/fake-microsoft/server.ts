// A local fake of the Microsoft endpoints `collect` calls (microsoft-apis.md §7): the token endpoint of every
// tenant (refresh-token and device-code grants), Graph (the usage report's 302 to a download host on another origin,
// subscribedSkus, directory/subscriptions with @odata.nextLink paging) and Partner Center (customers with their
// continuation token, a customer's subscriptions, licence analytics). Bound to 127.0.0.1 only. Its clock is
// controllable and its faults are switchable (faults.ts), so that tests and the demo exercise every path `collect`
// must survive. The download host records every request and flags any that carries a token.
import { createHash, randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { rng } from '../demo/generate.js';
import { newFaults, takeScripted, type FakeFaults, type FaultKind, type Route } from './faults.js';
import type { FakePortfolio } from './portfolio.js';

/** What Graph's Copilot report is for a tenant with no Copilot licence holders: its v1 header alone. */
const COPILOT_HEADER_ONLY =
  'Report Refresh Date,User Principal Name,Display Name,Last Activity Date,Copilot Chat Last Activity Date,Microsoft Teams Copilot Last Activity Date,Word Copilot Last Activity Date,Excel Copilot Last Activity Date,PowerPoint Copilot Last Activity Date,Outlook Copilot Last Activity Date,OneNote Copilot Last Activity Date,Loop Copilot Last Activity Date,Report Period\r\n';

export const FAKE_CLIENT_ID = '5f1c7a4e-2b3d-4e6f-8a9b-0c1d2e3f4a5b';
const DAY_MS = 86_400_000;
const REFRESH_TOKEN_IDLE_MS = 90 * DAY_MS;
const DOWNLOAD_VALID_MS = 5 * 60_000;
const GRAPH_SCOPE = 'https://graph.microsoft.com/.default';
const PC_SCOPE = 'https://api.partnercenter.microsoft.com/.default';

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

interface RefreshGrant {
  user: string;
  lastUsedMs: number;
  revoked?: boolean;
}
interface AccessGrant {
  tenant: string;
  scope: string;
  expiresMs: number;
}
interface DeviceGrant {
  userCode: string;
  polls: number;
  expiresMs: number;
  approved: boolean;
  scope: string;
}

export interface DownloadRequest {
  path: string;
  headers: Record<string, string | string[] | undefined>;
  /** the request carried an Authorization header or any token the fake issued */
  carriedToken: boolean;
}

export interface RequestRecord {
  route: Route;
  method: string;
  path: string;
  tenant?: string;
  status: number;
}

function b64url(s: string): string {
  return Buffer.from(s).toString('base64url');
}

export class FakeMicrosoft {
  readonly faults: FakeFaults = newFaults();
  readonly requests: RequestRecord[] = [];
  readonly downloads: DownloadRequest[] = [];
  /** every refresh token issued, oldest first (tests search output for them) */
  readonly issuedRefreshTokens: string[] = [];
  /** every access token issued */
  readonly issuedAccessTokens: string[] = [];
  private readonly refresh = new Map<string, RefreshGrant>();
  private readonly access = new Map<string, AccessGrant>();
  private readonly devices = new Map<string, DeviceGrant>();
  private readonly downloadUrls = new Map<string, { tenant: string; createdMs: number }>();
  private readonly continuation = new Map<string, number>();
  private readonly reportCalls = new Map<string, number[]>();
  private readonly rand: () => number;
  private clockMs: number;
  private api?: Server;
  private dl?: Server;
  private apiOrigin = '';
  private dlOrigin = '';
  readonly clientId: string;
  readonly partnerUser: string;

  constructor(readonly options: FakeOptions) {
    this.clientId = options.clientId ?? FAKE_CLIENT_ID;
    this.partnerUser = options.partnerUser ?? 'admin@contoso-partner.example';
    this.clockMs = options.nowMs ?? Date.UTC(2026, 10, 24, 1, 0, 0);
    this.rand = rng(options.seed ?? 1);
  }

  /** The fake's time: token lifetimes, download URLs and device codes follow it, not the machine's clock. */
  now(): number {
    return this.clockMs;
  }
  advance(ms: number): void {
    this.clockMs += ms;
  }

  get origin(): string {
    return this.apiOrigin;
  }
  get downloadOrigin(): string {
    return this.dlOrigin;
  }

  /** Config overrides that point `collect` at this fake. */
  endpoints(): { login: string; graph: string; partnerCenter: string; partner: string } {
    return {
      login: this.apiOrigin,
      graph: this.apiOrigin,
      partnerCenter: this.apiOrigin,
      partner: this.apiOrigin,
    };
  }

  /** A refresh token as an earlier interactive sign-in would have left it. */
  issueRefreshToken(lastUsedMs = this.clockMs): string {
    const token = `0.AR${randomBytes(24).toString('base64url')}`;
    this.refresh.set(token, { user: this.partnerUser, lastUsedMs });
    this.issuedRefreshTokens.push(token);
    return token;
  }

  revokeAllRefreshTokens(): void {
    for (const g of this.refresh.values()) g.revoked = true;
  }

  async start(): Promise<void> {
    this.api = createServer((req, res) => void this.handle(req, res, false));
    this.dl = createServer((req, res) => void this.handle(req, res, true));
    const listen = (s: Server) =>
      new Promise<number>((resolve) =>
        s.listen(0, '127.0.0.1', () => resolve((s.address() as AddressInfo).port)),
      );
    this.apiOrigin = `http://127.0.0.1:${await listen(this.api)}`;
    this.dlOrigin = `http://127.0.0.1:${await listen(this.dl)}`;
  }

  async stop(): Promise<void> {
    const close = (s?: Server) =>
      new Promise<void>((resolve) => {
        if (!s) return resolve();
        s.closeAllConnections();
        s.close(() => resolve());
      });
    await Promise.all([close(this.api), close(this.dl)]);
  }

  count(route: Route, tenant?: string): number {
    return this.requests.filter((r) => r.route === route && (tenant === undefined || r.tenant === tenant))
      .length;
  }

  private isIssuedToken(value: string): boolean {
    for (const t of this.refresh.keys()) if (value.includes(t)) return true;
    for (const t of this.access.keys()) if (value.includes(t)) return true;
    return false;
  }

  private async handle(req: IncomingMessage, res: ServerResponse, download: boolean): Promise<void> {
    try {
      const body = await readBody(req);
      const url = new URL(req.url ?? '/', 'http://fake');
      if (download) return await this.serveDownload(req, res, url);
      const route = routeOf(req.method ?? 'GET', url.pathname);
      const record: RequestRecord = { route, method: req.method ?? 'GET', path: url.pathname, status: 0 };
      this.requests.push(record);
      const send = (status: number, headers: Record<string, string>, payload: string | Buffer) => {
        record.status = status;
        res.writeHead(status, headers);
        res.end(payload);
      };
      await delay(this.faults.latencyMs);
      if (route === 'unknown') return send(404, { 'content-type': 'text/plain' }, 'not found');
      const tenant = this.tenantOf(route, url, req);
      record.tenant = tenant;
      // Faults that do not depend on the request's meaning: throttling, server errors, slowness, HTML pages.
      const scripted = takeScripted(this.faults, route, tenant);
      if (scripted?.kind === 'slow') await delay(scripted.ms ?? 0);
      const throttled =
        scripted?.kind === '429' ||
        (this.faults.rate429 > 0 && route !== 'devicecode' && this.rand() < this.faults.rate429);
      if (throttled) return send(429, ...throttleBody(route, this.faults.retryAfterSeconds));
      if (scripted && (scripted.kind === '500' || scripted.kind === '503'))
        return send(Number(scripted.kind), ...serverErrorBody(route, Number(scripted.kind)));
      if (scripted?.kind === 'html')
        return send(
          200,
          { 'content-type': 'text/html; charset=utf-8' },
          '<!DOCTYPE html><html><head><title>Service unavailable</title></head><body><h1>Sorry, something went wrong.</h1></body></html>',
        );
      const out = await this.route(route, req, url, body, tenant, scripted?.kind);
      send(out.status, out.headers, out.body);
    } catch (err) {
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' });
      res.end(`fake error: ${(err as Error).message}`);
    }
  }

  /** The tenant a request is about: from the path for the token endpoint, from the access token otherwise. */
  private tenantOf(route: Route, url: URL, req: IncomingMessage): string | undefined {
    if (route === 'token' || route === 'devicecode') return url.pathname.split('/')[1]?.toLowerCase();
    const grant = this.bearer(req);
    if (route.startsWith('pc') || route === 'customers') {
      const m = /^\/v1\/customers\/([^/]+)/.exec(url.pathname);
      if (m) return m[1]!.toLowerCase();
    }
    return grant?.tenant;
  }

  private bearer(req: IncomingMessage): AccessGrant | undefined {
    const h = req.headers.authorization ?? '';
    const m = /^Bearer (.+)$/.exec(h);
    if (!m) return undefined;
    const g = this.access.get(m[1]!);
    return g && g.expiresMs > this.clockMs ? g : undefined;
  }

  private async route(
    route: Route,
    req: IncomingMessage,
    url: URL,
    body: string,
    tenant: string | undefined,
    fault: FaultKind | undefined,
  ): Promise<{ status: number; headers: Record<string, string>; body: string | Buffer }> {
    const json = (status: number, doc: unknown, extra: Record<string, string> = {}) => ({
      status,
      headers: { 'content-type': 'application/json; charset=utf-8', ...extra },
      body: typeof doc === 'string' ? doc : JSON.stringify(doc),
    });
    if (route === 'token') return json(...this.token(tenant ?? '', new URLSearchParams(body)));
    if (route === 'devicecode') return json(...this.deviceCode(tenant ?? '', new URLSearchParams(body)));

    const grant = this.bearer(req);
    const graph =
      route === 'report' ||
      route === 'copilotReport' ||
      route === 'subscribedSkus' ||
      route === 'subscriptions';
    if (!grant || grant.scope !== (graph ? GRAPH_SCOPE : PC_SCOPE)) {
      return graph
        ? json(401, graphError('InvalidAuthenticationToken', 'Access token is empty or invalid.'))
        : json(401, { code: '401', description: 'Unauthorized', data: [], source: 'PartnerFD' });
    }
    if (!graph && this.faults.pcMfaRequired)
      return {
        status: 401,
        headers: { 'content-type': 'text/plain', 'www-authenticate': 'Bearer error="invalid_token"' },
        body: 'Unauthorized - MFA required',
      };
    const malformed = fault === 'malformed';
    if (graph) {
      const t = this.options.portfolio.tenants.get(grant.tenant);
      if (route === 'report') {
        if (this.faults.reportForbidden.has(grant.tenant))
          return json(
            403,
            graphError(
              'UnknownError',
              'Forbidden: the signed-in user has no role that allows reading usage reports in this tenant.',
            ),
          );
        if (this.faults.reportBudget > 0) {
          // Graph's report limit: so many requests per app, tenant and report in 10 minutes.
          const since = this.clockMs - 10 * 60_000;
          const recent = (this.reportCalls.get(grant.tenant) ?? []).filter((t) => t > since);
          this.reportCalls.set(grant.tenant, [...recent, this.clockMs]);
          if (recent.length >= this.faults.reportBudget) {
            const wait = Math.max(1, Math.ceil((recent[0]! + 10 * 60_000 - this.clockMs) / 1000));
            return { status: 429, ...headersAndBody(throttleBody('report', wait)) };
          }
        }
        const id = randomBytes(18).toString('base64url');
        this.downloadUrls.set(id, { tenant: grant.tenant, createdMs: this.clockMs });
        return {
          status: 302,
          headers: { 'content-type': 'text/plain', location: `${this.dlOrigin}/data/download/${id}` },
          body: '',
        };
      }
      if (route === 'copilotReport') {
        // v1.0 answers 200 with the CSV itself (no redirect); a tenant without Copilot licences, a header only.
        if (this.faults.reportForbidden.has(grant.tenant))
          return json(
            403,
            graphError('UnknownError', 'Forbidden: no role that allows reading usage reports.'),
          );
        return {
          status: 200,
          headers: { 'content-type': 'application/octet-stream' },
          body: t?.copilotReport ?? Buffer.from(COPILOT_HEADER_ONLY),
        };
      }
      const doc = route === 'subscribedSkus' ? t?.subscribedSkus : t?.subscriptions;
      const context = `https://graph.microsoft.com/v1.0/$metadata#${route === 'subscribedSkus' ? 'subscribedSkus' : 'directory/subscriptions'}`;
      if (malformed) return json(200, '{"@odata.context":"' + context + '","value":[{"id":');
      const items = (doc?.doc.value as unknown[] | undefined) ?? [];
      const size = this.options.graphPageSize ?? 100;
      const skip = Number(url.searchParams.get('$skiptoken') ?? '0') || 0;
      if (skip === 0 && items.length <= size && doc) return json(200, doc.text);
      const page: Record<string, unknown> = {
        '@odata.context': context,
        value: items.slice(skip, skip + size),
      };
      if (skip + size < items.length)
        page['@odata.nextLink'] = `${this.apiOrigin}${url.pathname}?$skiptoken=${skip + size}`;
      return json(200, page);
    }

    if (route === 'customers') {
      const customers = this.options.portfolio.customers;
      const size = Math.min(
        Number(url.searchParams.get('size') ?? '100') || 100,
        this.options.pcMaxPageSize ?? 500,
      );
      let offset = 0;
      if (url.searchParams.get('seekOperation') === 'Next') {
        const token = req.headers['ms-continuationtoken'];
        const known = typeof token === 'string' ? this.continuation.get(token) : undefined;
        if (known === undefined)
          return json(400, {
            code: '400',
            description: 'The continuation token is missing or invalid.',
            data: [],
            source: 'PartnerFD',
          });
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
        this.continuation.set(token, offset + size);
        links.next = {
          uri: `/v1/customers?size=${size}&seekOperation=Next`,
          method: 'GET',
          headers: [{ key: 'MS-ContinuationToken', value: token }],
        };
      }
      if (malformed) return json(200, '{"totalCount":');
      return json(200, { totalCount: items.length, items, links, attributes: { objectType: 'Collection' } });
    }

    if (route === 'pcSubscriptions') {
      const known = this.options.portfolio.customers.some((c) => c.id.toLowerCase() === tenant);
      if (!known)
        return json(404, {
          code: '600013',
          description: 'Customer not found.',
          data: [],
          source: 'PartnerFD',
        });
      if (malformed) return json(200, '{"totalCount":3,"items":[');
      const items = this.options.portfolio.pcSubscriptions.get(tenant ?? '') ?? [];
      return json(200, {
        totalCount: items.length,
        items,
        links: { self: { uri: `${url.pathname}`, method: 'GET', headers: [] } },
        attributes: { objectType: 'Collection' },
      });
    }

    if (route === 'pricesheet' || route === 'offermatrix') {
      // api.partner.microsoft.com: the file stream as downloaded (Content-Disposition names it).
      const body =
        route === 'pricesheet' ? this.options.portfolio.priceSheet : this.options.portfolio.offerMatrix;
      if (!body) return json(404, { code: '404', description: 'Not Found', data: [], source: 'PartnerFD' });
      return {
        status: 200,
        headers: {
          'content-type': 'application/octet-stream',
          'content-disposition': `attachment; filename=${route === 'pricesheet' ? 'sheets.csv' : 'updatedoffice.csv'}`,
        },
        body,
      };
    }

    // analytics: deployment or usage
    const doc = route === 'deployment' ? this.options.portfolio.pcDeployment : this.options.portfolio.pcUsage;
    if (malformed) return json(200, '{"Value":[{"processedDateTime":');
    const rows = (doc?.doc.Value as unknown[] | undefined) ?? [];
    const top = Math.min(
      Number(url.searchParams.get('top') ?? '10000') || 10000,
      this.options.analyticsPageSize ?? 10000,
    );
    const skip = Number(url.searchParams.get('skip') ?? '0') || 0;
    if (skip === 0 && rows.length <= top && doc) return json(200, doc.text);
    const next =
      skip + top < rows.length ? `${this.apiOrigin}${url.pathname}?top=${top}&skip=${skip + top}` : null;
    return json(200, { Value: rows.slice(skip, skip + top), '@nextLink': next, TotalCount: rows.length });
  }

  private token(tenant: string, form: URLSearchParams): [number, unknown] {
    const fail = (error: string, code: number, text: string): [number, unknown] => {
      const trace = randomBytes(8).toString('hex');
      return [
        error === 'invalid_client' ? 401 : 400,
        {
          error,
          error_description: `AADSTS${code}: ${text}\r\nTrace ID: ${trace}\r\nCorrelation ID: ${trace}\r\nTimestamp: ${new Date(this.clockMs).toISOString()}`,
          error_codes: [code],
          timestamp: new Date(this.clockMs).toISOString(),
          trace_id: trace,
          correlation_id: trace,
          error_uri: `https://login.microsoftonline.com/error?code=${code}`,
        },
      ];
    };
    if (form.get('client_id') !== this.clientId)
      return fail(
        'unauthorized_client',
        700016,
        `Application with identifier '${form.get('client_id')}' was not found in the directory.`,
      );
    const grantType = form.get('grant_type');
    const scope = (form.get('scope') ?? '').split(' ').find((s) => s.endsWith('/.default')) ?? '';
    let user: string;
    if (grantType === 'urn:ietf:params:oauth:grant-type:device_code') {
      const d = this.devices.get(form.get('device_code') ?? '');
      if (!d)
        return [
          400,
          { error: 'bad_verification_code', error_description: 'AADSTS70019: unknown device code' },
        ];
      if (d.expiresMs <= this.clockMs)
        return [
          400,
          {
            error: 'expired_token',
            error_description:
              'AADSTS70020: The provided value for the input parameter device_code is not valid. This device code has expired.',
          },
        ];
      d.polls++;
      if (!d.approved && d.polls > (this.options.deviceApproveAfterPolls ?? 1)) d.approved = true;
      if (!d.approved)
        return [
          400,
          {
            error: 'authorization_pending',
            error_description:
              'AADSTS70016: OAuth 2.0 device flow error. Authorization is pending. Continue polling.',
          },
        ];
      this.devices.delete(form.get('device_code')!);
      user = this.partnerUser;
    } else if (grantType === 'refresh_token') {
      if (this.options.clientSecret !== undefined && form.get('client_secret') !== this.options.clientSecret)
        return fail('invalid_client', 7000215, 'Invalid client secret provided.');
      const g = this.refresh.get(form.get('refresh_token') ?? '');
      if (!g) return fail('invalid_grant', 9002313, 'Invalid request. Request is malformed or invalid.');
      if (g.revoked)
        return fail(
          'invalid_grant',
          50173,
          'The provided grant has expired due to it being revoked, a fresh auth token is needed.',
        );
      if (this.faults.expiredRefreshToken || this.clockMs - g.lastUsedMs > REFRESH_TOKEN_IDLE_MS)
        return fail(
          'invalid_grant',
          700082,
          'The refresh token has expired due to inactivity. The token was issued on a date and was inactive for 90.00:00:00.',
        );
      const code = this.faults.tokenError.get(tenant);
      if (code !== undefined) return fail(...tokenFailure(code));
      if (
        !this.options.portfolio.tenants.has(tenant) &&
        tenant !== this.options.partnerTenantId.toLowerCase()
      )
        return fail(...tokenFailure(65001));
      g.lastUsedMs = this.clockMs;
      user = g.user;
    } else {
      return fail(
        'unsupported_grant_type',
        70003,
        `The app requested an unsupported grant type '${grantType}'.`,
      );
    }
    const access = `eyJ0eXAiOiJKV1QifQ.${randomBytes(24).toString('base64url')}`;
    this.access.set(access, { tenant, scope, expiresMs: this.clockMs + 3599_000 });
    this.issuedAccessTokens.push(access);
    const refresh = `0.AR${randomBytes(24).toString('base64url')}`;
    this.refresh.set(refresh, { user, lastUsedMs: this.clockMs });
    this.issuedRefreshTokens.push(refresh);
    const idToken = [
      b64url(JSON.stringify({ typ: 'JWT', alg: 'none' })),
      b64url(
        JSON.stringify({
          tid: this.options.partnerTenantId,
          preferred_username: user,
          name: 'Partner Admin',
        }),
      ),
      '',
    ].join('.');
    return [
      200,
      {
        token_type: 'Bearer',
        scope,
        expires_in: 3599,
        ext_expires_in: 3599,
        access_token: access,
        refresh_token: refresh,
        id_token: idToken,
      },
    ];
  }

  private deviceCode(tenant: string, form: URLSearchParams): [number, unknown] {
    if (form.get('client_id') !== this.clientId)
      return [
        400,
        { error: 'unauthorized_client', error_description: 'AADSTS700016: application not found' },
      ];
    const deviceCode = randomBytes(24).toString('base64url');
    const userCode = randomBytes(5).toString('hex').toUpperCase().slice(0, 9);
    const expiresIn = 900;
    this.devices.set(deviceCode, {
      userCode,
      polls: 0,
      approved: false,
      expiresMs: this.clockMs + expiresIn * 1000,
      scope: form.get('scope') ?? '',
    });
    void tenant;
    const verification = 'https://microsoft.com/devicelogin';
    return [
      200,
      {
        device_code: deviceCode,
        user_code: userCode,
        verification_uri: verification,
        expires_in: expiresIn,
        interval: this.options.deviceInterval ?? 5,
        message: `To sign in, use a web browser to open the page ${verification} and enter the code ${userCode} to authenticate.`,
      },
    ];
  }

  /** Approves a pending device code, as the operator signing in in a browser would. */
  approveDeviceCodes(): number {
    let n = 0;
    for (const d of this.devices.values()) {
      if (d.approved) continue;
      d.approved = true;
      n++;
    }
    return n;
  }

  private async serveDownload(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    const headerText = Object.values(req.headers).flat().join('\n');
    this.downloads.push({
      path: url.pathname,
      headers: { ...req.headers },
      carriedToken: req.headers.authorization !== undefined || this.isIssuedToken(headerText + url.href),
    });
    await delay(this.faults.latencyMs);
    const m = /^\/data\/download\/([^/]+)$/.exec(url.pathname);
    const entry = m ? this.downloadUrls.get(m[1]!) : undefined;
    if (!entry || this.clockMs - entry.createdMs > DOWNLOAD_VALID_MS) {
      res.writeHead(404, { 'content-type': 'text/plain' });
      return void res.end('The download link has expired.');
    }
    const tenant = this.options.portfolio.tenants.get(entry.tenant);
    let csv = tenant?.userReport ?? Buffer.from('\uFEFFReport Refresh Date,User Principal Name\r\n');
    if (this.faults.badHeader.has(entry.tenant))
      csv = Buffer.from(
        csv
          .toString('utf8')
          .replace('User Principal Name', 'User Name')
          .replace('Assigned Products', 'Products'),
      );
    if (this.faults.concealNames.has(entry.tenant)) csv = concealReport(csv);
    if (this.faults.truncatedDownload.has(entry.tenant)) {
      // The connection drops part-way: fewer bytes than Content-Length announced.
      res.writeHead(200, {
        'content-type': 'application/octet-stream',
        'content-length': String(csv.length),
      });
      res.write(csv.subarray(0, Math.floor(csv.length / 2)));
      await delay(20);
      res.destroy();
      return;
    }
    res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': String(csv.length) });
    res.end(csv);
  }
}

function headersAndBody([headers, body]: [Record<string, string>, string]): {
  headers: Record<string, string>;
  body: string;
} {
  return { headers, body };
}

/** User Principal Name and Display Name as MD5 hashes in upper-case hex, as Microsoft conceals them. */
function concealReport(csv: Buffer): Buffer {
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

function tokenFailure(code: number): [string, number, string] {
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

function graphError(code: string, message: string): unknown {
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

function throttleBody(route: Route, seconds: number): [Record<string, string>, string] {
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
  if (
    route === 'report' ||
    route === 'copilotReport' ||
    route === 'subscribedSkus' ||
    route === 'subscriptions'
  )
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

function serverErrorBody(route: Route, status: number): [Record<string, string>, string] {
  const headers = { 'content-type': 'application/json; charset=utf-8' };
  if (
    route === 'report' ||
    route === 'copilotReport' ||
    route === 'subscribedSkus' ||
    route === 'subscriptions'
  )
    return [
      headers,
      JSON.stringify(
        graphError(
          status === 503 ? 'ServiceUnavailable' : 'InternalServerError',
          'The service is temporarily unavailable.',
        ),
      ),
    ];
  return [
    headers,
    JSON.stringify({ code: String(status), description: 'Internal error.', data: [], source: 'PartnerFD' }),
  ];
}

export function routeOf(method: string, p: string): Route {
  if (method === 'POST' && /^\/[^/]+\/oauth2\/v2\.0\/token$/.test(p)) return 'token';
  if (method === 'POST' && /^\/[^/]+\/oauth2\/v2\.0\/devicecode$/.test(p)) return 'devicecode';
  if (method !== 'GET') return 'unknown';
  if (/^\/v1\.0\/reports\/getOffice365ActiveUserDetail\(period='D30'\)$/.test(decodeURIComponent(p)))
    return 'report';
  if (
    /^\/v1\.0\/copilot\/reports\/getMicrosoft365CopilotUsageUserDetail\(period='D30'(,version='v[12]')?\)$/.test(
      decodeURIComponent(p),
    )
  )
    return 'copilotReport';
  if (
    /^\/v1\.0\/sales\/pricesheets\(Market='[A-Za-z]{2}',PricesheetView='updatedlicensebased'\)\/\$value$/.test(
      decodeURIComponent(p),
    )
  )
    return 'pricesheet';
  if (/^\/v1\.0\/sales\/offermatrix\(Month='\d{6}'\)\/\$value$/.test(decodeURIComponent(p)))
    return 'offermatrix';
  if (p === '/v1.0/subscribedSkus') return 'subscribedSkus';
  if (p === '/v1.0/directory/subscriptions') return 'subscriptions';
  if (p === '/v1/customers') return 'customers';
  if (/^\/v1\/customers\/[^/]+\/subscriptions$/.test(p)) return 'pcSubscriptions';
  if (/^(\/partner)?\/v1\/analytics\/commercial\/deployment\/license\/?$/.test(p)) return 'deployment';
  if (/^(\/partner)?\/v1\/analytics\/commercial\/usage\/license\/?$/.test(p)) return 'usage';
  return 'unknown';
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let s = '';
    req.setEncoding('utf8');
    req.on('data', (c: string) => (s += c));
    req.on('end', () => resolve(s));
    req.on('error', reject);
  });
}

function delay(ms: number): Promise<void> {
  return ms > 0 ? new Promise((r) => setTimeout(r, ms)) : Promise.resolve();
}
