// schedule and run: the scheduler in the foreground, and one scheduled job run now.
import type { Command } from 'commander';
import { dateOption } from '../../src/cli/options.js';
import { SCHEDULED_JOBS } from '../../src/schedule/scheduledJobs.js';
import { common, lazy } from '../common.js';

const actions = () => import('../actions/schedule.js');

export function registerScheduleCommands(program: Command): void {
  common(
    program
      .command('schedule')
      .description(
        'Run in the foreground as the scheduler: the nightly ingest and the weekly digest on their cron schedules ' +
          '(schedule.* in the configuration), in schedule.timeZone. One per warehouse. The warehouse is open only ' +
          'while a job runs, so other commands work meanwhile. Stops cleanly on SIGINT/SIGTERM (a second one exits at once).',
      ),
    { exports: true },
  ).action(lazy(actions, 'scheduleCommand'));

  common(
    program
      .command('run')
      .description(
        'Run a scheduled job now, as the scheduler would (job lock, run log, failure alert): to make up a missed ' +
          'or failed run. ingest loads the drop of --date (default: as the schedule would, the day before today); ' +
          'digest sends the week holding --date.',
      )
      .argument('<job>', `the job: ${SCHEDULED_JOBS.join(' or ')}`)
      .option(
        '--date <YYYY-MM-DD>',
        'the as-of date (default: derived from now, as the schedule does)',
        dateOption,
      )
      .option(
        '--no-wait',
        'ingest: do not wait for the drop or its manifest; fail at once if it is not ready',
      ),
    { exports: true },
  ).action(lazy(actions, 'runCommand'));
}
