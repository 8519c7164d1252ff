// Covers bin/adoption.js, scripts/build.js. bin/adoption.js: runs the compiled dist/ only while no TypeScript source is
// newer than its build stamp, so that an edited checkout (and every test that spawns the bin) never runs old code; the
// sources through tsx otherwise.
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../src/config/load.js';
import { tempDir } from './helpers/context.js';

let root: string;
let cleanup: () => void;

/** A project tree holding the real bin, with a dist/ and sources that only say which of them ran. */
beforeAll(() => {
  ({ dir: root, cleanup } = tempDir());
  mkdirSync(path.join(root, 'bin'));
  copyFileSync(path.join(PROJECT_ROOT, 'bin', 'adoption.js'), path.join(root, 'bin', 'adoption.js'));
  symlinkSync(path.join(PROJECT_ROOT, 'node_modules'), path.join(root, 'node_modules'));
  writeFileSync(path.join(root, 'package.json'), JSON.stringify({ type: 'module' }));
  for (const dir of ['cli', 'src/config', 'jobs', 'dist/cli'])
    mkdirSync(path.join(root, dir), { recursive: true });
  writeFileSync(path.join(root, 'cli', 'main.ts'), "const ran: string = 'sources';\nconsole.log(ran);\n");
  writeFileSync(path.join(root, 'src', 'config', 'load.ts'), 'export {};\n');
  writeFileSync(path.join(root, 'jobs', 'ingest.ts'), 'export {};\n');
  writeFileSync(path.join(root, 'dist', 'cli', 'main.js'), "console.log('dist');\n");
});
afterAll(() => cleanup());

function ran(): string {
  const r = spawnSync(process.execPath, [path.join(root, 'bin', 'adoption.js')], { encoding: 'utf8' });
  expect(r.stderr).toBe('');
  return r.stdout.trim();
}

function setTime(file: string, seconds: number): void {
  utimesSync(file, seconds, seconds);
}

describe('bin/adoption.js', () => {
  it('runs the sources when there is no build stamp (no npm ci, or a failed build)', () => {
    expect(ran()).toBe('sources');
  });

  it('runs dist/ when no source is newer than the build, the sources as soon as one is', () => {
    const stamp = path.join(root, 'dist', '.built');
    writeFileSync(stamp, '');
    const now = Math.floor(Date.now() / 1000);
    for (const file of ['cli/main.ts', 'src/config/load.ts', 'jobs/ingest.ts'])
      setTime(path.join(root, file), now - 60);
    setTime(stamp, now - 30);
    expect(ran()).toBe('dist');
    setTime(path.join(root, 'src', 'config', 'load.ts'), now);
    expect(ran()).toBe('sources');
  });
});
