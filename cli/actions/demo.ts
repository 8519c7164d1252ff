// The action of demo (cli/program.ts).
import { runDemo } from '../../jobs/demo.js';

export async function demo(opts: { out: string; seed: string; logLevel: string }): Promise<void> {
  await runDemo({
    outDir: opts.out,
    seed: Number(opts.seed),
    logLevel: opts.logLevel,
    print: (s) => console.log(s),
  });
}
