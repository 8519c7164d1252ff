// What the command modules share: the options most commands take, and the lazy loading of each command's action.
import { Option, type Command } from 'commander';

export function logLevelOption(): Option {
  return new Option('--log-level <level>', 'log level')
    .choices(['debug', 'info', 'warn', 'error', 'silent'])
    .default('warn');
}

/** --config, --db and --log-level (and --exports for the commands that read drops). */
export function common(cmd: Command, { exports = false } = {}): Command {
  cmd
    .option('--config <file>', 'configuration file, merged over the built-in defaults (config/default.json)')
    .option('--db <file>', 'the DuckDB warehouse file (default: warehouse.path in the configuration)');
  if (exports)
    cmd.option(
      '--exports <dir>',
      'folder holding one drop folder per date (default: exportsRoot in the configuration)',
    );
  return cmd.addOption(logLevelOption());
}

type Action = (...args: never[]) => unknown;

/**
 * A command's action, loaded (with the libraries it needs) only when the command runs: `adoption --help` and
 * `adoption status` then load neither exceljs nor vega.
 */
export function lazy<M extends Record<K, Action>, K extends keyof M & string>(
  load: () => Promise<M>,
  name: K,
): (...args: Parameters<M[K]>) => Promise<void> {
  return async (...args) => {
    const action = (await load())[name];
    await action(...args);
  };
}
