import cliProgress from 'cli-progress';

/** A progress bar on a terminal; one plain line per step otherwise (cron, CI, log files). */
export function progressReporter(label: string): {
  update: (done: number, total: number, item: string) => void;
  stop: () => void;
} {
  if (process.stderr.isTTY) {
    const bar = new cliProgress.SingleBar(
      {
        stream: process.stderr,
        format: `${label} [{bar}] {value}/{total} {item} | {duration_formatted} elapsed, ETA {eta_formatted}`,
        hideCursor: true,
      },
      cliProgress.Presets.shades_classic,
    );
    let started = false;
    return {
      update: (done, total, item) => {
        if (!started) {
          bar.start(total, 0, { item });
          started = true;
        }
        bar.update(done, { item });
      },
      stop: () => {
        if (started) bar.stop();
        started = false;
      },
    };
  }
  return {
    update: (done, total, item) => process.stderr.write(`${label}: ${done}/${total} ${item}\n`),
    stop: () => undefined,
  };
}
