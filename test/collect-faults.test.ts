// Covers jobs/collect.ts, src/collect/http.ts, src/collect/failures.ts, cli/. Issue #17: every fault of the fake of
// Microsoft ends as described, through the real CLI. A customer that fails is named with the reason and what the
// operator must do, nothing of it is half-written in the drop, and the other customers are collected; transient faults
// (429 with Retry-After, 503, a slow answer) are retried away.
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FakeMicrosoft } from '../src/fake-microsoft/server.js';
import { Warehouse } from '../src/warehouse/warehouse.js';
import { cli, lastNight, startFake, writeCollectConfig } from './helpers/fakeMicrosoft.js';
import { tempDir } from './helpers/context.js';

const { date, spec } = lastNight({ seed: 23, customers: 14, owners: 3, usersPerCustomer: 8 });
const cust = spec.customers!;
const tenant = (i: number) => cust[i]!.customer_id.toLowerCase();
const PC_ONLY = 5;

function allFiles(d: string): string[] {
  return readdirSync(d, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => path.relative(d, path.join(e.parentPath, e.name)));
}

describe('faults of Microsoft', () => {
  let dir: string;
  let cleanup: () => void;
  let fake: FakeMicrosoft;
  let config: string;

  beforeAll(async () => {
    ({ dir, cleanup } = tempDir('adoption-collect-faults-'));
    fake = await startFake(spec);
    config = writeCollectConfig(dir, fake, spec, { collect: { requestTimeoutSeconds: 1, maxRetries: 2 } });
    const imported = await cli(['auth', 'import', '--config', config], { input: fake.issueRefreshToken() });
    expect(imported.code, imported.stderr).toBe(0);
  }, 60_000);
  afterAll(async () => {
    await fake.stop();
    cleanup();
  });

  it('records each failed customer with what to do, collects the others, and writes nothing half-done', async () => {
    const f = fake.faults;
    f.reportForbidden.add(tenant(0)); // GDAP relationship without the Reports Reader role
    f.truncatedDownload.add(tenant(1)); // the download stops short of its Content-Length
    f.badHeader.add(tenant(2)); // a CSV with a different header
    f.scripted.push(
      { route: 'subscribedSkus', kind: 'html', tenant: tenant(3), times: Infinity }, // an HTML page instead of JSON
      { route: 'subscriptions', kind: 'malformed', tenant: tenant(4), times: Infinity }, // malformed JSON
      { route: 'token', kind: '429', tenant: tenant(6), times: 1 }, // throttled, then fine
      { route: 'report', kind: '503', tenant: tenant(7), times: 2 }, // 503 twice, then fine
      { route: 'subscribedSkus', kind: '429', tenant: tenant(8), times: 2 },
      { route: 'pcSubscriptions', kind: '429', tenant: tenant(9), times: 1 },
      { route: 'subscriptions', kind: 'slow', tenant: tenant(10), times: 1, ms: 1500 }, // over the 1 s timeout once
      { route: 'pcSubscriptions', kind: '500', tenant: tenant(11), times: Infinity }, // 500 after every retry
    );
    f.tokenError.set(tenant(12), 53003); // Conditional Access blocks the partner user
    f.concealNames.add(tenant(13)); // the customer turned concealed names on
    const run = await cli(['collect', '--date', date, '--config', config]);
    expect(run.code, run.stderr).toBe(3);
    const out = run.stdout;
    const line = (i: number, unit: string) => {
      const start = out.indexOf(`${cust[i]!.customer_name} (${tenant(i)}) [${unit}]`);
      expect(start, `${cust[i]!.customer_name} ${unit} in\n${out}`).toBeGreaterThanOrEqual(0);
      return out.slice(start, out.indexOf('\n', out.indexOf('to do:', start)));
    };
    expect(line(0, 'graph')).toContain(
      `to do: add the Reports Reader role to the GDAP relationship for ${cust[0]!.customer_name}`,
    );
    expect(line(1, 'graph')).toMatch(/download stopped after \d+ of the \d+ bytes announced/);
    expect(line(2, 'graph')).toContain('the CSV header lacks "user principal name", "assigned products"');
    expect(line(3, 'graph')).toContain('an HTML page came back instead of JSON');
    expect(line(4, 'graph')).toContain('the JSON is malformed');
    expect(line(PC_ONLY, 'graph')).toContain(`grant consent for ${cust[PC_ONLY]!.customer_name}`);
    expect(line(11, 'pc')).toContain('failed for');
    expect(line(11, 'pc')).toContain('HTTP 500 after every retry');
    expect(line(12, 'graph')).toContain('AADSTS53003');
    expect(line(12, 'graph')).toContain(`ask ${cust[12]!.customer_name}'s administrator`);
    const failedTenants = new Set([0, 1, 2, 3, 4, PC_ONLY, 12].map(tenant));
    expect(out.match(/\[graph\]/g)).toHaveLength(failedTenants.size);
    expect(out.match(/\[pc\]/g)).toHaveLength(1);

    const drop = path.join(dir, 'exports', date);
    const files = allFiles(drop);
    // Nothing half-written: no temporary file, no folder of a failed customer, and the manifest matches the drop.
    expect(files.filter((x) => /\.tmp$|\.partial/.test(x))).toEqual([]);
    const folders = readdirSync(path.join(drop, 'tenants'));
    expect(folders.sort()).toEqual(
      cust
        .map((_, i) => tenant(i))
        .filter((t) => !failedTenants.has(t))
        .sort(),
    );
    expect(folders.length).toBeGreaterThan(0);
    for (const t of folders)
      expect(readdirSync(path.join(drop, 'tenants', t)).sort()).toEqual([
        'copilotUsageUserDetail.csv',
        'office365ActiveUserDetail.csv',
        'subscribedSkus.json',
        'subscriptions.json',
      ]);
    const manifest = JSON.parse(readFileSync(path.join(drop, 'manifest.json'), 'utf8')) as {
      files: { path: string }[];
    };
    expect(manifest.files.map((e) => e.path)).toEqual(files.filter((x) => x !== 'manifest.json').sort());
    // Concealed names are collected as they are: 32 upper-case hex characters, opaque keys.
    const concealed = readFileSync(
      path.join(drop, 'tenants', tenant(13), 'office365ActiveUserDetail.csv'),
      'utf8',
    );
    const upns = concealed
      .trim()
      .split('\r\n')
      .slice(1)
      .map((l) => l.split(',')[1]);
    expect(upns.length).toBeGreaterThan(3);
    for (const u of upns) expect(u).toMatch(/^[0-9A-F]{32}$/);
    // The customer whose Partner Center call failed is absent from the merged subscriptions; the others are there.
    const pc = readFileSync(path.join(drop, 'partner-center', 'subscriptions.json'), 'utf8');
    expect(pc).not.toContain(cust[11]!.customer_id.toUpperCase());
    expect(pc).toContain(cust[9]!.customer_id.toUpperCase());
    // The report download was followed for every customer whose token and report call succeeded, never with a token.
    expect(fake.downloads.some((d) => d.carriedToken)).toBe(false);

    // Transient faults were retried: the throttled token, the two 503s, the two 429s, the answer over the timeout.
    expect(fake.count('token', tenant(6))).toBe(2);
    expect(fake.count('report', tenant(7))).toBe(3);
    expect(fake.count('subscribedSkus', tenant(8))).toBe(3);
    expect(fake.count('pcSubscriptions', cust[9]!.customer_id.toLowerCase())).toBe(2);
    expect(fake.count('subscriptions', tenant(10))).toBe(2);
    expect(fake.count('pcSubscriptions', cust[11]!.customer_id.toLowerCase())).toBe(3); // maxRetries 2

    // Ingest loads the drop and shows every customer not collected in data quality.
    const ing = await cli(['ingest', '--date', date, '--config', config]);
    expect(ing.code, ing.stderr + ing.stdout).toBe(0);
    const wh = await Warehouse.open(path.join(dir, 'warehouse.duckdb'));
    const issues = await wh.all(`SELECT customer_id, message FROM load_issues WHERE code = 'not_collected'`);
    wh.close();
    expect(issues).toHaveLength(8);
    expect(issues.map((i) => String(i.message)).join('\n')).toContain('To do: add the Reports Reader role');

    // Microsoft recovers: --retry-failed fetches only those customers and completes the drop.
    f.reportForbidden.clear();
    f.truncatedDownload.clear();
    f.badHeader.clear();
    f.scripted.length = 0;
    f.tokenError.clear();
    const before = fake.requests.length;
    const retry = await cli(['collect', '--date', date, '--config', config, '--retry-failed']);
    expect(retry.code, retry.stderr).toBe(3); // the customer without consent still has none
    expect(retry.stdout.match(/\[graph\]/g)).toHaveLength(1);
    expect(retry.stdout.match(/\[pc\]/g)).toBeNull();
    const reports = fake.requests.slice(before).filter((r) => r.route === 'report');
    expect(reports).toHaveLength(failedTenants.size - 1);
    expect(readdirSync(path.join(drop, 'tenants'))).toHaveLength(cust.length - 1);
    expect(readFileSync(path.join(drop, 'partner-center', 'subscriptions.json'), 'utf8')).toContain(
      cust[11]!.customer_id.toUpperCase(),
    );
  }, 120_000);

  it('an expired refresh token (AADSTS700082) stops the night with the fix, and leaves no complete-looking drop', async () => {
    fake.faults.expiredRefreshToken = true;
    const other = '2026-11-22';
    const run = await cli(['collect', '--date', other, '--config', config]);
    fake.faults.expiredRefreshToken = false;
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('AADSTS700082');
    expect(run.stderr).toContain('adoption auth login');
    expect(run.stderr).not.toMatch(/at .*\.ts:\d+/); // no stack trace for an operator's problem
    expect(existsSync(path.join(dir, 'exports', other, 'manifest.json'))).toBe(false);
  }, 60_000);

  it("Graph's report budget: a Retry-After beyond collect.maxRetryAfterSeconds is recorded, and retried later", async () => {
    fake.advance(11 * 60_000); // a fresh 10-minute window
    fake.faults.reportBudget = 1; // one report call per tenant per 10 minutes
    const other = '2026-11-19';
    const first = await cli(['collect', '--date', other, '--config', config]);
    expect(first.code).toBe(3);
    expect(readdirSync(path.join(dir, 'exports', other, 'tenants'))).toHaveLength(cust.length - 1);
    // The same night again within the window: every report call is answered 429 with a Retry-After of minutes.
    const run = await cli(['collect', '--date', other, '--config', config, '--force']);
    expect(run.code).toBe(3);
    expect(run.stdout).toContain('stayed throttled (429)');
    expect(run.stdout).toContain('run `adoption collect --retry-failed` later');
    expect(existsSync(path.join(dir, 'exports', other, 'tenants'))).toBe(false);
    fake.advance(11 * 60_000);
    const retry = await cli(['collect', '--date', other, '--config', config, '--retry-failed']);
    fake.faults.reportBudget = 0;
    expect(retry.code).toBe(3);
    expect(readdirSync(path.join(dir, 'exports', other, 'tenants'))).toHaveLength(cust.length - 1);
  }, 60_000);

  it('a download over collect.maxDownloadBytes, or on a host off collect.downloadHosts, is refused and recorded', async () => {
    const raw = JSON.parse(readFileSync(config, 'utf8')) as { collect: Record<string, unknown> };
    const small = path.join(dir, 'small.json');
    writeFileSync(small, JSON.stringify({ ...raw, collect: { ...raw.collect, maxDownloadBytes: 300 } }));
    const capped = await cli(['collect', '--date', '2026-11-18', '--config', small]);
    expect(capped.code).toBe(3);
    expect(capped.stdout).toMatch(/over collect\.maxDownloadBytes \(300\)/);
    expect(capped.stdout).toContain('raise collect.maxDownloadBytes');
    const elsewhere = path.join(dir, 'elsewhere.json');
    writeFileSync(
      elsewhere,
      JSON.stringify({ ...raw, collect: { ...raw.collect, downloadHosts: ['reports.office.com'] } }),
    );
    const downloads = fake.downloads.length;
    const refused = await cli(['collect', '--date', '2026-11-17', '--config', elsewhere]);
    expect(refused.code).toBe(3);
    expect(refused.stdout).toContain('the download host 127.0.0.1 is not in collect.downloadHosts');
    expect(refused.stdout).toContain('add it to collect.downloadHosts');
    expect(fake.downloads.length).toBe(downloads); // the link was never followed
    for (const d of ['2026-11-18', '2026-11-17'])
      expect(existsSync(path.join(dir, 'exports', d, 'tenants'))).toBe(false);
  }, 60_000);

  it('Partner Center refusing a token without MFA stops the night and says to sign in with MFA', async () => {
    fake.faults.pcMfaRequired = true;
    const run = await cli(['collect', '--date', '2026-11-16', '--config', config]);
    fake.faults.pcMfaRequired = false;
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('multi-factor authentication');
    expect(run.stderr).toContain('run `adoption auth login` and complete MFA');
  }, 60_000);

  it('the refresh token left unused for 90 days on the fake clock expires too', async () => {
    fake.advance(91 * 86_400_000);
    const run = await cli(['collect', '--date', '2026-11-21', '--config', config]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('expired after 90 days without use');
  }, 60_000);
});
