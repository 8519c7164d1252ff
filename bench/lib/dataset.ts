// The benchmark's data: one partner's nightly drops at a given scale, generated once (seeded) and cached under
// bench/.cache. Scale 1 is 2,000 customers, about 500,000 users and 40 account managers; scale 10 is 20,000
// customers, about 5 million users and 400 account managers. One manager holds 15% of the book (300 customers at
// 1×, 3,000 at 10×), the case that breaks a workbook or a digest first.
// 92 days of drops: a distinct night every week; the other nights are a link to their week's night (as when
// Graph's reports were not refreshed). From scale 5 up only the last two weeks are distinct nights and the days
// before are links to the older one: generating 14 distinct nights of 5 million users would take an hour and 18 GB,
// and a night costs the job the same whether or not its content repeats. A link is one symbolic link a day to the
// night's folder (the job reads the folder it is given, wherever it points): hard-linking 80,000 files a day took
// longer than generating them.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const HERE = path.dirname(fileURLToPath(import.meta.url));
export const CACHE = path.join(HERE, '..', '.cache');
export const END = '2026-11-23';
export const FULL = { customers: 2000, owners: 40, usersPerCustomer: 302, bigBookShare: 0.15 };

export interface Dataset {
  scale: number;
  exports: string;
  dates: string[];
  customers: number;
  owners: number;
  users: number;
  csvBytes: number;
  /** bytes of every file of the last night */
  nightBytes: number;
  /** the account manager with the largest book, and its size */
  bigOwner: string;
  bigOwnerCustomers: number;
}

export function shapeOf(scale: number): {
  customers: number;
  owners: number;
  weeks: number;
  bigBook: number;
} {
  const customers = Math.round(FULL.customers * scale);
  return {
    customers,
    owners: Math.max(FULL.owners, Math.round(FULL.owners * scale)),
    weeks: scale >= 5 ? 2 : 14,
    bigBook: Math.round(customers * FULL.bigBookShare),
  };
}

function addDays(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
}

/** Every day from the first distinct night up to END that has no drop of its own: a link to the newest night before it. */
function fillDays(exportsDir: string): void {
  const nights = readdirSync(exportsDir).sort();
  const first = addDays(END, -91);
  for (let d = first; d <= END; d = addDays(d, 1)) {
    if (existsSync(path.join(exportsDir, d))) continue;
    const source = [...nights].reverse().find((n) => n <= d) ?? nights[0]!;
    symlinkSync(source, path.join(exportsDir, d));
  }
}

function sizeOfTree(dir: string): number {
  let n = 0;
  for (const e of readdirSync(dir, { withFileTypes: true }))
    n += e.isDirectory() ? sizeOfTree(path.join(dir, e.name)) : statSync(path.join(dir, e.name)).size;
  return n;
}

export function dataset(scale: number): Dataset {
  const dir = path.join(CACHE, `scale-${scale}`);
  const exportsDir = path.join(dir, 'exports');
  const shape = shapeOf(scale);
  if (!existsSync(path.join(dir, '.complete'))) {
    const started = Date.now();
    if (!existsSync(path.join(dir, '.generated'))) {
      // Its own process with room for the simulation's state: 5 million users do not fit Node's default heap.
      const r = spawnSync(
        process.execPath,
        [
          '--max-old-space-size=16384',
          '--import',
          'tsx',
          path.join(HERE, 'generate.ts'),
          String(scale),
          exportsDir,
        ],
        { stdio: ['ignore', 'inherit', 'inherit'] },
      );
      if (r.status !== 0) throw new Error(`generating scale ${scale} failed`);
      // Generating and linking are apart: linking the days again never costs a generation.
      writeFileSync(path.join(dir, '.generated'), '');
    }
    fillDays(exportsDir);
    writeFileSync(path.join(dir, '.complete'), `${((Date.now() - started) / 1000).toFixed(0)} s\n`);
  }
  const dates = readdirSync(exportsDir).sort();
  const last = path.join(exportsDir, dates.at(-1)!);
  let users = 0;
  let csvBytes = 0;
  for (const t of readdirSync(path.join(last, 'tenants'))) {
    const f = path.join(last, 'tenants', t, 'office365ActiveUserDetail.csv');
    if (!existsSync(f)) continue;
    csvBytes += statSync(f).size;
    users += readFileSync(f).reduce((lines, byte) => lines + (byte === 10 ? 1 : 0), 0) - 1;
  }
  const owners = readFileSync(path.join(last, 'customers.csv'), 'utf8')
    .trim()
    .split('\n')
    .slice(1)
    .map((l) => l.split(',')[2]!);
  const books = new Map<string, number>();
  for (const o of owners) books.set(o, (books.get(o) ?? 0) + 1);
  const [bigOwner, bigOwnerCustomers] = [...books].sort((a, b) => b[1] - a[1])[0]!;
  return {
    scale,
    exports: exportsDir,
    dates,
    customers: shape.customers,
    owners: books.size,
    users,
    csvBytes,
    nightBytes: sizeOfTree(last),
    bigOwner,
    bigOwnerCustomers,
  };
}
