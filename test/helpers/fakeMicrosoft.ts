// A fake of Microsoft serving a generated portfolio, a configuration pointing `collect` at it, and the real CLI
// run as a child process (with standard input, for `auth import`).
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { PROJECT_ROOT } from '../../src/config/load.js';
import { DEMO_PARTNER_TENANT, generateDemoDrops, type DemoOptions } from '../../src/demo/generate.js';
import type { DropSpec } from '../../src/demo/writeDrop.js';
import { portfolioFromSpec } from '../../src/fake-microsoft/portfolio.js';
import { FakeMicrosoft, type FakeOptions } from '../../src/fake-microsoft/server.js';
import type { CliResult } from './cli.js';

export const CLIENT_SECRET = 'fake-client-secret-Zq8~e3R.pW1xYv0';

/** The last night of a small seeded portfolio, without tickets (Microsoft does not serve them). */
export function lastNight(options: Partial<DemoOptions>): { date: string; spec: DropSpec } {
  let last: { date: string; spec: DropSpec } | undefined;
  for (const d of generateDemoDrops({ drops: 1, ...options })) last = d;
  return { date: last!.date, spec: { ...last!.spec, tickets: undefined } };
}

export async function startFake(spec: DropSpec, options: Partial<FakeOptions> = {}): Promise<FakeMicrosoft> {
  const fake = new FakeMicrosoft({
    portfolio: portfolioFromSpec(spec),
    partnerTenantId: DEMO_PARTNER_TENANT,
    clientSecret: CLIENT_SECRET,
    ...options,
  });
  await fake.start();
  return fake;
}

/** Writes the assignment CSV (all customers but those in `skip`) and a config pointing at the fake. */
export function writeCollectConfig(
  dir: string,
  fake: FakeMicrosoft,
  spec: DropSpec,
  options: { skip?: number[]; collect?: Record<string, unknown> } = {},
): string {
  const assignments = path.join(dir, 'assignments.csv');
  writeFileSync(
    assignments,
    'customer_id,owner_email,locale,segment\n' +
      (spec.customers ?? [])
        .filter((_, i) => !(options.skip ?? []).includes(i))
        .map((c) => [c.customer_id, c.owner_email, c.locale ?? '', c.segment ?? ''].join(','))
        .join('\n') +
      '\n',
  );
  const config = path.join(dir, 'config.json');
  writeFileSync(
    config,
    JSON.stringify({
      exportsRoot: path.join(dir, 'exports'),
      warehouse: { path: path.join(dir, 'warehouse.duckdb') },
      partner: { tenantId: DEMO_PARTNER_TENANT },
      microsoft: {
        endpoints: fake.endpoints(),
        clientId: fake.clientId,
        tokenFile: path.join(dir, 'token.json'),
      },
      collect: {
        assignments,
        downloadHosts: ['127.0.0.1'],
        backoffBaseMs: 5,
        requestTimeoutSeconds: 10,
        maxRetries: 3,
        customersPageSize: 20,
        ...options.collect,
      },
    }),
  );
  return config;
}

/** The real CLI in a child process, without blocking this one (the fake answers from this process). */
export function cli(
  args: string[],
  options: { input?: string; env?: Record<string, string>; onSpawn?: (kill: () => void) => void } = {},
): Promise<CliResult & { signal: NodeJS.Signals | null }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [path.join(PROJECT_ROOT, 'bin/adoption.js'), ...args], {
      cwd: PROJECT_ROOT,
      env: { ...process.env, LOG_LEVEL: 'warn', ADOPTION_MS_CLIENT_SECRET: CLIENT_SECRET, ...options.env },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.stdin.end(options.input ?? '');
    options.onSpawn?.(() => child.kill('SIGKILL'));
    const timer = setTimeout(() => child.kill('SIGKILL'), 120_000);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
  });
}
