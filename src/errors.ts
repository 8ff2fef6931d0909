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
