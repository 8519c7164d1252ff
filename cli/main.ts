#!/usr/bin/env node
// The `adoption` command line, and the composition root: the one place that knows both the jobs (jobs/) and the
// machinery that runs them (src/), and hands the first to the second. It lives outside src/ because nothing in src/
// may import jobs/. It reads the clock (for "today") so that jobs never have to.
//
// Start-up is kept short: this file and cli/commands/ load only commander and small modules; each command's code
// (cli/actions/, and with it DuckDB, exceljs, vega) is imported when that command runs, so `adoption --help` answers
// at once.
import { UserError, errorMessage } from '../src/errors.js';
import { redact, registerSecretsFromEnv } from '../src/secrets.js';
import { buildProgram } from './program.js';

export async function main(argv: string[]): Promise<void> {
  // Every secret in the environment is known before anything can print it (src/secrets.ts).
  registerSecretsFromEnv(process.env, ['ADOPTION_SMTP_PASSWORD']);
  try {
    await buildProgram().parseAsync(argv);
  } catch (err) {
    if (err instanceof UserError) {
      process.stderr.write(`adoption: ${redact(err.message)}\n`);
      process.exitCode = err.exitCode;
      return;
    }
    // A DuckDB failure of the machine (a full disk, a read-only file system) reached here without passing the
    // warehouse's own translation (an appender, a migration): still one plain line, never a stack trace.
    const { environmentProblem } = await import('../src/warehouse/warehouse.js');
    const machineProblem = environmentProblem(null, errorMessage(err));
    if (machineProblem) {
      process.stderr.write(`adoption: ${redact(machineProblem)}\n`);
      process.exitCode = 1;
      return;
    }
    process.stderr.write(
      redact(`adoption: internal error: ${errorMessage(err)}\n${(err as Error).stack ?? ''}\n`),
    );
    process.exitCode = 70;
  }
}

await main(process.argv);
