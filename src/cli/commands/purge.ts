import { parseArgs } from 'node:util';
import { type CliIo, ExitCode, type ExitCodeValue, UsageError } from '../cli-io.js';
import { openStore, STORE_HELP } from '../open-store.js';
import { printable } from '../printable.js';

/** Help of `wacloud purge`. */
export const PURGE_HELP = `Usage: wacloud purge --store SPEC (--before DATE | --older-than-days N)

Applies a retention period: removes every event that happened before the limit, except the consent
record (opt-ins, opt-outs, blocks), which is the proof of consent and what keeps opted-out people
suppressed. Tombstones of erased people stay. Prints the number of events removed, by kind.

  ${STORE_HELP}
  --before <date>           an ISO date or instant, e.g. 2026-01-01
  --older-than-days <n>     the limit as days before now
  -h, --help                show this help
`;

const DAY_MS = 86_400_000;

/** `wacloud purge`: removes events older than a retention limit. */
export async function runPurgeCommand(argv: string[], io: CliIo): Promise<ExitCodeValue> {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    allowPositionals: false,
    options: {
      store: { type: 'string' },
      before: { type: 'string' },
      'older-than-days': { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    io.stdout.write(PURGE_HELP);
    return ExitCode.ok;
  }
  if (!values.store) throw new UsageError('--store is required (the store that holds the events)');
  if ((values.before === undefined) === (values['older-than-days'] === undefined))
    throw new UsageError('give exactly one of --before or --older-than-days');
  let before: Date;
  if (values.before !== undefined) {
    before = new Date(values.before);
    if (Number.isNaN(before.getTime())) throw new UsageError('--before must be an ISO date, e.g. 2026-01-01');
  } else {
    const days = Number(values['older-than-days']);
    if (!Number.isInteger(days) || days < 0)
      throw new UsageError('--older-than-days must be a whole number of days');
    before = new Date(Date.now() - days * DAY_MS);
  }
  const opened = await openStore(values.store, io.cwd ?? process.cwd());
  try {
    if (!opened.store.purge) throw new UsageError(`${printable(opened.label)} cannot purge`);
    const summary = await opened.store.purge({ before });
    const kinds = Object.entries(summary.byKind)
      .map(([kind, count]) => `${kind} ${count}`)
      .join(', ');
    io.stdout.write(
      `Removed ${summary.deleted} event(s) before ${before.toISOString()}${kinds ? ` (${kinds})` : ''}.\n`,
    );
  } finally {
    await opened.close();
  }
  return ExitCode.ok;
}
