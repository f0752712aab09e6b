import { runSimulateCommand } from '../../simulator/cli.js';
import { type CliIo, ExitCode, type ExitCodeValue } from '../cli-io.js';

/**
 * `wacloud simulate`: starts the local Cloud API simulator (see docs/simulator.md) and leaves it
 * running until Ctrl-C. Argument errors surface as the simulator's `ConfigError` (exit code 2).
 */
export async function runSimulateCliCommand(argv: string[], io: CliIo): Promise<ExitCodeValue> {
  await runSimulateCommand(argv, { stdout: io.stdout, env: io.env });
  return ExitCode.ok;
}
