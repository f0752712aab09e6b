import { parseArgs } from 'node:util';
import { acceleratedClock } from '../clock/index.js';
import { ConfigError } from '../errors/index.js';
import { type Simulator, startSimulator } from './start.js';

/** Where the command writes, and the environment it reads (injectable for tests). */
export interface SimulateCommandIo {
  /** Where the banner and help go (default `process.stdout`). */
  stdout?: { write(text: string): unknown };
  /** Environment for `WHATSAPP_APP_SECRET` / `WHATSAPP_ACCESS_TOKEN` (default `process.env`). */
  env?: Record<string, string | undefined>;
  /** Close the simulator on SIGINT/SIGTERM (default true). */
  handleSignals?: boolean;
}

const USAGE = `Usage: wacloud simulate [options]

  --port <n>          port on 127.0.0.1 (default 8787; 0 = any free port)
  --webhook <url>     where to POST signed webhooks
  --app-secret <s>    app secret that signs webhooks (default: $WHATSAPP_APP_SECRET)
  --token <t>         access token to accept (default: $WHATSAPP_ACCESS_TOKEN, else "test-token")
  --mps <n>           throughput limit per phone number (default 80)
  --seed <n>          random seed (default 42)
  --speed <n>         the simulated clock runs n times faster (default 1): a day passes in 86400/n s
  --marketing-limit-rate <r>
                      share of users refused with 131049 until a retry 24 h later (default 0)
  --messaging-limit <tier>
                      enforce the portfolio messaging limit (TIER_250, TIER_2K, TIER_10K...)
  -h, --help          show this help
`;

function number(value: string | undefined, name: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isFinite(n)) throw new ConfigError(`--${name} must be a number, got "${value}"`);
  return n;
}

/**
 * `wacloud simulate`: starts the simulator from command-line arguments and prints how to point a
 * client at it. Never prints the app secret or a token taken from the environment. Resolves with the
 * running simulator (undefined after `--help`); throws `ConfigError` for bad arguments.
 */
export async function runSimulateCommand(
  argv: string[],
  io: SimulateCommandIo = {},
): Promise<Simulator | undefined> {
  const out = io.stdout ?? process.stdout;
  const env = io.env ?? process.env;
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: {
        port: { type: 'string' },
        webhook: { type: 'string' },
        'app-secret': { type: 'string' },
        token: { type: 'string' },
        mps: { type: 'string' },
        seed: { type: 'string' },
        speed: { type: 'string' },
        'marketing-limit-rate': { type: 'string' },
        'messaging-limit': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (error) {
    throw new ConfigError(`${(error as Error).message}\n\n${USAGE}`, { cause: error });
  }
  if (values.help) {
    out.write(USAGE);
    return undefined;
  }
  const str = (key: string) => values[key] as string | undefined;
  const appSecret = str('app-secret') ?? env.WHATSAPP_APP_SECRET;
  const token = str('token') ?? env.WHATSAPP_ACCESS_TOKEN;
  const mps = number(str('mps'), 'mps');
  const speed = number(str('speed'), 'speed');
  const marketingLimitRate = number(str('marketing-limit-rate'), 'marketing-limit-rate');
  const messagingLimit = str('messaging-limit');
  const webhookUrl = str('webhook');
  if (webhookUrl && !appSecret) {
    throw new ConfigError('--webhook needs --app-secret (or WHATSAPP_APP_SECRET) to sign the webhooks');
  }
  const simulator = await startSimulator({
    port: number(str('port'), 'port') ?? 8787,
    ...(webhookUrl ? { webhookUrl } : {}),
    ...(appSecret ? { appSecret } : {}),
    ...(token ? { accessToken: token } : {}),
    seed: number(str('seed'), 'seed') ?? 42,
    ...(speed ? { clock: acceleratedClock({ speed }) } : {}),
    ...(messagingLimit ? { phoneNumbers: [{ id: '106540352242922', messagingLimit }] } : {}),
    behaviour: {
      ...(mps ? { messagesPerSecond: mps } : {}),
      ...(marketingLimitRate === undefined ? {} : { marketingLimitRate }),
      ...(messagingLimit ? { enforceMessagingLimit: true } : {}),
    },
  });
  out.write(
    [
      `wacloud simulator listening on ${simulator.url}`,
      `  baseUrl:           ${simulator.url}`,
      `  accessToken:       ${token ? '(the token you passed)' : 'test-token'}`,
      `  phoneNumberId:     ${simulator.phoneNumberId}`,
      `  businessAccountId: ${simulator.businessAccountId}`,
      `  webhooks:          ${webhookUrl ? `${webhookUrl} (signed with your app secret)` : 'off (pass --webhook)'}`,
      '',
    ].join('\n'),
  );
  if (io.handleSignals ?? true) {
    const stop = () => {
      void simulator.close().then(() => {
        const s = simulator.stats();
        out.write(`simulator stopped: ${s.accepted} accepted, ${s.webhooksPosted} webhooks posted\n`);
      });
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  }
  return simulator;
}
