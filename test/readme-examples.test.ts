// Covers README.md, cli/, jobs/demo.ts. A newcomer's first hour (issue #20): after the demo, every command of the
// README's "Using it" block runs as written with the one flag the README says to add (--config <the demo's
// config.json>).
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runDemo } from '../jobs/demo.js';
import { PROJECT_ROOT } from '../src/config/load.js';
import { runCliAsync } from './helpers/cli.js';
import { tempDir } from './helpers/context.js';

let dir: string;
let cleanup: () => void;
const printed: string[] = [];

/** The README's example commands: `npm run adoption -- …` lines of its first shell block after "Using it". */
function readmeCommands(): string[] {
  const readme = readFileSync(path.join(PROJECT_ROOT, 'README.md'), 'utf8');
  const block = /## Using it[\s\S]*?```sh\n([\s\S]*?)```/.exec(readme)![1]!;
  return block
    .split('\n')
    .filter((l) => l.startsWith('npm run adoption -- '))
    .map((l) => l.slice('npm run adoption -- '.length));
}

/** Optional parts: kept when they are plain flags or carry a real value, dropped when they hold a placeholder. */
function asWritten(command: string): string[] {
  const kept = command.replace(/\[([^\]]*)\]/g, (_m, inner: string) =>
    /\b[A-Z]{2,}\b/.test(inner) ? '' : inner,
  );
  return kept.split(/\s+/).filter(Boolean);
}

beforeAll(async () => {
  ({ dir, cleanup } = tempDir());
  await runDemo({
    outDir: path.join(dir, 'demo-output'),
    // the demo exactly as `npm run demo` makes it: the README names its customers and account managers
    print: (l) => printed.push(l),
  });
}, 240_000);
afterAll(() => cleanup?.());

describe('the README after the demo', () => {
  it('tells the one flag to add, and the demo prints it', () => {
    expect(readFileSync(path.join(PROJECT_ROOT, 'README.md'), 'utf8')).toContain(
      'add **`--config demo-output/config.json`** to any command below',
    );
    expect(printed.at(-1)).toMatch(
      /^to try the README's commands on the demo's data, add: --config .*config\.json$/,
    );
  });

  it('runs every example command as written', async () => {
    const commands = readmeCommands();
    expect(commands.length).toBeGreaterThanOrEqual(7);
    const config = path.join(dir, 'demo-output', 'config.json');
    for (const command of commands) {
      const args = asWritten(command);
      if (args[0] === 'schedule') continue; // runs until stopped; its config path is the server's
      const r = await runCliAsync(
        [...args.filter((a, i) => !(args[i - 1] === '--config')), '--config', config],
        {
          cwd: dir,
        },
      );
      const said = `${command}\n${r.stdout}\n${r.stderr}`;
      if (args[0] === 'mail-test') {
        // the demo configures no SMTP server: said in words, not a stack trace
        expect(r.stderr, said).toMatch(/no SMTP server is configured \(smtp\.host is null\)/);
        expect(r.code, said).toBe(1);
        continue;
      }
      expect(r.stderr, said).not.toMatch(/\n\s+at /);
      expect(r.code, said).toBe(0);
    }
  }, 300_000);
});
