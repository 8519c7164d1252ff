/**
 * A mistake the user can fix (bad flag, missing file, invalid config). The CLI prints its message on one
 * line and exits non-zero, with no stack trace; anything else is a bug and is logged with its stack.
 */
export class UserError extends Error {
  constructor(
    message: string,
    readonly exitCode = 1,
  ) {
    super(message);
    this.name = 'UserError';
  }
}

export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
