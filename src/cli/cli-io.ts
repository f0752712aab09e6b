/** A place the CLI writes text to (a process stream, or a test buffer). */
export interface CliOutput {
  /** Writes text as is. */
  write(text: string): unknown;
  /** True when attached to a terminal (progress bars are drawn only then). */
  isTTY?: boolean;
}

/** What a command reads and writes, injected so commands are testable as plain functions. */
export interface CliIo {
  /** Results (tables, JSON, CSV). */
  stdout: CliOutput;
  /** Progress, warnings and errors. */
  stderr: CliOutput;
  /** Environment for credentials (`WHATSAPP_*`). */
  env: Record<string, string | undefined>;
  /** Directory relative paths are resolved against (default `process.cwd()`). */
  cwd?: string;
  /** Aborted on Ctrl-C: long-running commands stop cleanly. */
  signal?: AbortSignal;
}

/** Exit codes of the `wacloud` command. */
export const ExitCode = {
  /** Everything worked. */
  ok: 0,
  /** The command ran but some sends failed (or some CSV rows were unusable). */
  partialFailure: 1,
  /** Bad arguments, missing credentials or configuration. */
  usage: 2,
} as const;

/** One of the {@link ExitCode} values. */
export type ExitCodeValue = (typeof ExitCode)[keyof typeof ExitCode];

/** A usage mistake: the CLI prints the message (and the command's help hint) and exits with code 2. */
export class UsageError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'UsageError';
  }
}
