// The action of status (cli/commands/data.ts): apart from the loading commands, so that it loads only what it reads.
import { formatStatus, status } from '../../jobs/status.js';
import { today, withContext, type CommonOptions } from '../../src/cli/runtime.js';

export async function statusCommand(opts: CommonOptions): Promise<void> {
  const nowMs = Date.now();
  const s = await withContext(opts, (ctx) =>
    status(ctx, { asOf: today(ctx.config), trigger: 'manual', nowMs }),
  );
  console.log(formatStatus(s));
}
