// Errors a user can cause are values with an exit code and a one- or two-line message; bugs may throw.

/** The documented exit codes (README, `--help`). */
export const ExitCode = {
  Passed: 0,
  Failed: 1,
  Usage: 2,
  Connect: 3,
  Interrupted: 130,
  Terminated: 143,
} as const;
export type ExitCodeValue = (typeof ExitCode)[keyof typeof ExitCode];

export class UserError extends Error {
  constructor(
    message: string,
    readonly exitCode: ExitCodeValue = ExitCode.Usage,
  ) {
    super(message);
    this.name = 'UserError';
  }
}

/** A usage or scenario-file error: nothing ran (exit 2). */
export class UsageError extends UserError {
  constructor(message: string) {
    super(message, ExitCode.Usage);
  }
}

/** Could not connect or authenticate (exit 3). */
export class ConnectError extends UserError {
  constructor(message: string) {
    super(message, ExitCode.Connect);
  }
}

/** The root cause of a fetch failure in words ("connection refused"), not "fetch failed": by the error codes Node and undici set. */
export function networkErrorText(e: unknown): string {
  let err = e as { message?: string; code?: string; cause?: unknown } | undefined;
  for (let i = 0; i < 5 && err; i++) {
    const code = err.code;
    if (code === 'ECONNREFUSED') return 'connection refused';
    if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return 'host not found';
    if (code === 'ECONNRESET' || code === 'UND_ERR_SOCKET') return 'connection reset';
    if (code === 'ETIMEDOUT' || code === 'UND_ERR_CONNECT_TIMEOUT') return 'connection timed out';
    if (!err.cause) break;
    err = err.cause as typeof err;
  }
  return (e as Error)?.message ?? String(e);
}
