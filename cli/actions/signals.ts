/**
 * SIGTERM/SIGINT stop a long command at its next safe point (a digest between two messages) instead of killing it,
 * so that systemd's TimeoutStopSec never has to; a second signal exits at once.
 */
export function stopOnSignals(): { signal: AbortSignal; dispose(): void } {
  const controller = new AbortController();
  const onSignal = (sig: NodeJS.Signals) => {
    if (controller.signal.aborted) process.exit(130);
    process.stderr.write(`adoption: ${sig}: stopping after the message in progress\n`);
    controller.abort(sig);
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
  return {
    signal: controller.signal,
    dispose() {
      process.off('SIGTERM', onSignal);
      process.off('SIGINT', onSignal);
    },
  };
}
