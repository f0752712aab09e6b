import { type ChildProcess, spawn } from 'node:child_process';
import { DIST_CLI } from './built-package.js';

/** What a finished `wacloud` process left behind. */
export interface CliProcessResult {
  /** Exit code (null when killed by a signal). */
  code: number | null;
  /** The signal that killed it, if any. */
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** A running `node dist/cli.js …` with its output so far. */
export interface CliProcess {
  child: ChildProcess;
  /** Output so far. */
  readonly stdout: string;
  readonly stderr: string;
  /** Resolves when stdout or stderr (as chosen) matches. */
  waitFor(stream: 'stdout' | 'stderr', pattern: RegExp): Promise<RegExpMatchArray>;
  /** Resolves when the process exits. */
  done: Promise<CliProcessResult>;
}

/**
 * Spawns the built `wacloud` (dist/cli.js) as a user would: a real process with a real environment
 * (`process.env` plus `env`), real exit codes and signals.
 */
export function spawnCli(
  args: string[],
  options: { env?: Record<string, string>; cwd?: string } = {},
): CliProcess {
  const child = spawn(process.execPath, [DIST_CLI, ...args], {
    cwd: options.cwd,
    env: { ...process.env, ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  let closed = false;
  const waiters: Array<() => void> = [];
  const notify = () => {
    for (const waiter of [...waiters]) waiter();
  };
  child.stdout?.on('data', (d: Buffer) => {
    stdout += d.toString();
    notify();
  });
  child.stderr?.on('data', (d: Buffer) => {
    stderr += d.toString();
    notify();
  });
  const done = new Promise<CliProcessResult>((resolve) => {
    child.on('close', (code, signal) => {
      closed = true;
      notify();
      resolve({ code, signal, stdout, stderr });
    });
  });
  return {
    child,
    get stdout() {
      return stdout;
    },
    get stderr() {
      return stderr;
    },
    waitFor(stream, pattern) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const match = (stream === 'stdout' ? stdout : stderr).match(pattern);
          if (match) {
            waiters.splice(waiters.indexOf(check), 1);
            resolve(match);
          } else if (closed) {
            waiters.splice(waiters.indexOf(check), 1);
            reject(new Error(`wacloud exited before printing ${pattern}:\n${stdout}\n${stderr}`));
          }
        };
        waiters.push(check);
        check();
      });
    },
    done,
  };
}

/** Runs `wacloud` to completion. */
export function runCliProcess(
  args: string[],
  options: { env?: Record<string, string>; cwd?: string } = {},
): Promise<CliProcessResult> {
  return spawnCli(args, options).done;
}
