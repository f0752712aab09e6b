import { createWriteStream } from 'node:fs';
import { resolve } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { parseArgs } from 'node:util';
import { EVENT_EXPORT_FORMATS, type EventExportFormat, exportEvents } from '../../report/export-events.js';
import { type CliIo, type CliOutput, ExitCode, type ExitCodeValue, UsageError } from '../cli-io.js';
import { openStore, STORE_HELP } from '../open-store.js';
import { printable } from '../printable.js';

/** Help of `wacloud export-events`. */
export const EXPORT_EVENTS_HELP = `Usage: wacloud export-events --store SPEC [options]

Streams the store's events, oldest first, as NDJSON or CSV lines for loading into a data warehouse
(BigQuery, Snowflake, ClickHouse, DuckDB, ...). Memory stays flat however many events there are.
A store that keeps pseudonyms (hashRecipients) exports pseudonyms.

  ${STORE_HELP}
  --from <iso>              only events at or after this instant (e.g. 2026-11-01 or 2026-11-01T00:00:00Z)
  --to <iso>                only events before this instant
  --format <f>              ndjson (default) | csv
  --out <file>              write to this file instead of stdout
  -h, --help                show this help

For one person's data (a data-subject request), use \`wacloud export\`.
`;

/** Lines gathered into one write: fewer, larger writes to the output. */
const WRITE_BYTES = 64 * 1024;

function parseInstant(flag: string, value: string | undefined): Date | undefined {
  if (value === undefined) return undefined;
  const date = new Date(value);
  if (value.trim() === '' || Number.isNaN(date.getTime())) {
    throw new UsageError(`--${flag} must be an ISO 8601 date or date-time, got "${printable(value)}"`);
  }
  return date;
}

/** Writes to a CLI output, waiting for `drain` when it is a stream that asks for it (bounded memory). */
async function writeTo(output: CliOutput, text: string): Promise<void> {
  const accepted = output.write(text);
  const stream = output as CliOutput & { once?: (event: string, listener: () => void) => unknown };
  if (accepted === false && typeof stream.once === 'function') {
    await new Promise<void>((done) => stream.once?.('drain', done));
  }
}

/** The lines joined into chunks of about {@link WRITE_BYTES}. */
async function* chunked(lines: AsyncIterable<string>): AsyncGenerator<string> {
  let chunk = '';
  for await (const line of lines) {
    chunk += line;
    if (chunk.length >= WRITE_BYTES) {
      yield chunk;
      chunk = '';
    }
  }
  if (chunk) yield chunk;
}

/** `wacloud export-events`: a store's events in a time range as NDJSON or CSV, streamed. */
export async function runExportEventsCommand(argv: string[], io: CliIo): Promise<ExitCodeValue> {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    allowPositionals: false,
    options: {
      store: { type: 'string' },
      from: { type: 'string' },
      to: { type: 'string' },
      format: { type: 'string', default: 'ndjson' },
      out: { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    io.stdout.write(EXPORT_EVENTS_HELP);
    return ExitCode.ok;
  }
  if (!values.store) throw new UsageError('--store is required (the store that holds the events)');
  const format = values.format as EventExportFormat;
  if (!EVENT_EXPORT_FORMATS.includes(format)) {
    throw new UsageError(`--format must be one of ${EVENT_EXPORT_FORMATS.join(', ')}`);
  }
  const from = parseInstant('from', values.from);
  const to = parseInstant('to', values.to);
  const cwd = io.cwd ?? process.cwd();
  const opened = await openStore(values.store, cwd);
  try {
    const lines = exportEvents(opened.store, {
      format,
      ...(from !== undefined ? { from } : {}),
      ...(to !== undefined ? { to } : {}),
    });
    if (values.out) {
      await pipeline(Readable.from(chunked(lines)), createWriteStream(resolve(cwd, values.out)));
      io.stderr.write(`Wrote ${printable(values.out)}\n`);
    } else {
      for await (const chunk of chunked(lines)) await writeTo(io.stdout, chunk);
    }
  } finally {
    await opened.close();
  }
  return ExitCode.ok;
}
