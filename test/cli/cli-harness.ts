import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CliIo } from '../../src/cli/cli-io.js';
import { runCli } from '../../src/cli/run-cli.js';

/** Output captured from one CLI run. */
export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** A temp working directory with helpers to write files and run the CLI in it. */
export class CliSandbox {
  readonly dir = mkdtempSync(join(tmpdir(), 'wacloud-cli-'));
  readonly outputs: string[] = [];

  constructor(public env: Record<string, string | undefined> = {}) {}

  write(name: string, content: string): string {
    const path = join(this.dir, name);
    writeFileSync(path, content);
    return path;
  }

  async run(argv: string[], options: { isTTY?: boolean } = {}): Promise<CliRun> {
    let stdout = '';
    let stderr = '';
    const io: CliIo = {
      stdout: { write: (t: string) => (stdout += t), isTTY: false },
      stderr: { write: (t: string) => (stderr += t), isTTY: options.isTTY ?? false },
      env: this.env,
      cwd: this.dir,
    };
    const code = await runCli(argv, io);
    this.outputs.push(stdout, stderr);
    return { code, stdout, stderr };
  }

  cleanup(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}
