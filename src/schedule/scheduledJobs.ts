// The jobs the scheduler runs, and the table through which it is given them. src/ never imports jobs/: the
// composition root (cli/actions/schedule.ts) hands the runner a ScheduledJobTable built in jobs/scheduled.ts.
// Light on purpose (no cron library): the command line lists the job names in its help.
import type { Config } from '../config/schema.js';
import type { JobContext, JobRequest } from '../context.js';
import type { DiscoveredDrop } from '../ingest/drop.js';

// collect comes first: when both are due together, the drop is fetched before it is loaded.
export const SCHEDULED_JOBS = ['collect', 'ingest', 'digest'] as const;
export type ScheduledJob = (typeof SCHEDULED_JOBS)[number];

/** How a scheduled job went, in the words the run log and the alert use. */
export interface JobOutcome {
  state: 'succeeded' | 'failed';
  error?: string | undefined;
  counts: Record<string, unknown>;
}

/** A scheduled run's request: the job's own, with the worker's stop signal and the environment (secrets). */
export type ScheduledRequest = JobRequest & {
  trigger: 'schedule' | 'manual';
  signal?: AbortSignal | undefined;
  env: NodeJS.ProcessEnv;
};

/**
 * Job name → the function the runner calls for it. collect gets no warehouse: it runs for a long while and the
 * warehouse stays free for other commands meanwhile (the runner records its run around it). ingest gets the drop
 * the runner waited for, already discovered and hashed.
 */
export interface ScheduledJobTable {
  collect: (ctx: Omit<JobContext, 'wh'>, req: ScheduledRequest) => Promise<JobOutcome>;
  ingest: (ctx: JobContext, req: ScheduledRequest & { found: DiscoveredDrop }) => Promise<JobOutcome>;
  digest: (ctx: JobContext, req: ScheduledRequest) => Promise<JobOutcome>;
}

/** Whether and when a job runs: collect's keys live under collect.*, the others under schedule.*. */
export function jobTiming(config: Config, job: ScheduledJob): { enabled: boolean; cron: string } {
  return job === 'collect' ? config.collect : config.schedule[job];
}

export function scheduleTimeZone(config: Config): string {
  return config.schedule.timeZone ?? config.defaults.timeZone;
}

/** The command that makes up a missed or failed run: the one text the log, the alert and `adoption status` show. */
export function rerunCommand(job: string, asOf: string): string {
  return `adoption run ${job} --date ${asOf}`;
}

/** TIMESTAMP text in UTC, as the run log stores it. */
export function utcTimestamp(ms: number): string {
  return new Date(ms).toISOString().replace('T', ' ').replace('Z', '');
}

/** The run log's parameters of a scheduled run: a digest's as-of date is its week. */
export function runParams(job: ScheduledJob, asOf: string): Record<string, string> {
  return { [job === 'digest' ? 'week' : 'date']: asOf };
}
