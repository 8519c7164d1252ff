// The partner's refresh token: stored in one file only the job's user can read (mode 0600, written atomically),
// exchanged at each customer tenant's token endpoint for an access token, and replaced by the new refresh token
// every exchange returns (microsoft-apis.md §1.3). Nothing here ever writes a token to a log or an error.
import { chmodSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Config } from '../config/schema.js';
import { UserError } from '../errors.js';
import { aadstsCode } from './failures.js';
import { CallError, withRetries, type RetryPolicy } from './http.js';
import { redact, registerSecret } from './redact.js';

export const GRAPH_SCOPE = 'https://graph.microsoft.com/.default';
export const PARTNER_CENTER_SCOPE = 'https://api.partnercenter.microsoft.com/.default';
export const SECRET_ENV = 'ADOPTION_MS_CLIENT_SECRET';
const DAY_MS = 86_400_000;
/** A refresh token unused this long expires (AADSTS700082). */
export const REFRESH_IDLE_DAYS = 90;

export interface StoredToken {
  refreshToken: string;
  /** who signed in (from the id_token), when known */
  account: string | null;
  tenantId: string | null;
  /** how the first token was obtained */
  source: 'device_code' | 'import';
  obtainedAt: string;
  lastUsedAt: string;
}

export function readToken(file: string): StoredToken | undefined {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new UserError(
      `cannot read the token file ${file} (microsoft.tokenFile): ${(err as Error).message}`,
    );
  }
  try {
    const t = JSON.parse(text) as StoredToken;
    if (typeof t.refreshToken !== 'string' || !t.refreshToken) throw new Error('no refreshToken');
    registerSecret(t.refreshToken);
    return t;
  } catch {
    throw new UserError(
      `the token file ${file} (microsoft.tokenFile) is damaged; run \`adoption auth login\` or \`adoption auth import\``,
    );
  }
}

/** Atomic and private: a temporary file created with mode 0600, then renamed over the old one. */
export function writeToken(file: string, token: StoredToken): void {
  registerSecret(token.refreshToken);
  mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  const tmp = path.join(path.dirname(path.resolve(file)), `.${path.basename(file)}.${process.pid}.tmp`);
  try {
    writeFileSync(tmp, JSON.stringify(token, null, 2) + '\n', { mode: 0o600 });
    chmodSync(tmp, 0o600); // the umask cannot widen it, but an existing tmp could have been wider
    renameSync(tmp, file);
  } catch (err) {
    rmSync(tmp, { force: true });
    throw new UserError(
      `cannot write the token file ${file} (microsoft.tokenFile): ${(err as Error).message}`,
    );
  }
}

export interface TokenStatus {
  account: string | null;
  tenantId: string | null;
  lastUsedAt: string;
  expiresAt: string;
  daysLeft: number;
}

/** When the stored token expires if nobody uses it. Pure. */
export function tokenStatus(t: StoredToken, nowMs: number): TokenStatus {
  const expires = Date.parse(t.lastUsedAt) + REFRESH_IDLE_DAYS * DAY_MS;
  return {
    account: t.account,
    tenantId: t.tenantId,
    lastUsedAt: t.lastUsedAt,
    expiresAt: new Date(expires).toISOString(),
    daysLeft: Math.floor((expires - nowMs) / DAY_MS),
  };
}

/** The claims of an id_token (unverified: only for saying whose token it is). */
export function idTokenClaims(idToken: unknown): { account: string | null; tenantId: string | null } {
  try {
    const payload = JSON.parse(
      Buffer.from(String(idToken).split('.')[1] ?? '', 'base64url').toString('utf8'),
    ) as {
      preferred_username?: string;
      upn?: string;
      tid?: string;
    };
    return { account: payload.preferred_username ?? payload.upn ?? null, tenantId: payload.tid ?? null };
  } catch {
    return { account: null, tenantId: null };
  }
}

/** A token endpoint's refusal: the AADSTS code and OAuth error, never the description's token-bearing text. */
export class TokenError extends Error {
  constructor(
    readonly tenant: string,
    readonly code: number | undefined,
    readonly error: string,
    readonly status: number,
  ) {
    super(`token endpoint of ${tenant}: ${error}${code ? ` (AADSTS${code})` : ''}`);
    this.name = 'TokenError';
  }
}

export interface AuthSettings {
  loginBase: string;
  clientId: string;
  clientSecret: string | undefined;
  tokenFile: string;
  policy: RetryPolicy;
}

export function authSettings(config: Config, env: NodeJS.ProcessEnv, policy: RetryPolicy): AuthSettings {
  if (!config.microsoft.clientId)
    throw new UserError(
      "microsoft.clientId is not set: the client id of the partner's app (docs/collect.md)",
    );
  const secret = env[SECRET_ENV] || undefined;
  registerSecret(secret);
  return {
    loginBase: config.microsoft.endpoints.login.replace(/\/+$/, ''),
    clientId: config.microsoft.clientId,
    clientSecret: secret,
    tokenFile: config.microsoft.tokenFile,
    policy,
  };
}

async function postForm(
  url: string,
  form: Record<string, string>,
  policy: RetryPolicy,
): Promise<{ status: number; body: Record<string, unknown> }> {
  return withRetries(policy, async (signal) => {
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
      body: new URLSearchParams(form).toString(),
      signal,
      redirect: 'error',
    });
    const text = await res.text();
    if (res.status === 429 || res.status >= 500)
      throw new CallError(`HTTP ${res.status}`, res.status, '', res.headers.get('retry-after'));
    let body: Record<string, unknown>;
    try {
      body = JSON.parse(text) as Record<string, unknown>;
    } catch {
      throw new CallError(`the token endpoint answered ${res.status} with no JSON`, res.status);
    }
    for (const k of ['access_token', 'refresh_token', 'id_token'])
      registerSecret(body[k] as string | undefined);
    return { status: res.status, body };
  });
}

/**
 * Exchanges the stored refresh token at a tenant's token endpoint. Every exchange stores the new refresh token it
 * returns (the old one keeps working, so concurrent exchanges are safe; the latest written wins). Access tokens are
 * kept per tenant and scope for the run.
 */
export class TokenBroker {
  private current: StoredToken;
  private readonly cache = new Map<string, { token: string; expiresMs: number }>();
  private readonly pending = new Map<string, Promise<string>>();
  private writes: Promise<void> = Promise.resolve();
  exchanges = 0;

  constructor(
    private readonly settings: AuthSettings,
    private readonly now: () => number = Date.now,
  ) {
    const stored = readToken(settings.tokenFile);
    if (!stored)
      throw new UserError(
        `no Microsoft token at ${settings.tokenFile} (microsoft.tokenFile): run \`adoption auth login\` or \`adoption auth import\` first`,
      );
    this.current = stored;
  }

  accessToken(tenant: string, scope: string): Promise<string> {
    const key = `${tenant.toLowerCase()} ${scope}`;
    const hit = this.cache.get(key);
    if (hit && hit.expiresMs - 5 * 60_000 > this.now()) return Promise.resolve(hit.token);
    const inFlight = this.pending.get(key);
    if (inFlight) return inFlight;
    const p = this.exchange(tenant, scope)
      .then((r) => {
        this.cache.set(key, r);
        return r.token;
      })
      .finally(() => this.pending.delete(key));
    this.pending.set(key, p);
    return p;
  }

  private async exchange(tenant: string, scope: string): Promise<{ token: string; expiresMs: number }> {
    const s = this.settings;
    const form: Record<string, string> = {
      client_id: s.clientId,
      scope: `${scope} offline_access`,
      refresh_token: this.current.refreshToken,
      grant_type: 'refresh_token',
    };
    if (s.clientSecret) form.client_secret = s.clientSecret;
    const { status, body } = await postForm(
      `${s.loginBase}/${encodeURIComponent(tenant)}/oauth2/v2.0/token`,
      form,
      s.policy,
    );
    this.exchanges++;
    if (status !== 200 || typeof body.access_token !== 'string')
      throw new TokenError(tenant, aadstsCode(body), String(body.error ?? `HTTP ${status}`), status);
    if (typeof body.refresh_token === 'string' && body.refresh_token) {
      const claims = idTokenClaims(body.id_token);
      this.current = {
        ...this.current,
        refreshToken: body.refresh_token,
        account: this.current.account ?? claims.account,
        tenantId: this.current.tenantId ?? claims.tenantId,
        lastUsedAt: new Date(this.now()).toISOString(),
      };
      const snapshot = this.current;
      // Writes are queued so that the file always ends holding the newest token.
      this.writes = this.writes.then(() => writeToken(s.tokenFile, snapshot));
      await this.writes;
    }
    const expiresIn = Number(body.expires_in ?? 3599);
    return { token: body.access_token, expiresMs: this.now() + expiresIn * 1000 };
  }

  async flush(): Promise<void> {
    await this.writes;
  }
}

/** Device-code sign-in (microsoft-apis.md §1.2): prints Microsoft's message, polls at its interval, stores the token. */
export async function deviceCodeLogin(
  s: AuthSettings,
  tenant: string,
  print: (line: string) => void,
  sleep: (ms: number) => Promise<void> = (ms) => new Promise((r) => setTimeout(r, ms)),
): Promise<StoredToken> {
  const base = `${s.loginBase}/${encodeURIComponent(tenant)}/oauth2/v2.0`;
  const scope = `${GRAPH_SCOPE} offline_access openid profile`;
  const start = await postForm(`${base}/devicecode`, { client_id: s.clientId, scope }, s.policy);
  if (start.status !== 200 || typeof start.body.device_code !== 'string')
    throw new UserError(
      `device-code sign-in refused by ${s.loginBase}: ${redact(String(start.body.error_description ?? start.body.error ?? start.status))}`,
    );
  registerSecret(start.body.device_code);
  print(
    String(
      start.body.message ??
        `open ${String(start.body.verification_uri)} and enter ${String(start.body.user_code)}`,
    ),
  );
  let interval = Math.max(1, Number(start.body.interval ?? 5)) * 1000;
  const deadline = Date.now() + Number(start.body.expires_in ?? 900) * 1000;
  for (;;) {
    await sleep(interval);
    const form: Record<string, string> = {
      client_id: s.clientId,
      grant_type: 'urn:ietf:params:oauth:grant-type:device_code',
      device_code: start.body.device_code,
    };
    if (s.clientSecret) form.client_secret = s.clientSecret;
    const r = await postForm(`${base}/token`, form, s.policy);
    if (r.status === 200 && typeof r.body.refresh_token === 'string') {
      const claims = idTokenClaims(r.body.id_token);
      const now = new Date().toISOString();
      const token: StoredToken = {
        refreshToken: r.body.refresh_token,
        ...claims,
        source: 'device_code',
        obtainedAt: now,
        lastUsedAt: now,
      };
      writeToken(s.tokenFile, token);
      return token;
    }
    const error = String(r.body.error ?? '');
    if (error === 'authorization_pending' && Date.now() < deadline) continue;
    if (error === 'slow_down') {
      interval += 5000;
      continue;
    }
    const why: Record<string, string> = {
      authorization_declined: 'the sign-in was declined',
      expired_token:
        'the code expired before the sign-in finished (15 minutes); run `adoption auth login` again',
      bad_verification_code: 'the device code was not recognised',
      authorization_pending: 'the code expired before the sign-in finished; run `adoption auth login` again',
    };
    throw new UserError(`sign-in failed: ${why[error] ?? redact(String(r.body.error_description ?? error))}`);
  }
}

export function importToken(tokenFile: string, refreshToken: string): StoredToken {
  const value = refreshToken.trim();
  if (!value || /\s/.test(value))
    throw new UserError(
      'adoption auth import: standard input must hold one refresh token (one line, no spaces)',
    );
  registerSecret(value);
  const now = new Date().toISOString();
  const token: StoredToken = {
    refreshToken: value,
    account: null,
    tenantId: null,
    source: 'import',
    obtainedAt: now,
    lastUsedAt: now,
  };
  writeToken(tokenFile, token);
  return token;
}
