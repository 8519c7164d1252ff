#!/usr/bin/env node
// The `adoption` command. Runs the compiled JavaScript in dist/ (built by `npm ci` through the prepare script) when
// no TypeScript source is newer than that build; otherwise the sources through tsx, so that an edited or pulled
// checkout (and the tests) never run old code. Either way the same cli/main.ts, and `npm run adoption` is this file.
import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

function builtAt() {
  try {
    return statSync(path.join(root, 'dist', '.built')).mtimeMs;
  } catch {
    return null;
  }
}

function sourceNewerThan(ms) {
  for (const dir of ['cli', 'src', 'jobs']) {
    for (const entry of readdirSync(path.join(root, dir), { recursive: true, withFileTypes: true })) {
      if (!entry.isFile() || !entry.name.endsWith('.ts')) continue;
      if (statSync(path.join(entry.parentPath ?? entry.path, entry.name)).mtimeMs > ms) return true;
    }
  }
  return false;
}

const built = builtAt();
if (built !== null && !sourceNewerThan(built)) {
  await import(pathToFileURL(path.join(root, 'dist', 'cli', 'main.js')).href);
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import(pathToFileURL(path.join(root, 'cli', 'main.ts')).href);
}
