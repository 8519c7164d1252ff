// A local fake of the Microsoft endpoints `collect` calls (microsoft-apis.md §7): the token endpoint of every
// tenant (identity.ts), Graph (graphApi.ts: the usage report's 302 to a download host on another origin) and
// Partner Center (partnerCenterApi.ts). Bound to 127.0.0.1 only. Its clock is controllable and its faults are
// switchable (faults.ts), so that tests and the demo exercise every path `collect` must survive. The download host
// records every request and flags any that carries a token.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { rng } from '../demo/random.js';
import {
  concealReport,
  graphError,
  isGraphRoute,
  partnerCenterError,
  routeOf,
  serverErrorBody,
  throttleBody,
} from './answers.js';
import {
  newFaults,
  takeScripted,
  type FakeFaults,
  type FaultKind,
  type Route,
  type ScriptedFault,
} from './faults.js';
import { graphAnswer } from './graphApi.js';
import { deviceCodeEndpoint, issueRefreshToken, tokenEndpoint } from './identity.js';
import { partnerCenterAnswer } from './partnerCenterApi.js';
import { jsonAnswer, type AccessGrant, type Answer, type FakeOptions, type FakeState } from './state.js';

export type { FakeOptions } from './state.js';

const FAKE_CLIENT_ID = '5f1c7a4e-2b3d-4e6f-8a9b-0c1d2e3f4a5b';
const DOWNLOAD_VALID_MS = 5 * 60_000;
const GRAPH_SCOPE = 'https://graph.microsoft.com/.default';
const PC_SCOPE = 'https://api.partnercenter.microsoft.com/.default';
const HTML_ERROR_PAGE =
  '<!DOCTYPE html><html><head><title>Service unavailable</title></head><body><h1>Sorry, something went wrong.</h1></body></html>';

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

export class FakeMicrosoft {
  readonly requests: RequestRecord[] = [];
  readonly downloads: DownloadRequest[] = [];
  private readonly state: FakeState;
  private readonly rand: () => number;
  private api?: Server;
  private downloadHost?: Server;

  constructor(readonly options: FakeOptions) {
    this.state = {
      options,
      clientId: options.clientId ?? FAKE_CLIENT_ID,
      partnerUser: options.partnerUser ?? 'admin@contoso-partner.example',
      faults: newFaults(),
      refresh: new Map(),
      access: new Map(),
      devices: new Map(),
      downloadUrls: new Map(),
      continuation: new Map(),
      reportCalls: new Map(),
      issuedRefreshTokens: [],
      issuedAccessTokens: [],
      clockMs: options.nowMs ?? Date.UTC(2026, 10, 24, 1, 0, 0),
      apiOrigin: '',
      downloadOrigin: '',
    };
    this.rand = rng(options.seed ?? 1);
  }

  get faults(): FakeFaults {
    return this.state.faults;
  }
  get clientId(): string {
    return this.state.clientId;
  }
  get partnerUser(): string {
    return this.state.partnerUser;
  }
  /** every refresh token issued, oldest first (tests search output for them) */
  get issuedRefreshTokens(): readonly string[] {
    return this.state.issuedRefreshTokens;
  }
  /** every access token issued */
  get issuedAccessTokens(): readonly string[] {
    return this.state.issuedAccessTokens;
  }

  /** Moves the fake's clock: token lifetimes, download URLs and device codes follow it, not the machine's. */
  advance(ms: number): void {
    this.state.clockMs += ms;
  }

  get origin(): string {
    return this.state.apiOrigin;
  }

  /** Config overrides that point `collect` at this fake. */
  endpoints(): { login: string; graph: string; partnerCenter: string; partner: string } {
    const origin = this.state.apiOrigin;
    return { login: origin, graph: origin, partnerCenter: origin, partner: origin };
  }

  /** A refresh token as an earlier interactive sign-in would have left it. */
  issueRefreshToken(lastUsedMs = this.state.clockMs): string {
    return issueRefreshToken(this.state, this.state.partnerUser, lastUsedMs);
  }

  async start(): Promise<void> {
    this.api = createServer((req, res) => void this.handle(req, res));
    this.downloadHost = createServer((req, res) => void this.serveDownload(req, res));
    const listen = (s: Server) =>
      new Promise<number>((resolve) =>
        s.listen(0, '127.0.0.1', () => resolve((s.address() as AddressInfo).port)),
      );
    this.state.apiOrigin = `http://127.0.0.1:${await listen(this.api)}`;
    this.state.downloadOrigin = `http://127.0.0.1:${await listen(this.downloadHost)}`;
  }

  async stop(): Promise<void> {
    const close = (s?: Server) =>
      new Promise<void>((resolve) => {
        if (!s) return resolve();
        s.closeAllConnections();
        s.close(() => resolve());
      });
    await Promise.all([close(this.api), close(this.downloadHost)]);
  }

  count(route: Route, tenant?: string): number {
    return this.requests.filter((r) => r.route === route && (tenant === undefined || r.tenant === tenant))
      .length;
  }

  private isIssuedToken(value: string): boolean {
    for (const t of this.state.refresh.keys()) if (value.includes(t)) return true;
    for (const t of this.state.access.keys()) if (value.includes(t)) return true;
    return false;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    try {
      const body = await readBody(req);
      const url = new URL(req.url ?? '/', 'http://fake');
      const route = routeOf(req.method ?? 'GET', url.pathname);
      const record: RequestRecord = { route, method: req.method ?? 'GET', path: url.pathname, status: 0 };
      this.requests.push(record);
      const send = (status: number, headers: Record<string, string>, payload: string | Buffer) => {
        record.status = status;
        res.writeHead(status, headers);
        res.end(payload);
      };
      await delay(this.state.faults.latencyMs);
      if (route === 'unknown') return send(404, { 'content-type': 'text/plain' }, 'not found');
      const tenant = this.tenantOf(route, url, req);
      record.tenant = tenant;
      const scripted = takeScripted(this.state.faults, route, tenant);
      const out =
        (await this.faultAnswer(route, scripted)) ??
        this.answer(route, req, url, body, tenant, scripted?.kind);
      send(out.status, out.headers, out.body);
    } catch (err) {
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' });
      res.end(`fake error: ${(err as Error).message}`);
    }
  }

  /**
   * Faults that do not depend on the request's meaning: throttling, server errors, slowness, HTML pages. Malformed
   * JSON is left to the API, which knows what its document looks like.
   */
  private async faultAnswer(route: Route, scripted: ScriptedFault | undefined): Promise<Answer | undefined> {
    const { faults } = this.state;
    if (scripted?.kind === 'slow') await delay(scripted.ms ?? 0);
    const throttled =
      scripted?.kind === '429' ||
      (faults.rate429 > 0 && route !== 'devicecode' && this.rand() < faults.rate429);
    if (throttled) {
      const [headers, body] = throttleBody(route, faults.retryAfterSeconds);
      return { status: 429, headers, body };
    }
    if (scripted && (scripted.kind === '500' || scripted.kind === '503')) {
      const status = Number(scripted.kind);
      const [headers, body] = serverErrorBody(route, status);
      return { status, headers, body };
    }
    if (scripted?.kind === 'html')
      return { status: 200, headers: { 'content-type': 'text/html; charset=utf-8' }, body: HTML_ERROR_PAGE };
    return undefined;
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
    const m = /^Bearer (.+)$/.exec(req.headers.authorization ?? '');
    if (!m) return undefined;
    const g = this.state.access.get(m[1]!);
    return g && g.expiresMs > this.state.clockMs ? g : undefined;
  }

  private answer(
    route: Route,
    req: IncomingMessage,
    url: URL,
    body: string,
    tenant: string | undefined,
    fault: FaultKind | undefined,
  ): Answer {
    if (route === 'token')
      return jsonAnswer(...tokenEndpoint(this.state, tenant ?? '', new URLSearchParams(body)));
    if (route === 'devicecode')
      return jsonAnswer(...deviceCodeEndpoint(this.state, new URLSearchParams(body)));
    const grant = this.bearer(req);
    const graph = isGraphRoute(route);
    if (!grant || grant.scope !== (graph ? GRAPH_SCOPE : PC_SCOPE)) {
      return graph
        ? jsonAnswer(401, graphError('InvalidAuthenticationToken', 'Access token is empty or invalid.'))
        : jsonAnswer(401, partnerCenterError('401', 'Unauthorized'));
    }
    if (!graph && this.state.faults.pcMfaRequired)
      return {
        status: 401,
        headers: { 'content-type': 'text/plain', 'www-authenticate': 'Bearer error="invalid_token"' },
        body: 'Unauthorized - MFA required',
      };
    if (graph) return graphAnswer(this.state, route, grant.tenant, url, fault);
    return partnerCenterAnswer(this.state, route, req, url, tenant, fault);
  }

  private async serveDownload(req: IncomingMessage, res: ServerResponse): Promise<void> {
    try {
      await readBody(req);
      const url = new URL(req.url ?? '/', 'http://fake');
      const headerText = Object.values(req.headers).flat().join('\n');
      this.downloads.push({
        path: url.pathname,
        headers: { ...req.headers },
        carriedToken: req.headers.authorization !== undefined || this.isIssuedToken(headerText + url.href),
      });
      await delay(this.state.faults.latencyMs);
      await this.sendReport(res, url);
    } catch (err) {
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' });
      res.end(`fake error: ${(err as Error).message}`);
    }
  }

  private async sendReport(res: ServerResponse, url: URL): Promise<void> {
    const { faults } = this.state;
    const m = /^\/data\/download\/([^/]+)$/.exec(url.pathname);
    const entry = m ? this.state.downloadUrls.get(m[1]!) : undefined;
    if (!entry || this.state.clockMs - entry.createdMs > DOWNLOAD_VALID_MS) {
      res.writeHead(404, { 'content-type': 'text/plain' });
      return void res.end('The download link has expired.');
    }
    const tenant = this.options.portfolio.tenants.get(entry.tenant);
    let csv = tenant?.userReport ?? Buffer.from('\uFEFFReport Refresh Date,User Principal Name\r\n');
    if (faults.badHeader.has(entry.tenant))
      csv = Buffer.from(
        csv
          .toString('utf8')
          .replace('User Principal Name', 'User Name')
          .replace('Assigned Products', 'Products'),
      );
    if (faults.concealNames.has(entry.tenant)) csv = concealReport(csv);
    if (faults.truncatedDownload.has(entry.tenant)) {
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
