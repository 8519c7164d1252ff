// Covers src/ingest/drop.ts. Bad input, finding the drop (src/ingest/drop.ts): files checked against the manifest,
// links and oversized files refused before they are read. Each case: a clear message naming the file (and the line
// and column where there is one), the rest of the drop still loaded, and what was set aside listed in the run report.
import { rmSync, symlinkSync, truncateSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ingest } from '../jobs/ingest.js';
import { writeManifest } from '../src/demo/writeDrop.js';
import { DROP_DATE, T } from './fixtures/rulesDrop.js';
import {
  MAIN_FILE,
  expectReported,
  mainReport,
  othersIntact,
  read,
  useBadInputDrop,
  usersPerCustomer,
} from './helpers/badInput.js';

const env = useBadInputDrop();

describe('src/ingest/drop.ts: bad input', () => {
  it('a manifest whose sha256 disagrees with a file: that file is set aside, naming it; the rest loads', async () => {
    const { ctx, drop } = env;
    writeManifest(drop);
    writeFileSync(mainReport(drop), read(mainReport(drop)).replace('u1@main', 'u1@mian')); // same size, other bytes
    const s = await ingest(ctx, { asOf: DROP_DATE, trigger: 'manual' });
    const issue = expectReported(s, 'manifest_mismatch', { file: MAIN_FILE });
    expect(issue.message).toMatch(/sha256 .*manifest\.json says/);
    expect((await usersPerCustomer(ctx))[T.main]).toBeUndefined();
    await othersIntact(ctx);
    const [f] = await ctx.wh.all(`SELECT status FROM load_files WHERE path = $p`, { p: MAIN_FILE });
    expect(f!.status).toBe('set_aside');
  });

  it('a manifest giving a row count (and no sha256) that disagrees with a file: that file is set aside, naming both counts', async () => {
    const { ctx, drop } = env;
    writeManifest(drop);
    const m = JSON.parse(read(path.join(drop, 'manifest.json'))) as {
      files: { path: string; rows?: number; sha256?: string; bytes?: number }[];
    };
    const entry = m.files.find((f) => f.path === MAIN_FILE)!;
    const real = entry.rows!;
    entry.rows = real + 1;
    // With a sha256 the bytes are checked instead: rows are counted only when nothing else vouches for them.
    delete entry.sha256;
    writeFileSync(path.join(drop, 'manifest.json'), JSON.stringify(m));
    const s = await ingest(ctx, { asOf: DROP_DATE, trigger: 'manual' });
    const issue = expectReported(s, 'manifest_mismatch', { file: MAIN_FILE });
    expect(issue.message).toContain(`has ${real} data rows; manifest.json says ${real + 1}`);
    await othersIntact(ctx);
  });

  it('a file the manifest lists but the drop lacks is reported', async () => {
    const { ctx, drop } = env;
    writeManifest(drop);
    rmSync(path.join(drop, 'tenants', T.pcSubs, 'office365ActiveUserDetail.csv'));
    const s = await ingest(ctx, { asOf: DROP_DATE, trigger: 'manual' });
    expectReported(s, 'manifest_missing_file', { file: `tenants/${T.pcSubs}/office365ActiveUserDetail.csv` });
  });

  it('a symbolic link pointing outside the drop is not followed, and is named', async () => {
    const { ctx, dir, drop } = env;
    const secret = path.join(dir, 'secret.csv');
    writeFileSync(secret, 'not for you\n');
    rmSync(mainReport(drop));
    symlinkSync(secret, mainReport(drop));
    const s = await ingest(ctx, { asOf: DROP_DATE, trigger: 'manual' });
    expectReported(s, 'symlink_outside_drop', { file: MAIN_FILE });
    await othersIntact(ctx);
  });

  it('a 2 GB file where 2 MB was expected is refused from its size, before any of it is read', async () => {
    const { ctx, drop } = env;
    ctx.config.ingest.maxFileBytes = 2 * 1024 * 1024;
    rmSync(mainReport(drop));
    writeFileSync(mainReport(drop), '');
    truncateSync(mainReport(drop), 2 * 1024 ** 3); // sparse: 2 GB that takes no disk
    const started = Date.now();
    const s = await ingest(ctx, { asOf: DROP_DATE, trigger: 'manual' });
    expect(Date.now() - started).toBeLessThan(15_000);
    const issue = expectReported(s, 'file_too_large', { file: MAIN_FILE });
    expect(issue.message).toMatch(/is 2147483648 bytes, over the limit of 2097152 \(ingest\.maxFileBytes\)/);
    await othersIntact(ctx);
  });
});
