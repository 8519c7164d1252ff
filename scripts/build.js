// `npm run build`, and npm's prepare script (which `npm ci` runs): compiles cli/, src/ and jobs/ to dist/, so that
// `adoption` starts without compiling TypeScript on every run. bin/adoption.js runs dist/ only while no source is
// newer than dist/.built (written here with the time the build started); otherwise it runs the sources through tsx.
// A build that cannot run (no TypeScript: `npm ci --omit=dev`) or fails leaves no dist/: the sources run, as
// before, and the installation goes on.
import { spawnSync } from 'node:child_process';
import { existsSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const dist = path.join(root, 'dist');
const tsc = path.join(root, 'node_modules', 'typescript', 'bin', 'tsc');
const started = new Date();

rmSync(dist, { recursive: true, force: true });
if (!existsSync(tsc)) {
  console.warn('build: TypeScript is not installed; `adoption` will run the sources through tsx');
  process.exit(0);
}
const result = spawnSync(process.execPath, [tsc, '-p', path.join(root, 'tsconfig.build.json')], {
  cwd: root,
  stdio: 'inherit',
});
if (result.status !== 0) {
  rmSync(dist, { recursive: true, force: true });
  console.warn('build: tsc failed (above); no dist/, so `adoption` runs the sources through tsx');
  process.exit(0);
}
const stamp = path.join(dist, '.built');
writeFileSync(stamp, `${started.toISOString()}\n`);
utimesSync(stamp, started, started);
