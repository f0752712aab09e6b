import { parseArgs } from 'node:util';
import { ERASURE_KEY_ENV } from '../../events/erasure.js';
import { type CliIo, ExitCode, type ExitCodeValue, UsageError } from '../cli-io.js';
import { openStore, STORE_HELP } from '../open-store.js';
import { printable } from '../printable.js';

/** Help of `wacloud erase`. */
export const ERASE_HELP = `Usage: wacloud erase --store SPEC <recipient>

Forgets one person (right to erasure, GDPR art. 17 / KVKK art. 7): every event of theirs, and every
event about their messages, is rewritten to an anonymous id (reply texts, consent wording, user ids,
message ids and links dropped or replaced), so past campaigns keep their counts; a keyed-hash
tombstone of each of their ids stays, so sends to them are skipped (reason erased).

The tombstone key comes from ${ERASURE_KEY_ENV} (at least 16 bytes). Keep it outside the database
and use the same key in your application's store.

  <recipient>               phone number (any format) or business-scoped user id
  ${STORE_HELP}
  -h, --help                show this help
`;

/** `wacloud erase`: forgets one person in a store. */
export async function runEraseCommand(argv: string[], io: CliIo): Promise<ExitCodeValue> {
  const { values, positionals } = parseArgs({
    args: argv,
    strict: true,
    allowPositionals: true,
    options: {
      store: { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    io.stdout.write(ERASE_HELP);
    return ExitCode.ok;
  }
  const recipient = positionals[0]?.trim();
  if (!recipient || positionals.length > 1) throw new UsageError('give exactly one recipient to erase');
  if (!values.store) throw new UsageError('--store is required (the store that holds the events)');
  const erasureKey = io.env[ERASURE_KEY_ENV];
  if (!erasureKey) throw new UsageError(`${ERASURE_KEY_ENV} must be set (the key of the tombstones)`);
  const opened = await openStore(values.store, io.cwd ?? process.cwd(), { erasureKey });
  try {
    if (!opened.store.eraseRecipient) throw new UsageError(`${printable(opened.label)} cannot erase`);
    const summary = await opened.store.eraseRecipient(recipient);
    io.stdout.write(
      `Erased ${summary.ids} id(s): ${summary.eventsRewritten} event(s) anonymised, ${summary.eventsDeleted} removed, ${summary.tombstones} new tombstone(s).\n`,
    );
  } finally {
    await opened.close();
  }
  return ExitCode.ok;
}
