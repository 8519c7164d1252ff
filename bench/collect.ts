// `npm run bench:collect`, or `tsx bench/collect.ts [--customers 2000] [--users 60] [--json]`: collects
// one night of 2,000 customers from the local fake of Microsoft with 100 ms of latency on every call and 2% of calls
// answered 429 (Retry-After: 1), through the real CLI under /usr/bin/time. Reports the wall time, the peak
// resident memory of the collect process, and the calls made per customer. Targets: under 5 minutes, under 400 MiB.
// The fake runs in this process, so its own memory is not counted. Results go to bench/collect-results.md.
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { importToken } from '../src/collect/auth.js';
import { DEMO_PARTNER_TENANT, generateDemoDrops } from '../src/demo/generate.js';
import type { DropSpec } from '../src/demo/writeDrop.js';
import { portfolioFromSpec } from '../src/fake-microsoft/portfolio.js';
import { FakeMicrosoft } from '../src/fake-microsoft/server.js';

const HERE = path.dirname(fileURLToPath(import.meta.url));
function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1]! : fallback;
}
const customers = Number(arg('customers', '2000'));
const users = Number(arg('users', '60'));
const concurrency = Number(arg('concurrency', '16'));
const LATENCY_MS = 100;
const RATE_429 = 0.02;

/** The benchmark's night, served by the fake with its latency and throttling. */
async function startFake(): Promise<{ fake: FakeMicrosoft; date: string; spec: Omit<DropSpec, 'tickets'> }> {
  process.stderr.write(`generating ${customers} customers (about ${users} users each)…\n`);
  let night: { date: string; spec: DropSpec } | undefined;
  for (const drop of generateDemoDrops({
    seed: 42,
    customers,
    owners: 40,
    usersPerCustomer: users,
    drops: 1,
  }))
    night = drop;
  const { tickets: _tickets, ...spec } = night!.spec;
  void _tickets;
  const fake = new FakeMicrosoft({
    portfolio: portfolioFromSpec(spec),
    partnerTenantId: DEMO_PARTNER_TENANT,
    seed: 7,
  });
  fake.faults.latencyMs = LATENCY_MS;
  fake.faults.rate429 = RATE_429;
  fake.faults.retryAfterSeconds = 1;
  await fake.start();
  return { fake, date: night!.date, spec };
}

/** A config file pointing `collect` at the fake, with a signed-in token and the assignment file. */
function writeBenchConfig(dir: string, fake: FakeMicrosoft, spec: Omit<DropSpec, 'tickets'>): string {
  const tokenFile = path.join(dir, 'token.json');
  importToken(tokenFile, fake.issueRefreshToken());
  const assignments = path.join(dir, 'assignments.csv');
  writeFileSync(
    assignments,
    'customer_id,owner_email,locale,segment\n' +
      (spec.customers ?? []).map((c) => `${c.customer_id},${c.owner_email},${c.locale ?? ''},`).join('\n'),
  );
  const config = path.join(dir, 'config.json');
  writeFileSync(
    config,
    JSON.stringify({
      exportsRoot: path.join(dir, 'exports'),
      partner: { tenantId: DEMO_PARTNER_TENANT },
      microsoft: { endpoints: fake.endpoints(), clientId: fake.clientId, tokenFile },
      collect: { assignments, downloadHosts: ['127.0.0.1'], concurrency },
    }),
  );
  return config;
}

/** `adoption collect` under /usr/bin/time: its output, and the wall time and peak memory time printed last. */
function timedCollect(
  date: string,
  config: string,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(
      '/usr/bin/time',
      [
        '-f',
        '%e %M',
        process.execPath,
        path.join(HERE, '..', 'bin', 'adoption.js'),
        'collect',
        '--date',
        date,
        '--config',
        config,
      ],
      { env: { ...process.env, LOG_LEVEL: 'error' } },
    );
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

function resultsMarkdown(
  m: { wall: number; peakMiB: number; calls: number; throttled: number; tenants: number },
  summary: string,
): string[] {
  return [
    `# Collect benchmark`,
    '',
    `${new Date().toISOString().slice(0, 10)}, ${os.cpus().length} CPU(s), Node ${process.version}. \`tsx bench/collect.ts --customers ${customers} --users ${users} --concurrency ${concurrency}\`.`,
    '',
    `| customers | users (≈) | latency | 429 rate | concurrency | wall | peak memory | calls | calls per customer | answered 429 | tenants collected |`,
    `|---|---|---|---|---|---|---|---|---|---|---|`,
    `| ${customers} | ${users * customers} | ${LATENCY_MS} ms | ${RATE_429 * 100}% | ${concurrency} | ${m.wall.toFixed(1)} s | ${m.peakMiB.toFixed(0)} MiB | ${m.calls} | ${(m.calls / customers).toFixed(2)} | ${m.throttled} | ${m.tenants} |`,
    '',
    `Targets: under 300 s (${m.wall < 300 ? 'met' : 'MISSED'}), under 400 MiB (${m.peakMiB < 400 ? 'met' : 'MISSED'}).`,
    '',
    "The collect command's own summary:",
    '',
    '```',
    summary,
    '```',
    '',
  ];
}

async function main(): Promise<void> {
  const { fake, date, spec } = await startFake();
  const dir = mkdtempSync(path.join(os.tmpdir(), 'adoption-bench-collect-'));
  try {
    const config = writeBenchConfig(dir, fake, spec);
    process.stderr.write(
      `collecting through the fake (${LATENCY_MS} ms per call, ${RATE_429 * 100}% answered 429, concurrency ${concurrency})…\n`,
    );
    const r = await timedCollect(date, config);
    if (r.code !== 0 && r.code !== 3)
      throw new Error(`collect failed (${r.code}):\n${r.stderr}\n${r.stdout}`);
    const [wall, kb] = r.stderr.trim().split('\n').at(-1)!.split(' ').map(Number);
    const measured = {
      wall: wall!,
      peakMiB: kb! / 1024,
      calls: fake.requests.length + fake.downloads.length,
      throttled: fake.requests.filter((q) => q.status === 429).length,
      tenants: readdirSync(path.join(dir, 'exports', date, 'tenants')).length,
    };
    // --json: one line for bench/run.ts, which puts collect beside the other stages at each size.
    if (process.argv.includes('--json')) {
      console.log(JSON.stringify({ seconds: measured.wall, ...measured }));
      return;
    }
    const lines = resultsMarkdown(measured, r.stdout.trim().split('\n')[0]!);
    writeFileSync(path.join(HERE, 'collect-results.md'), lines.join('\n'));
    process.stdout.write(lines.join('\n'));
  } finally {
    await fake.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
