// Covers src/schedule/missedRuns.ts, src/schedule/tokenExpiry.ts, src/schedule/scheduledJobs.ts. Issue #17: the
// scheduler runs collect before ingest when collecting is configured (its own cron, run-log entries and alerts), keeps
// today's jobs when it is not, and alerts well before the refresh token expires unused.
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scheduledJobs } from '../src/schedule/missedRuns.js';
import { alertTokenExpiry } from '../src/schedule/tokenExpiry.js';
import { writeToken } from '../src/collect/auth.js';
import { loadConfig } from '../src/config/load.js';
import type { FakeMicrosoft } from '../src/fake-microsoft/server.js';
import { silentLogger } from '../src/log.js';
import { Warehouse } from '../src/warehouse/warehouse.js';
import { cli, lastNight, startFake, writeCollectConfig } from './helpers/fakeMicrosoft.js';
import { tempDir } from './helpers/context.js';

const { date, spec } = lastNight({ seed: 41, customers: 8, owners: 2, usersPerCustomer: 6 });

describe('collect in the schedule', () => {
  let dir: string;
  let cleanup: () => void;
  let fake: FakeMicrosoft;
  let config: string;

  beforeAll(async () => {
    ({ dir, cleanup } = tempDir('adoption-collect-schedule-'));
    fake = await startFake(spec);
    config = writeCollectConfig(dir, fake, spec, { collect: { enabled: true, cron: '15 1 * * *' } });
    // alerts go to a file outbox when no SMTP server is configured
    const raw = JSON.parse(readFileSync(config, 'utf8')) as Record<string, unknown>;
    raw.schedule = { alertTo: 'ops@partner.example' };
    raw.digest = { outbox: path.join(dir, 'outbox') };
    writeFileSync(config, JSON.stringify(raw));
    const imp = await cli(['auth', 'import', '--config', config], { input: fake.issueRefreshToken() });
    expect(imp.code, imp.stderr).toBe(0);
  }, 60_000);
  afterAll(async () => {
    await fake.stop();
    cleanup();
  });

  it('schedules collect (first, on its own cron) only when it is enabled', () => {
    const off = loadConfig();
    expect(scheduledJobs(off).map((j) => j.name)).toEqual(['ingest', 'digest']);
    const on = loadConfig(config);
    expect(scheduledJobs(on).map((j) => j.name)).toEqual(['collect', 'ingest', 'digest']);
  });

  it('`adoption run collect` then `adoption run ingest`: each in the run log; a customer not collected is named', async () => {
    const run = await cli(['run', 'collect', '--date', date, '--config', config]);
    expect(run.code, run.stderr + run.stdout).toBe(0);
    expect(run.stdout).toContain(`collect as of ${date}: succeeded`);
    const ing = await cli(['run', 'ingest', '--date', date, '--config', config, '--no-wait']);
    expect(ing.code, ing.stderr + ing.stdout).toBe(0);
    const wh = await Warehouse.open(path.join(dir, 'warehouse.duckdb'));
    const runs = await wh.all(`SELECT job, state, counts, error FROM runs ORDER BY started_at`);
    wh.close();
    expect(runs.map((r) => `${String(r.job)} ${String(r.state)}`)).toEqual([
      'collect succeeded',
      'ingest succeeded',
    ]);
    expect(JSON.parse(String(runs[0]!.counts))).toMatchObject({ customers: 8, notCollected: 1 });
    expect(String(runs[0]!.error)).toContain(`${spec.customers![5]!.customer_name}: grant consent`);
  }, 90_000);

  it('a night that cannot be collected fails its run and alerts the operator', async () => {
    fake.faults.expiredRefreshToken = true;
    const run = await cli(['run', 'collect', '--date', '2026-11-20', '--config', config]);
    fake.faults.expiredRefreshToken = false;
    expect(run.code).toBe(2);
    expect(run.stdout).toMatch(
      /collect as of 2026-11-20: failed: .*AADSTS700082.*adoption auth login.*\(alert: sent\)/,
    );
    const alerts = readdirSync(path.join(dir, 'outbox', 'alerts'));
    const text = alerts.map((f) => readFileSync(path.join(dir, 'outbox', 'alerts', f), 'utf8')).join('\n');
    expect(text).toContain('collect failed');
    expect(fake.issuedRefreshTokens.length).toBeGreaterThan(0);
    for (const t of fake.issuedRefreshTokens) expect(text).not.toContain(t);
  }, 60_000);

  it('alerts when the refresh token has fewer than microsoft.tokenAlertDays left', async () => {
    const cfg = loadConfig(config);
    const old = new Date(Date.parse('2026-11-24T00:00:00Z') - 75 * 86_400_000).toISOString();
    writeToken(cfg.microsoft.tokenFile, {
      refreshToken: fake.issueRefreshToken(),
      account: 'admin@contoso-partner.example',
      tenantId: null,
      source: 'import',
      obtainedAt: old,
      lastUsedAt: old,
    });
    const deps = { config: cfg, log: silentLogger(), env: {}, now: () => Date.parse('2026-11-24T00:00:00Z') };
    expect(await alertTokenExpiry(deps)).toBe('sent');
    const files = readdirSync(path.join(dir, 'outbox', 'alerts')).map((f) =>
      readFileSync(path.join(dir, 'outbox', 'alerts', f), 'utf8'),
    );
    expect(
      files.some(
        (t) => t.includes('expires on 2026-12-09, in 15 day(s)') && t.includes('adoption auth login'),
      ),
    ).toBe(true);
    // With three weeks and more left, nothing is sent.
    expect(
      await alertTokenExpiry({ ...deps, now: () => Date.parse('2026-11-10T00:00:00Z') }),
    ).toBeUndefined();
  });
});
