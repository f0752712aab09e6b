import { SDK_VERSION } from '../client/version.js';
import { ConfigError, WhatsAppError } from '../errors/index.js';
import { redact } from '../errors/redact.js';
import { type CliIo, ExitCode, type ExitCodeValue, UsageError } from './cli-io.js';
import { runDashboardCommand } from './commands/dashboard.js';
import { runEraseCommand } from './commands/erase.js';
import { runExportCommand } from './commands/export.js';
import { runExportEventsCommand } from './commands/export-events-command.js';
import { runListenCommand } from './commands/listen.js';
import { runPurgeCommand } from './commands/purge.js';
import { runReportCommand } from './commands/report.js';
import { runSendCommand } from './commands/send.js';
import { runSimulateCliCommand } from './commands/simulate.js';
import { runTemplatesCommand } from './commands/templates-command.js';
import { printable } from './printable.js';
import { MAIN_HELP } from './usage.js';

type Command = (argv: string[], io: CliIo) => Promise<ExitCodeValue>;

const COMMANDS: Readonly<Record<string, Command>> = {
  send: runSendCommand,
  report: (argv, io) => runReportCommand(argv, io),
  templates: runTemplatesCommand,
  simulate: runSimulateCliCommand,
  listen: runListenCommand,
  export: runExportCommand,
  erase: runEraseCommand,
  purge: runPurgeCommand,
  'export-events': runExportEventsCommand,
  dashboard: runDashboardCommand,
};

/** Secrets that must never be echoed, whatever went wrong. */
function secretsOf(env: CliIo['env'], argv: readonly string[]): string[] {
  const secrets = [
    env.WHATSAPP_ACCESS_TOKEN,
    env.WHATSAPP_APP_SECRET,
    env.WHATSAPP_VERIFY_TOKEN,
    env.WACLOUD_DASHBOARD_TOKEN,
    env.WACLOUD_ERASURE_KEY,
  ];
  argv.forEach((arg, i) => {
    if (arg === '--token' || arg === '--app-secret' || arg === '--verify-token' || arg === '--auth-token')
      secrets.push(argv[i + 1]);
    const inline = /^--(token|app-secret|verify-token|auth-token)=(.+)$/.exec(arg);
    if (inline) secrets.push(inline[2]);
  });
  return secrets.filter((s): s is string => typeof s === 'string' && s.length > 0);
}

function isArgError(error: unknown): boolean {
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS');
}

/**
 * Runs the `wacloud` command with `argv` (without `node` and the script) and resolves with the exit
 * code: 0 ok, 1 some sends failed, 2 usage or configuration error. Everything goes through `io`, so
 * it runs the same in a terminal and in tests; tokens are redacted from every message.
 */
export async function runCli(argv: string[], io: CliIo): Promise<ExitCodeValue> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '-h' || name === '--help' || name === 'help') {
    io.stdout.write(MAIN_HELP);
    return name === undefined ? ExitCode.usage : ExitCode.ok;
  }
  if (name === '-v' || name === '--version') {
    io.stdout.write(`${SDK_VERSION}\n`);
    return ExitCode.ok;
  }
  const command = COMMANDS[name];
  if (!command) {
    io.stderr.write(`wacloud: unknown command "${printable(name)}"\n\n${MAIN_HELP}`);
    return ExitCode.usage;
  }
  const secrets = secretsOf(io.env, argv);
  try {
    return await command(rest, io);
  } catch (error) {
    const message = printable(redact(error instanceof Error ? error.message : String(error), secrets), {
      multiline: true,
    });
    if (error instanceof UsageError || isArgError(error) || error instanceof ConfigError) {
      io.stderr.write(`wacloud ${name}: ${message}\nRun "wacloud ${name} --help" for usage.\n`);
      return ExitCode.usage;
    }
    if (error instanceof WhatsAppError) {
      io.stderr.write(`wacloud ${name}: ${error.name}: ${message}\n`);
      return ExitCode.partialFailure;
    }
    io.stderr.write(`wacloud ${name}: ${message}\n`);
    return ExitCode.partialFailure;
  }
}
