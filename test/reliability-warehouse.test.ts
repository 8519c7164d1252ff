// Covers src/warehouse/warehouse.ts, src/warehouse/open.ts, src/schedule/scheduler.ts. Issue #16, the warehouse:
// DuckDB's failures are plain messages (a disk full at commit, at checkpoint and in an upgrade on a small tmpfs, a
// read-only file system, a garbage file, a damaged copy), exit 1 with one line, the run recorded failed and the data
// before intact; a wrong path is an error, not a new empty warehouse; stored timestamps are UTC whatever the
// process's TZ; the scheduler's lock is keyed by the warehouse's real path.
import { execFileSync } from 'node:child_process';
import {
  copyFileSync,
  readFileSync,
  readdirSync,
  writeFileSync,
  existsSync,
  mkdirSync,
  openSync,
  statSync,
  symlinkSync,
  writeSync,
  closeSync,
} from 'node:fs';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SCHEDULED_JOB_TABLE } from '../jobs/scheduled.js';
import { compact } from '../src/warehouse/compaction.js';
import { startScheduler } from '../src/schedule/scheduler.js';
import { ingest } from '../jobs/ingest.js';
import { loadCatalog, loadConfig } from '../src/config/load.js';
import { writeDrop } from '../src/demo/writeDrop.js';
import { silentLogger } from '../src/log.js';
import { environmentProblem, Warehouse } from '../src/warehouse/warehouse.js';
import { rulesDrop } from './fixtures/rulesDrop.js';
import { runCli, type CliResult } from './helpers/cli.js';
import { PARTNER, tempDir, testContext } from './helpers/context.js';

const LOADED = '2026-11-23';
const NEXT = '2026-11-22';
let dir: string;
let cleanup: () => void;
/** a warehouse with LOADED ingested, to copy */
let golden: string;
let goldenRows: number;
let configFile: string;
const mounts: string[] = [];

function canMount(): boolean {
  const probe = path.join(tempDir('adoption-mount-probe-').dir);
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=1m', 'tmpfs', probe], { stdio: 'ignore' });
    execFileSync('umount', [probe], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}
const MOUNT = canMount();

function tmpfs(name: string, kib: number): string {
  const mnt = path.join(dir, name);
  mkdirSync(mnt, { recursive: true });
  execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${kib}k`, 'tmpfs', mnt]);
  mounts.push(mnt);
  return mnt;
}
const remount = (mnt: string, opts: string) => execFileSync('mount', ['-o', `remount,${opts}`, mnt]);

function cli(args: string[], env: Record<string, string> = {}): CliResult {
  return runCli([...args, '--config', configFile], { env });
}

/** One line on stderr saying what happened and what to do, exit 1, no stack trace, no internal error. */
function expectPlain(r: CliResult, what: RegExp): void {
  expect(r.code, r.stderr).toBe(1);
  expect(r.stderr).toMatch(what);
  expect(r.stderr.trim().split('\n')).toHaveLength(1);
  expect(r.stderr).not.toMatch(/internal error|\n\s+at /);
}

async function rowsOf(db: string, date: string): Promise<number> {
  const wh = await Warehouse.open(db, { create: false });
  try {
    const [r] = await wh.all(
      `SELECT count(*)::INTEGER AS n FROM stg_user_activity WHERE snapshot_date = $d::DATE`,
      { d: date },
    );
    return Number(r!.n);
  } finally {
    wh.close();
  }
}

beforeAll(async () => {
  ({ dir, cleanup } = tempDir('adoption-wh-'));
  for (const d of [LOADED, NEXT]) writeDrop(path.join(dir, 'exports', d), rulesDrop());
  const ctx = await testContext(dir);
  await ingest(ctx, { asOf: LOADED, trigger: 'manual' });
  ctx.wh.close();
  golden = ctx.config.warehouse.path;
  goldenRows = await rowsOf(golden, LOADED);
  expect(goldenRows).toBeGreaterThan(0);
  configFile = path.join(dir, 'config.json');
  writeFileSync(
    configFile,
    JSON.stringify({
      exportsRoot: path.join(dir, 'exports'),
      partner: { tenantId: PARTNER },
      outputDir: path.join(dir, 'reports'),
      digest: { outbox: path.join(dir, 'outbox') },
    }),
  );
});
afterAll(() => {
  for (const m of mounts.reverse()) {
    try {
      execFileSync('umount', [m]);
    } catch {
      /* already */
    }
  }
  cleanup();
});

describe.skipIf(!MOUNT)('a full disk (a small tmpfs)', () => {
  const size = () => Math.ceil(statSync(golden).size / 1024);

  it('at commit: one plain line, exit 1, the run recorded failed, the data before intact', async () => {
    const mnt = tmpfs('full-commit', size() + 16);
    const db = path.join(mnt, 'warehouse.duckdb');
    copyFileSync(golden, db);
    const r = cli(['ingest', '--date', NEXT, '--db', db]);
    expectPlain(
      r,
      /^adoption: the disk holding the warehouse .* is full \(.*No space left on device.*\); free some space/,
    );
    remount(mnt, 'size=64m');
    // The next command (any) records the run that could not record its own end.
    expect(cli(['status', '--db', db]).code).toBe(0);
    const wh = await Warehouse.open(db, { create: false });
    try {
      const runs = await wh.all(`SELECT job, state FROM runs WHERE job = 'ingest' ORDER BY started_at`);
      expect(runs.at(-1)).toEqual({ job: 'ingest', state: 'failed' });
      expect(runs.filter((x) => x.state === 'running')).toEqual([]);
    } finally {
      wh.close();
    }
    expect(await rowsOf(db, LOADED)).toBe(goldenRows);
    expect(await rowsOf(db, NEXT)).toBe(0);
    // With room again, the same command succeeds.
    expect(cli(['ingest', '--date', NEXT, '--db', db]).code).toBe(0);
    expect(await rowsOf(db, NEXT)).toBe(goldenRows);
  });

  it('at checkpoint: one plain line, exit 1, what was committed intact', async () => {
    const mnt = tmpfs('full-checkpoint', size() + 256);
    const db = path.join(mnt, 'warehouse.duckdb');
    copyFileSync(golden, db);
    const r = cli(['ingest', '--date', NEXT, '--db', db]);
    expectPlain(r, /^adoption: the disk holding the warehouse .* is full \(.*checkpoint.*\)/i);
    remount(mnt, 'size=64m');
    expect(await rowsOf(db, LOADED)).toBe(goldenRows);
    expect([0, goldenRows]).toContain(await rowsOf(db, NEXT)); // committed in the log, or not at all: never half
  });

  it('an export to a full disk: one plain line naming the file, the old one intact, no temporary left', () => {
    const mnt = tmpfs('full-export', 64);
    const db = path.join(dir, 'export-src.duckdb');
    copyFileSync(golden, db);
    const out = path.join(mnt, 'daily.csv');
    writeFileSync(out, 'the previous export');
    try {
      writeFileSync(path.join(mnt, 'filler'), Buffer.alloc(128 * 1024)); // as much as fits: the disk is full
    } catch (err) {
      expect((err as NodeJS.ErrnoException).code).toBe('ENOSPC');
    }
    const r = cli(['export', '--date', LOADED, '--table', 'adoption_daily', '--db', db, '--out', out]);
    expectPlain(r, new RegExp(`^adoption: the disk holding the file ${out.replace(/[.]/g, '\\.')} is full`));
    expect(readFileSync(out, 'utf8')).toBe('the previous export');
    expect(readdirSync(mnt).sort()).toEqual(['daily.csv', 'filler']);
  });

  it('an upgrade that copies tables (migration 013) on a disk without room for the copy: one plain line, the warehouse left at the version before, intact; with room, the upgrade goes through', async () => {
    const db12 = path.join(dir, 'version-12.duckdb');
    const before = await Warehouse.open(db12, { migrateUpTo: 12 });
    try {
      // Per-user staging rows whose user keys barely compress: the table migration 013 copies that weighs most.
      await before.run(
        `INSERT INTO stg_user_activity (snapshot_date, customer_id, user_key, assigned_products)
         SELECT DATE '2026-11-23', 'c' || (i % 50)::VARCHAR, md5(i::VARCHAR) || md5((i + 1)::VARCHAR), 'Office 365 E3'
         FROM range(200000) r(i)`,
      );
      await before.checkpoint();
    } finally {
      before.close();
    }
    const mnt = tmpfs('full-upgrade', Math.ceil(statSync(db12).size / 1024) + 512);
    const db = path.join(mnt, 'warehouse.duckdb');
    copyFileSync(db12, db);
    expectPlain(cli(['status', '--db', db]), /^adoption: the disk holding the warehouse .* is full/);
    const versionAndRows = async () => {
      const wh = await Warehouse.open(db, { create: false, migrate: false });
      try {
        const [r] = await wh.all('SELECT count(*)::INTEGER AS n FROM stg_user_activity');
        return [await wh.schemaVersion(), Number(r!.n)];
      } finally {
        wh.close();
      }
    };
    expect(await versionAndRows()).toEqual([12, 200000]);
    remount(mnt, 'size=256m');
    expect(cli(['status', '--db', db]).code).toBe(0);
    expect(await versionAndRows()).toEqual([13, 200000]);
  });

  it('a read-only file system: one plain line, for reading and for loading', () => {
    const mnt = tmpfs('readonly', 64 * 1024);
    const db = path.join(mnt, 'warehouse.duckdb');
    copyFileSync(golden, db);
    remount(mnt, 'ro');
    expectPlain(cli(['status', '--db', db]), /^adoption: the warehouse .* is on a read-only file system/);
    expectPlain(cli(['ingest', '--date', NEXT, '--db', db]), /read-only file system.*make it writable/);
  });
});

describe('a damaged warehouse', () => {
  it('garbage where the warehouse should be: one plain line, exit 1', () => {
    const db = path.join(dir, 'garbage.duckdb');
    const fd = openSync(db, 'w');
    writeSync(fd, randomBytes(200_000));
    closeSync(fd);
    expectPlain(
      cli(['status', '--db', db]),
      /^adoption: the warehouse .*garbage\.duckdb is damaged or is not a DuckDB warehouse .*restore it from a backup/,
    );
  });

  it('a damaged copy (its header, or a data block, overwritten): one plain line, exit 1', () => {
    for (const [name, at] of [
      ['damaged-header.duckdb', 4096],
      ['damaged-block.duckdb', Math.floor(statSync(golden).size / 2)],
    ] as const) {
      const db = path.join(dir, name);
      copyFileSync(golden, db);
      const fd = openSync(db, 'r+');
      // The data blocks: every 64 KiB from `at` on, so that whatever blocks the command reads, one is damaged (a
      // single block may be one no table uses).
      const size = statSync(db).size;
      for (let off = at; off < size - 4096; off += at === 4096 ? size : 65536)
        writeSync(fd, randomBytes(Math.min(8192, size - off - 4096)), 0, undefined, off);
      closeSync(fd);
      const r = cli(['status', '--db', db]);
      expectPlain(r, /is damaged or is not a DuckDB warehouse/);
    }
  });

  it('the message for each DuckDB failure of the machine, and none for a bug', () => {
    expect(
      environmentProblem('w', 'IO Error: Could not write file "w.wal": No space left on device'),
    ).toMatch(/is full/);
    expect(
      environmentProblem(
        'w',
        'Out of Memory Error: could not allocate block of size 30.5 MiB (702.1 MiB/732.4 MiB used)',
      ),
    ).toMatch(/ran out of the memory .* raise warehouse\.memoryLimit/);
    expect(environmentProblem('w', 'Binder Error: column x not found')).toBeNull();
    expect(environmentProblem('w', 'Invalid Input Error: Malformed JSON at byte 3')).toBeNull();
    // A file that is not the warehouse (an export's output) is the one named.
    expect(
      environmentProblem(
        '/d/w.duckdb',
        'IO Error: Could not write file "/out/x.csv": No space left on device',
      ),
    ).toMatch(/^the disk holding the file \/out\/x\.csv is full/);
    expect(
      environmentProblem(
        '/d/w.duckdb',
        'IO Error: Could not write file "/d/w.duckdb.wal": No space left on device',
      ),
    ).toMatch(/^the disk holding the warehouse \/d\/w\.duckdb is full/);
  });
});

describe('a wrong warehouse path', () => {
  it('is an error for the commands that only read or send, not a new empty warehouse', () => {
    const db = path.join(dir, 'no-such-folder', 'warehouse.duckdb');
    for (const args of [
      ['status'],
      ['report', 'portfolio', '--date', LOADED],
      ['digest', '--week-ending', LOADED],
      ['export', '--date', LOADED, '--out', path.join(dir, 'x.csv')],
    ]) {
      expectPlain(
        cli([...args, '--db', db]),
        /^adoption: the warehouse folder .*no-such-folder does not exist/,
      );
    }
    expectPlain(
      cli(['status', '--db', path.join(dir, 'typo.duckdb')]),
      /^adoption: there is no warehouse at/,
    );
    expect(existsSync(path.dirname(db))).toBe(false);
    expect(existsSync(path.join(dir, 'typo.duckdb'))).toBe(false);
  });

  it('ingest creates one, and says so', () => {
    const db = path.join(dir, 'new-folder', 'warehouse.duckdb');
    const r = cli(['ingest', '--date', LOADED, '--db', db]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain(`created a new warehouse at ${db}`);
    expect(cli(['ingest', '--date', NEXT, '--db', db]).stdout).not.toContain('created a new warehouse');
  });
});

describe('time is UTC where it says UTC', () => {
  for (const tz of ['Pacific/Kiritimati', 'America/Los_Angeles']) {
    it(`every stored timestamp is UTC under TZ=${tz}`, async () => {
      const db = path.join(dir, `tz-${tz.replace('/', '-')}.duckdb`);
      copyFileSync(golden, db);
      const before = Date.now();
      expect(cli(['ingest', '--date', NEXT, '--db', db], { TZ: tz }).code).toBe(0);
      expect(cli(['digest', '--week-ending', LOADED, '--db', db], { TZ: tz }).code).toBe(0);
      const after = Date.now();
      const wh = await Warehouse.open(db, { create: false });
      try {
        const stamps = [
          ...(await wh.all(
            `SELECT started_at::VARCHAR AS t FROM runs WHERE started_at >= $d::TIMESTAMP - INTERVAL 1 DAY`,
            {
              d: new Date(before).toISOString().slice(0, 10),
            },
          )),
          ...(await wh.all(
            `SELECT finished_at::VARCHAR AS t FROM runs WHERE job IN ('ingest', 'digest') AND finished_at IS NOT NULL`,
          )),
          ...(await wh.all(`SELECT loaded_at::VARCHAR AS t FROM loads WHERE snapshot_date = $d::DATE`, {
            d: NEXT,
          })),
          ...(await wh.all(`SELECT updated_at::VARCHAR AS t FROM deliveries`)),
        ].map((r) => String(r.t));
        expect(stamps.length).toBeGreaterThanOrEqual(5);
        // Those written by the two commands fall between before and after, read as UTC.
        const recent = stamps
          .map((t) => Date.parse(`${t.replace(' ', 'T')}Z`))
          .filter((ms) => ms >= before - 2000);
        expect(recent.length, stamps.join(', ')).toBeGreaterThanOrEqual(4);
        for (const ms of recent) expect(ms, stamps.join(', ')).toBeLessThanOrEqual(after + 2000);
      } finally {
        wh.close();
      }
    });
  }
});

describe('row groups: commits leave them, a compaction merges them', () => {
  // Commits do not merge row groups (docs/sizing.md: on some nights that rewrote whole small tables inside the
  // nightly commit); compact() does, once, and records itself.
  it('commits and checkpoints keep each write in row groups of its own; compact() merges them and records it', async () => {
    const db = path.join(dir, 'compaction.duckdb');
    const wh = await Warehouse.open(db, { create: true });
    const rowGroups = async () =>
      Number(
        (await wh.all(`SELECT count(DISTINCT row_group_id) AS n FROM pragma_storage_info('history')`))[0]!.n,
      );
    try {
      await wh.run('CREATE TABLE history AS SELECT range AS id FROM range(3 * 122880)');
      await wh.checkpoint();
      expect(await rowGroups()).toBe(3);
      // Two thirds of each row group deleted (the three fit in one), and four nights of 1,000 rows, each committed
      // and checkpointed, as a night's ingest is.
      await wh.run('DELETE FROM history WHERE id % 3 <> 0');
      for (let night = 0; night < 4; night++) {
        await wh.transaction(() => wh.run('INSERT INTO history SELECT 10000000 + range FROM range(1000)'));
        await wh.checkpoint();
      }
      expect(await rowGroups()).toBe(7);
      expect(existsSync(`${db}.wal`) ? statSync(`${db}.wal`).size : 0).toBe(0);
      const done = await compact(wh, 'manual');
      // 122,880 + 4,000 rows: two full-as-can-be row groups where there were seven.
      expect(await rowGroups()).toBe(2);
      expect(Number((await wh.all('SELECT count(*) AS n FROM history'))[0]!.n)).toBe(122880 + 4000);
      expect(done.seconds).toBeGreaterThan(0);
      expect(done.bytesAfter).toBeLessThan(done.bytesBefore);
      const [rec] = await wh.all('SELECT trigger, seconds, bytes_before, bytes_after FROM compactions');
      expect(rec).toEqual({
        trigger: 'manual',
        seconds: done.seconds,
        bytes_before: done.bytesBefore,
        bytes_after: done.bytesAfter,
      });
      // Merging is off again for what follows.
      await wh.transaction(() => wh.run('INSERT INTO history SELECT range FROM range(1000)'));
      await wh.checkpoint();
      expect(await rowGroups()).toBe(3);
    } finally {
      wh.close();
    }
  });
});

describe('one worker per warehouse', () => {
  it('two schedulers through two paths to one file (a linked folder, a linked file) are refused', async () => {
    const real = path.join(dir, 'sched');
    mkdirSync(real);
    copyFileSync(golden, path.join(real, 'warehouse.duckdb'));
    symlinkSync(real, path.join(dir, 'sched-link'));
    symlinkSync(path.join(real, 'warehouse.duckdb'), path.join(real, 'alias.duckdb'));
    const deps = (file: string) => {
      const config = loadConfig();
      config.warehouse.path = file;
      config.exportsRoot = path.join(dir, 'exports');
      config.partner.tenantId = PARTNER;
      config.schedule.ingest.cron = '0 3 1 1 *';
      config.schedule.digest.cron = '0 4 1 1 *';
      return {
        config,
        catalog: loadCatalog(config),
        log: silentLogger(),
        env: {},
        jobs: SCHEDULED_JOB_TABLE,
      };
    };
    const first = await startScheduler(deps(path.join(real, 'warehouse.duckdb')));
    try {
      for (const other of [
        path.join(dir, 'sched-link', 'warehouse.duckdb'),
        path.join(real, 'alias.duckdb'),
        path.join(real, '..', 'sched', 'warehouse.duckdb'),
      ]) {
        await expect(startScheduler(deps(other)), other).rejects.toThrow(
          /another `adoption schedule` is already running on this warehouse/,
        );
      }
    } finally {
      await first.stop();
    }
    const again = await startScheduler(deps(path.join(dir, 'sched-link', 'warehouse.duckdb')));
    await again.stop();
  });
});
