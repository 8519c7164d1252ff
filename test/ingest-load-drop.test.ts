// Covers src/ingest/loadDrop.ts. Bad input, the load of a drop as a whole (src/ingest/loadDrop.ts,
// src/ingest/dropChecks.ts, jobs/ingest.ts): tenants and customers across sources, a drop with nothing to load, a
// drop that is not there. Each case: a clear message naming the file (and the line and column where there is one),
// the rest of the drop still loaded, and what was set aside listed in the run report.
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ingest } from '../jobs/ingest.js';
import { writeDrop } from '../src/demo/writeDrop.js';
import { DROP_DATE, rulesDrop } from './fixtures/rulesDrop.js';
import {
  customersWithRows,
  othersIntact,
  read,
  useBadInputDrop,
  usersPerCustomer,
} from './helpers/badInput.js';
import { runCli } from './helpers/cli.js';

const env = useBadInputDrop();

describe('src/ingest/loadDrop.ts: bad input', () => {
  it('a tenant folder missing from customers.csv is set aside and reported', async () => {
    const { ctx, dir, drop } = env;
    const stranger = 'deadbeef-0000-4000-8000-000000000009';
    const spec = rulesDrop();
    writeDrop(path.join(dir, 'stranger'), { tenants: [{ ...spec.tenants[0]!, tenantId: stranger }] });
    const { renameSync } = await import('node:fs');
    renameSync(path.join(dir, 'stranger', 'tenants', stranger), path.join(drop, 'tenants', stranger));
    const s = await ingest(ctx, { asOf: DROP_DATE, trigger: 'manual' });
    expect(s.issues.find((i) => i.code === 'unknown_tenant')).toMatchObject({ customerId: stranger });
    expect(await customersWithRows(ctx)).not.toContain(stranger);
  });

  it('a customer in customers.csv with no tenant data: listed, reported, the rest loads', async () => {
    const { ctx, drop } = env;
    const extra = 'b0000000-0000-4000-8000-00000000000e';
    writeFileSync(
      path.join(drop, 'customers.csv'),
      `${read(path.join(drop, 'customers.csv')).replace(/\r?\n$/, '')}\r\n${extra},Ghost Ltd,am1@partner.example,en,\r\n`, // and a CRLF in a LF file
    );
    const s = await ingest(ctx, { asOf: DROP_DATE, trigger: 'manual' });
    const issue = s.issues.find((i) => i.customerId === extra || i.message.includes(extra));
    expect(issue, JSON.stringify(s.issues)).toBeDefined();
    await othersIntact(ctx);
  });

  it('a missing drop folder is a clear error, recorded as a failed run', async () => {
    const { ctx } = env;
    await expect(ingest(ctx, { asOf: '2026-01-01', trigger: 'manual' })).rejects.toThrow(
      /no drop for 2026-01-01: the folder .* does not exist/,
    );
    const [run] = await ctx.wh.all(
      `SELECT state, error FROM runs WHERE job = 'ingest' ORDER BY started_at DESC LIMIT 1`,
    );
    expect(run!.state).toBe('failed');
  });

  it('a drop with no loadable row at all fails the run and keeps what the warehouse had for the date', async () => {
    const { ctx, drop } = env;
    await ingest(ctx, { asOf: DROP_DATE, trigger: 'manual' });
    const before = await usersPerCustomer(ctx);
    rmSync(drop, { recursive: true });
    mkdirSync(drop, { recursive: true });
    writeFileSync(path.join(drop, 'customers.csv'), 'customer_id,customer_name,owner_email\n');
    await expect(ingest(ctx, { asOf: DROP_DATE, trigger: 'manual' })).rejects.toThrow(
      /the drop of 2026-11-23 has no row that could be loaded/,
    );
    expect(await usersPerCustomer(ctx)).toEqual(before);
    const runs = await ctx.wh.all(`SELECT state, error FROM runs WHERE job = 'ingest' ORDER BY started_at`);
    expect(runs.map((r) => r.state)).toEqual(['succeeded', 'failed']);
  });

  it('a drop folder dated in the future is refused', () => {
    const { dir } = env;
    mkdirSync(path.join(dir, 'exports', '2099-01-01'), { recursive: true });
    const r = runCli([
      'ingest',
      '--date',
      '2099-01-01',
      '--exports',
      path.join(dir, 'exports'),
      '--db',
      path.join(dir, 'x.duckdb'),
    ]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/--date 2099-01-01 is in the future/);
  });
});
