// Covers jobs/collect.ts, src/collect/, cli/commands/collect.ts. Issue #17: `adoption collect` against the local fake
// of Microsoft, through the real CLI. A clean night of 50 customers loads with the same numbers as the same portfolio
// written directly; the report download never carries a token; the refresh token is rotated and appears nowhere in what
// the job printed or wrote.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeDrop } from '../src/demo/writeDrop.js';
import type { FakeMicrosoft } from '../src/fake-microsoft/server.js';
import { Warehouse } from '../src/warehouse/warehouse.js';
import { CLIENT_SECRET, cli, lastNight, startFake, writeCollectConfig } from './helpers/fakeMicrosoft.js';
import { tempDir } from './helpers/context.js';

const night = lastNight({ seed: 17, customers: 50, owners: 6, usersPerCustomer: 10 });
const { date, spec } = night;

function filesUnder(d: string): string[] {
  return readdirSync(d, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => path.join(e.parentPath, e.name));
}

async function table(db: string, sql: string): Promise<unknown[]> {
  const wh = await Warehouse.open(db);
  try {
    return await wh.all(sql);
  } finally {
    wh.close();
  }
}

describe('a clean night of 50 customers', () => {
  let dir: string;
  let cleanup: () => void;
  let fake: FakeMicrosoft;
  let config: string;
  const outputs: string[] = [];
  let initialToken: string;

  beforeAll(async () => {
    ({ dir, cleanup } = tempDir('adoption-collect-'));
    // Small pages everywhere, so that every paging path is taken.
    fake = await startFake(spec, { graphPageSize: 2, pcMaxPageSize: 7, analyticsPageSize: 5 });
    config = writeCollectConfig(dir, fake, spec, { skip: [7] });
    initialToken = fake.issueRefreshToken();
    const imported = await cli(['auth', 'import', '--config', config], { input: `${initialToken}\n` });
    outputs.push(imported.stdout, imported.stderr);
    expect(imported.code, imported.stderr).toBe(0);
  }, 60_000);
  afterAll(async () => {
    await fake.stop();
    cleanup();
  });

  it('collects a drop that ingests to the same numbers as the portfolio written directly', async () => {
    const run = await cli(['collect', '--date', date, '--config', config, '--log-level', 'debug']);
    outputs.push(run.stdout, run.stderr);
    // The customer known only through Partner Center never consented to the app: recorded, the night goes on.
    expect(run.code, run.stderr).toBe(3);
    const pcOnly = spec.customers![5]!;
    expect(run.stdout).toContain(`${pcOnly.customer_name} (${pcOnly.customer_id}) [graph]`);
    expect(run.stdout).toMatch(/AADSTS65001/);
    expect(run.stdout).toMatch(/grant consent for/);
    expect(run.stdout).toContain(`without an account manager in collect.assignments (1)`);
    expect(run.stdout).toContain(spec.customers![7]!.customer_name);

    const collected = path.join(dir, 'exports', date);
    const tenants = readdirSync(path.join(collected, 'tenants'));
    expect(tenants).toHaveLength(49);
    // Graph answered in pages of 2; the drop holds each collection as one document, byte for byte as written
    // directly (same envelope, same items).
    const direct = path.join(dir, 'direct', date);
    writeDrop(direct, spec);
    expect(tenants.length).toBeGreaterThan(0);
    for (const t of tenants)
      for (const f of ['office365ActiveUserDetail.csv', 'subscribedSkus.json', 'subscriptions.json'])
        expect(
          readFileSync(path.join(collected, 'tenants', t, f)).equals(
            readFileSync(path.join(direct, 'tenants', t, f)),
          ),
          `${t}/${f}`,
        ).toBe(true);
    for (const f of ['licenses-deployment.json', 'licenses-usage.json', 'subscriptions.json'])
      expect(readFileSync(path.join(collected, 'partner-center', f), 'utf8')).toBe(
        readFileSync(path.join(direct, 'partner-center', f), 'utf8'),
      );

    // The report's download link never got a token, and the fake saw every download.
    expect(fake.downloads).toHaveLength(49);
    expect(fake.downloads.filter((d) => d.carriedToken)).toEqual([]);
    expect(fake.downloads.every((d) => d.headers.authorization === undefined)).toBe(true);
    // Every page was followed: customers in pages of 7 with the continuation token.
    expect(fake.count('customers')).toBe(Math.ceil(50 / 7));

    const ing = await cli(['ingest', '--date', date, '--config', config]);
    outputs.push(ing.stdout, ing.stderr);
    expect(ing.code, ing.stderr + ing.stdout).toBe(0);
    const directDb = path.join(dir, 'direct.duckdb');
    const ing2 = await cli([
      'ingest',
      '--date',
      date,
      '--config',
      config,
      '--exports',
      path.join(dir, 'direct'),
      '--db',
      directDb,
    ]);
    expect(ing2.code, ing2.stderr).toBe(0);
    const sql = 'SELECT * FROM adoption_daily ORDER BY ALL';
    const got = await table(path.join(dir, 'warehouse.duckdb'), sql);
    const want = await table(directDb, sql);
    expect(got.length).toBeGreaterThan(50);
    expect(got).toEqual(want);
    // Data quality shows the customer not collected and the one without an account manager.
    const issues = (await table(
      path.join(dir, 'warehouse.duckdb'),
      `SELECT code, message FROM load_issues WHERE code IN ('not_collected', 'no_account_manager') ORDER BY code`,
    )) as { code: string; message: string }[];
    expect(issues.map((i) => i.code)).toEqual(['no_account_manager', 'not_collected']);
    expect(issues[1]!.message).toContain(pcOnly.customer_name);
    expect(issues[1]!.message).toContain('To do: grant consent');
  }, 120_000);

  it('a complete drop is left as it is; --retry-failed fetches only the customers not collected', async () => {
    const before = fake.requests.length;
    const again = await cli(['collect', '--date', date, '--config', config]);
    expect(again.stdout).toContain('already complete');
    expect(again.code).toBe(3); // still one customer not collected, and it says so
    expect(again.stdout).toContain('not collected (1)');
    expect(fake.requests.length).toBe(before);
    const retry = await cli(['collect', '--date', date, '--config', config, '--retry-failed']);
    outputs.push(retry.stdout, retry.stderr);
    expect(retry.code).toBe(3);
    const calls = fake.requests.slice(before);
    // The partner's Partner Center token, the analytics are kept; only the failed tenant's token is asked again.
    expect(
      calls.filter((c) => c.route === 'token' && c.tenant !== spec.customers![5]!.customer_id.toLowerCase())
        .length,
    ).toBeLessThanOrEqual(1);
    expect(calls.filter((c) => c.route === 'report')).toHaveLength(0);
    expect(calls.filter((c) => c.route === 'customers')).toHaveLength(0);
  }, 60_000);

  it('rotates the refresh token at every exchange, stores it privately, and never prints or writes a token', () => {
    const tokenFile = path.join(dir, 'token.json');
    const stored = JSON.parse(readFileSync(tokenFile, 'utf8')) as { refreshToken: string; account: string };
    expect(stored.refreshToken).not.toBe(initialToken);
    expect(fake.issuedRefreshTokens).toContain(stored.refreshToken);
    expect(stored.account).toBe(fake.partnerUser);
    expect(statSync(tokenFile).mode & 0o777).toBe(0o600);
    const secrets = [...fake.issuedRefreshTokens, ...fake.issuedAccessTokens, CLIENT_SECRET];
    expect(secrets.length).toBeGreaterThan(100);
    const haystacks: [string, Buffer][] = outputs.map((o, i) => [`output ${i}`, Buffer.from(o)]);
    for (const f of filesUnder(dir))
      if (f !== tokenFile && !f.endsWith('config.json')) haystacks.push([f, readFileSync(f)]);
    expect(haystacks.length).toBeGreaterThan(0);
    for (const [name, bytes] of haystacks)
      for (const s of secrets) expect(bytes.includes(Buffer.from(s)), `${name} holds a secret`).toBe(false);
  });

  it('auth status says whose token it is and when it expires', async () => {
    const st = await cli(['auth', 'status', '--config', config]);
    expect(st.code, st.stderr).toBe(0);
    expect(st.stdout).toContain(`account:   ${fake.partnerUser}`);
    expect(st.stdout).toMatch(/expires: {3}\d{4}-\d\d-\d\dT.* if unused \((89|90) days left\)/);
  });
});

describe('adoption auth login', () => {
  it('signs in with the device code: prints the message, polls at the interval, stores the token privately', async () => {
    const { dir, cleanup } = tempDir('adoption-login-');
    const fake = await startFake(spec, { deviceInterval: 1, deviceApproveAfterPolls: 1 });
    try {
      const config = writeCollectConfig(dir, fake, spec);
      const started = Date.now();
      const run = await cli(['auth', 'login', '--config', config]);
      expect(run.code, run.stderr).toBe(0);
      expect(run.stdout).toMatch(
        /To sign in, use a web browser to open the page https:\/\/microsoft\.com\/devicelogin and enter the code [0-9A-F]+/,
      );
      expect(run.stdout).toContain(`signed in as ${fake.partnerUser}`);
      // authorization_pending once, then the token: two polls at least a second apart.
      expect(fake.count('token')).toBe(2);
      expect(Date.now() - started).toBeGreaterThanOrEqual(2000);
      const tokenFile = path.join(dir, 'token.json');
      expect(statSync(tokenFile).mode & 0o777).toBe(0o600);
      const stored = JSON.parse(readFileSync(tokenFile, 'utf8')) as { refreshToken: string; source: string };
      expect(fake.issuedRefreshTokens).toEqual([stored.refreshToken]);
      expect(stored.source).toBe('device_code');
      expect(run.stdout + run.stderr).not.toContain(stored.refreshToken);
    } finally {
      await fake.stop();
      cleanup();
    }
  }, 60_000);
});
