// Covers test/. Every test file says in its first line which modules it covers, `// Covers <path>[, <path>…].`, each
// path (a file or a folder) one that exists in the repository, so a reader finds a module's tests, and a test's module,
// at first sight; a header left behind by a move or rename fails here.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const TEST_DIR = path.join(ROOT, 'test');
const PREFIX = '// Covers ';

/** The paths of a `// Covers a, b, c.` header, read from its comment block (the list may run onto the next line). */
function coveredPaths(source: string): string[] {
  const block: string[] = [];
  for (const line of source.split('\n')) {
    if (!line.startsWith('//')) break;
    block.push(line.replace(/^\/\/\s?/, ''));
  }
  const words = block
    .join(' ')
    .replace(/^Covers /, '')
    .split(/\s+/);
  const paths: string[] = [];
  for (const word of words) {
    if (word === '') continue;
    paths.push(word.replace(/[,.]$/, ''));
    if (!word.endsWith(',')) break;
  }
  return paths;
}

const testFiles = readdirSync(TEST_DIR)
  .filter((name) => name.endsWith('.test.ts'))
  .sort();

describe('test file headers', () => {
  it('finds the test files', () => expect(testFiles.length).toBeGreaterThan(1));

  it.each(testFiles)('%s starts with // Covers and paths that exist', (name) => {
    const source = readFileSync(path.join(TEST_DIR, name), 'utf8');
    expect(source.startsWith(PREFIX), `first line of test/${name} must start with "${PREFIX}"`).toBe(true);
    const paths = coveredPaths(source);
    expect(paths.length, `test/${name} names no path`).toBeGreaterThan(0);
    for (const covered of paths) {
      const inside = !path.isAbsolute(covered) && !covered.split('/').includes('..');
      expect(
        inside && existsSync(path.join(ROOT, covered)),
        `test/${name}: "${covered}" is not in the repository`,
      ).toBe(true);
    }
  });
});
