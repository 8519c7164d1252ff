import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { PROJECT_ROOT } from '../../src/config/load.js';

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the real `adoption` command line in a child process. */
export function runCli(
  args: string[],
  options: { cwd?: string; env?: Record<string, string> } = {},
): CliResult {
  const r = spawnSync(
    process.execPath,
    ['--import', 'tsx', path.join(PROJECT_ROOT, 'src/cli/main.ts'), ...args],
    {
      cwd: options.cwd ?? PROJECT_ROOT,
      env: { ...process.env, LOG_LEVEL: 'warn', ...options.env },
      encoding: 'utf8',
      timeout: 120_000,
    },
  );
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}
