import { writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { exportRecipientData } from '../../events/recipient-export.js';
import { recipientDataToCsv } from '../../report/recipient-data-csv.js';
import { type CliIo, ExitCode, type ExitCodeValue, UsageError } from '../cli-io.js';
import { openStore, STORE_HELP } from '../open-store.js';
import { printable, printableJson } from '../printable.js';

/** Help of `wacloud export`. */
export const EXPORT_HELP = `Usage: wacloud export --recipient ID --store SPEC [options]

Exports everything a store holds about one person (a data-subject access request): their consent
history (opt-ins with category, source and the text agreed to; opt-outs; blocks) and every event.

  --recipient <id>          phone number (any format) or business-scoped user id (required)
  ${STORE_HELP}
  --format <f>              json (default) | csv
  --out <file>              write to this file instead of stdout
  -h, --help                show this help
`;

const FORMATS = ['json', 'csv'] as const;

/** `wacloud export`: one person's consent history and events as JSON or CSV. */
export async function runExportCommand(argv: string[], io: CliIo): Promise<ExitCodeValue> {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    allowPositionals: false,
    options: {
      recipient: { type: 'string' },
      store: { type: 'string' },
      format: { type: 'string', default: 'json' },
      out: { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    io.stdout.write(EXPORT_HELP);
    return ExitCode.ok;
  }
  if (!values.recipient?.trim()) throw new UsageError('--recipient is required');
  if (!values.store) throw new UsageError('--store is required (the store that holds the events)');
  const format = values.format as (typeof FORMATS)[number];
  if (!FORMATS.includes(format)) throw new UsageError(`--format must be one of ${FORMATS.join(', ')}`);
  const cwd = io.cwd ?? process.cwd();
  const opened = await openStore(values.store, cwd);
  let output: string;
  try {
    const data = await exportRecipientData(opened.store, values.recipient.trim());
    if (data.events.length === 0) {
      io.stderr.write(
        `Nothing stored about "${printable(values.recipient)}" in ${printable(opened.label)}.\n`,
      );
    }
    output = format === 'csv' ? recipientDataToCsv(data) : `${printableJson(data, 2)}\n`;
  } finally {
    await opened.close();
  }
  if (values.out) {
    await writeFile(resolve(cwd, values.out), output);
    io.stderr.write(`Wrote ${printable(values.out)}\n`);
  } else {
    io.stdout.write(output);
  }
  return ExitCode.ok;
}
