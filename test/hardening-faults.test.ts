// Covers jobs/ingest.ts, jobs/digest.ts, jobs/report.ts, src/warehouse/warehouse.ts, src/warehouse/holder.ts. Issue #7, faults: a full disk,
// SMTP down for a whole run, the warehouse held by another process. (The process killed at random points is
// test/kill-at-random.test.ts; a newer warehouse and an invalid configuration are in backfill.test.ts and cli.test.ts;
// the server dropping the connection before its reply is in digest.test.ts.)
import { spawn } from 'node:child_process';
import fs, { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { syncBuiltinESMExports } from 'node:module';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { sendDigests } from '../jobs/digest.js';
import { ingest } from '../jobs/ingest.js';
import { buildReport } from '../jobs/report.js';
import { PROJECT_ROOT } from '../src/config/load.js';
import type { JobContext } from '../src/context.js';
import { writeDrop } from '../src/demo/writeDrop.js';
import { DROP_DATE, rulesDrop } from './fixtures/rulesDrop.js';
import { runCli } from './helpers/cli.js';
import { tempDir, testContext } from './helpers/context.js';
import { SMTP_PASSWORD, SMTP_USER, startSmtp } from './helpers/smtp.js';

let dir: string;
let cleanup: () => void;
let ctx: JobContext;

beforeEach(async () => {
  ({ dir, cleanup } = tempDir());
  writeDrop(path.join(dir, 'exports', DROP_DATE), rulesDrop());
  ctx = await testContext(dir);
  ctx.config.outputDir = path.join(dir, 'reports');
  ctx.config.digest.outbox = path.join(dir, 'outbox');
  await ingest(ctx, { asOf: DROP_DATE, trigger: 'manual' });
});
afterEach(() => {
  ctx.wh.close();
  cleanup();
});

describe('faults', () => {
  it('the disk full while writing a workbook: a clear error, no half file where users look, the old one intact', async () => {
    const out = path.join(dir, 'reports');
    const first = await buildReport(ctx, { asOf: DROP_DATE, trigger: 'manual', outDir: out });
    const before = readFileSync(first.file);
    // The disk fills up half-way through the next write.
    const realWrite = fs.writeFileSync;
    fs.writeFileSync = ((file: fs.PathOrFileDescriptor, data: string | NodeJS.ArrayBufferView) => {
      if (String(file).startsWith(out)) {
        realWrite(file, (data as Buffer).subarray(0, 1000));
        throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
      }
      return realWrite(file, data);
    }) as typeof fs.writeFileSync;
    syncBuiltinESMExports();
    try {
      await expect(buildReport(ctx, { asOf: DROP_DATE, trigger: 'manual', outDir: out })).rejects.toThrow(
        new RegExp(
          `cannot write .*${path.basename(first.file)}: the disk is full \\(ENOSPC\\); nothing was written there`,
        ),
      );
    } finally {
      fs.writeFileSync = realWrite;
      syncBuiltinESMExports();
    }
    expect(readdirSync(out)).toEqual([path.basename(first.file)]); // no temporary file left behind
    expect(readFileSync(first.file).equals(before)).toBe(true);
  });

  it('the SMTP server down for the whole run: every digest recorded as not sent, and a later run sends them', async () => {
    const smtp = await startSmtp();
    const port = smtp.port;
    await smtp.close(); // nothing listens there now
    Object.assign(ctx.config.smtp, {
      host: '127.0.0.1',
      port,
      requireTLS: true,
      user: SMTP_USER,
      rejectUnauthorized: false,
      retries: 1,
      retryDelayMs: 1,
    });
    const env = { ADOPTION_SMTP_PASSWORD: SMTP_PASSWORD };
    const down = await sendDigests(ctx, {
      asOf: DROP_DATE,
      trigger: 'manual',
      env,
      sleep: () => Promise.resolve(),
    });
    expect(down.outcomes.map((o) => o.state)).toEqual(['failed', 'failed']);
    expect(down.outcomes[0]!.error).toMatch(/ECONNREFUSED|connect/i);
    const ledger = await ctx.wh.all(`SELECT recipient, state FROM deliveries ORDER BY recipient`);
    expect(ledger).toEqual([
      { recipient: 'am1@partner.example', state: 'failed' },
      { recipient: 'am2@partner.example', state: 'failed' },
    ]);
    const [run] = await ctx.wh.all(`SELECT state, error FROM runs WHERE job = 'digest'`);
    expect(run).toEqual({ state: 'failed', error: '2 digest(s) not delivered' });

    const back = await startSmtp();
    try {
      ctx.config.smtp.port = back.port;
      const later = await sendDigests(ctx, { asOf: DROP_DATE, trigger: 'manual', env });
      expect(later.outcomes.map((o) => o.state)).toEqual(['sent', 'sent']);
      expect(back.messages.map((m) => (m.to && 'text' in m.to ? m.to.text : '')).sort()).toEqual([
        'am1@partner.example',
        'am2@partner.example',
      ]);
      const again = await sendDigests(ctx, { asOf: DROP_DATE, trigger: 'manual', env });
      expect(again.outcomes.map((o) => o.state)).toEqual(['skipped', 'skipped']);
      expect(back.messages).toHaveLength(2);
    } finally {
      await back.close();
    }
  });

  it('the warehouse held by another process: the command waits, then names the process, never a raw DuckDB error', async () => {
    ctx.wh.close();
    const db = ctx.config.warehouse.path;
    // Another process opens the warehouse and keeps it open.
    const holder = spawn(
      process.execPath,
      [
        '--input-type=module',
        '-e',
        `import { DuckDBInstance } from '@duckdb/node-api';
         const i = await DuckDBInstance.create(${JSON.stringify(db)});
         await i.connect();
         console.log('open');
         setTimeout(() => {}, 60000);`,
      ],
      { cwd: PROJECT_ROOT, stdio: ['ignore', 'pipe', 'inherit'] },
    );
    try {
      await new Promise<void>((resolve) => holder.stdout.once('data', () => resolve()));
      const config = path.join(dir, 'config.json');
      writeFileSync(config, JSON.stringify({ warehouse: { path: db, busyWaitSeconds: 1 } }));
      const started = Date.now();
      const r = runCli(['status', '--config', config]);
      expect(Date.now() - started).toBeGreaterThan(1000); // it waited
      expect(r.code).toBe(4);
      // one line while it waits (issue #20), then the reason it gave up
      const lines = r.stderr.trim().split('\n');
      expect(lines[0]).toMatch(
        new RegExp(
          `^adoption: waiting up to 1 s for the warehouse .*warehouse\\.duckdb: it is in use by process ${holder.pid}`,
        ),
      );
      expect(lines.filter((l) => l.includes('waiting up to'))).toHaveLength(1);
      expect(lines[1]).toMatch(
        new RegExp(
          `^adoption: the warehouse .*warehouse\\.duckdb is in use by process ${holder.pid}, still after waiting 1 s`,
        ),
      );
      expect(r.stderr).not.toMatch(/IO Error|Conflicting lock|\n\s+at /);
    } finally {
      const gone = new Promise((resolve) => holder.once('exit', resolve));
      holder.kill('SIGKILL');
      await gone;
    }
    ctx.wh = await (await import('../src/warehouse/warehouse.js')).Warehouse.open(db);
    expect(existsSync(db)).toBe(true);
  });
});
