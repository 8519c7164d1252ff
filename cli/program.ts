// The command list: names, options and help texts. Each action is loaded when its command runs (cli/lazy.ts).
import { Command } from 'commander';
import { registerCollectCommands } from './commands/collect.js';
import { registerDataCommands } from './commands/data.js';
import { registerReportCommands } from './commands/report.js';
import { registerScheduleCommands } from './commands/schedule.js';
import { lazy, logLevelOption } from './common.js';

export function buildProgram(): Command {
  const program = new Command('adoption')
    .description(
      'Adoption insights for Microsoft cloud partners: loads nightly exports into DuckDB, computes Deployment % and Usage % per customer and product, and reports on them.',
    )
    .showHelpAfterError('(run with --help for usage)')
    .configureOutput({ outputError: (str, write) => write(str) });
  registerDataCommands(program);
  registerScheduleCommands(program);
  registerReportCommands(program);
  registerCollectCommands(program);
  program
    .command('demo')
    .description(
      "Generate demo drops in Microsoft's export formats, ingest them, and print a portfolio summary.",
    )
    .option('--out <dir>', 'folder for the demo exports, warehouse and reports', 'demo-output')
    .option('--seed <n>', 'random seed for the demo data', '7')
    .addOption(logLevelOption())
    .action(lazy(() => import('./actions/demo.js'), 'demo'));
  return program;
}
