// Covers jobs/collect.ts, src/collect/plan.ts, src/collect/workDir.ts. Issue #17: a collect killed (SIGKILL) at random
// points and run again fetches only what is missing and ends with a drop byte-identical to an uninterrupted run's. Ten
// seeded rounds, each killed twice before it may finish.
import { existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { importToken } from '../src/collect/auth.js';
import { rng } from '../src/demo/generate.js';
import type { FakeMicrosoft } from '../src/fake-microsoft/server.js';
import { cli, lastNight, startFake, writeCollectConfig } from './helpers/fakeMicrosoft.js';
import { tempDir } from './helpers/context.js';

const { date, spec } = lastNight({ seed: 31, customers: 16, owners: 3, usersPerCustomer: 8 });
let dir: string;
let cleanup: () => void;
let fake: FakeMicrosoft;

function mkd(d: string): string {
  mkdirSync(d, { recursive: true });
  return d;
}

function snapshot(drop: string): Map<string, Buffer> {
  const out = new Map<string, Buffer>();
  for (const e of readdirSync(drop, { recursive: true, withFileTypes: true }))
    if (e.isFile()) {
      const abs = path.join(e.parentPath, e.name);
      out.set(path.relative(drop, abs), readFileSync(abs));
    }
  return out;
}

beforeAll(async () => {
  ({ dir, cleanup } = tempDir('adoption-collect-kill-'));
  // Every answer a little late and in small pages, so that a kill lands in every phase of the run.
  fake = await startFake(spec, { graphPageSize: 1, pcMaxPageSize: 3, analyticsPageSize: 4 });
  fake.faults.latencyMs = 15;
}, 30_000);
afterAll(async () => {
  await fake.stop();
  cleanup();
});

it('ten seeded rounds of SIGKILL then re-run give the same drop as an uninterrupted run', async () => {
  const configFor = (name: string) => {
    const d = path.join(dir, name);
    const config = writeCollectConfig(mkd(d), fake, spec);
    return { config, drop: path.join(d, 'exports', date) };
  };
  const ref = configFor('reference');
  const imp = await cli(['auth', 'import', '--config', ref.config], { input: fake.issueRefreshToken() });
  expect(imp.code, imp.stderr).toBe(0);
  const started = Date.now();
  const first = await cli(['collect', '--date', date, '--config', ref.config]);
  // Kills land within the time an uninterrupted run takes here, whatever this machine's speed.
  const fullRunMs = Date.now() - started;
  expect(first.code, first.stderr).toBe(3); // the customer known only to Partner Center has no consent
  const want = snapshot(ref.drop);
  expect(want.size).toBeGreaterThan(40);

  const rand = rng(1717);
  let killedMidway = 0;
  for (let round = 0; round < 10; round++) {
    const r = configFor(`round-${round}`);
    importToken(path.join(dir, `round-${round}`, 'token.json'), fake.issueRefreshToken());
    const reportsBefore = fake.count('report');
    for (let k = 0; k < 2; k++) {
      const after = Math.floor((0.15 + rand() * 0.7) * fullRunMs);
      let timer: NodeJS.Timeout | undefined;
      const killed = await cli(['collect', '--date', date, '--config', r.config], {
        onSpawn: (kill) => (timer = setTimeout(kill, after)),
      });
      clearTimeout(timer);
      if (killed.signal === 'SIGKILL' && !existsSync(path.join(r.drop, 'manifest.json'))) killedMidway++;
    }
    const done = await cli(['collect', '--date', date, '--config', r.config]);
    expect([0, 3], done.stderr).toContain(done.code);
    // Only what was missing was fetched again: each consented tenant's report once, plus at most the ones in
    // flight (collect.concurrency, 8) when each of the two kills landed.
    const reports = fake.count('report') - reportsBefore;
    expect(reports, `round ${round}`).toBeGreaterThanOrEqual(15);
    expect(reports, `round ${round}`).toBeLessThanOrEqual(15 + 2 * 8);
    const got = snapshot(r.drop);
    expect([...got.keys()].sort(), `round ${round}`).toEqual([...want.keys()].sort());
    for (const [rel, bytes] of want) expect(got.get(rel)!.equals(bytes), `round ${round}: ${rel}`).toBe(true);
  }
  // The kills really landed before the end in most rounds.
  expect(killedMidway).toBeGreaterThanOrEqual(8);
}, 240_000);
