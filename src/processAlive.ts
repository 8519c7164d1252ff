// Whether the process that wrote a lock or a temporary file is still running, so that its work is not taken
// from under it.

/** True when `pid` runs; a process of another user (EPERM) runs too, we just may not signal it. */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
