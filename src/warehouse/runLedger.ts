import { randomUUID } from 'node:crypto';
import type { Trigger } from '../context.js';
import { redact } from '../secrets.js';
import type { Warehouse } from './warehouse.js';

export type RunState = 'running' | 'succeeded' | 'failed' | 'skipped';

export interface RunStart {
  job: string;
  trigger: Trigger;
  dueAt?: string;
  params?: Record<string, unknown>;
}

/** Records a run as 'running' (outside any data transaction, so a crash leaves a trace) and returns its id. */
export async function startRun(wh: Warehouse, run: RunStart): Promise<string> {
  const id = randomUUID();
  await wh.run(
    `INSERT INTO runs (run_id, job, trigger, due_at, started_at, state, params)
     VALUES ($id, $job, $trigger, $due::TIMESTAMP, now()::TIMESTAMP, 'running', $params)`,
    {
      id,
      job: run.job,
      trigger: run.trigger,
      due: run.dueAt ?? null,
      params: JSON.stringify(run.params ?? {}),
    },
  );
  return id;
}

export async function finishRun(
  wh: Warehouse,
  id: string,
  outcome: { state: Exclude<RunState, 'running'>; counts?: Record<string, unknown>; error?: string },
): Promise<void> {
  await wh.run(
    `UPDATE runs SET finished_at = now()::TIMESTAMP, state = $state, counts = $counts, error = $error WHERE run_id = $id`,
    {
      id,
      state: outcome.state,
      counts: JSON.stringify(outcome.counts ?? {}),
      error: outcome.error === undefined ? null : redact(outcome.error),
    },
  );
}

/** A run's parameters once they are known for sure (a week-ending date the job resolved from the one it was given). */
export async function updateRunParams(
  wh: Warehouse,
  id: string,
  params: Record<string, unknown>,
): Promise<void> {
  await wh.run('UPDATE runs SET params = $params WHERE run_id = $id', { id, params: JSON.stringify(params) });
}
