import { parseArgs } from 'node:util';
import { WhatsAppClient } from '../../client/index.js';
import { type CliIo, ExitCode, type ExitCodeValue, UsageError } from '../cli-io.js';
import { CREDENTIAL_HELP, CREDENTIAL_OPTIONS, clientOptionsFrom } from '../credentials.js';
import { printable, printableJson } from '../printable.js';

/** Help of `wacloud templates`. */
export const TEMPLATES_HELP = `Usage: wacloud templates list [options]

Lists the message templates of your WhatsApp Business Account, following every page.

  --status <s>     only this status, e.g. APPROVED
  --json           one JSON object per line instead of a table
  -h, --help       show this help

${CREDENTIAL_HELP}
`;

/** `wacloud templates list`: name, language, status and category of every template. */
export async function runTemplatesCommand(argv: string[], io: CliIo): Promise<ExitCodeValue> {
  const { values, positionals } = parseArgs({
    args: argv,
    strict: true,
    allowPositionals: true,
    options: {
      status: { type: 'string' },
      json: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
      ...CREDENTIAL_OPTIONS,
    },
  });
  if (values.help) {
    io.stdout.write(TEMPLATES_HELP);
    return ExitCode.ok;
  }
  if (positionals[0] !== 'list' || positionals.length > 1) {
    throw new UsageError(`Unknown templates command "${positionals.join(' ')}"; try: wacloud templates list`);
  }
  const client = new WhatsAppClient(clientOptionsFrom(values, io.env, { businessAccountId: true }));
  const rows: string[][] = [];
  for await (const t of client.templates.list(values.status ? { status: values.status } : {})) {
    if (values.json) io.stdout.write(`${printableJson(t)}\n`);
    else {
      const cells = [t.name, t.language ?? '', t.status ?? '', t.category ?? ''];
      rows.push(cells.map((c) => printable(String(c))));
    }
  }
  if (!values.json) {
    const header = ['name', 'language', 'status', 'category'];
    const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
    const line = (cells: string[]) =>
      cells
        .map((c, i) => c.padEnd(widths[i] ?? 0))
        .join('  ')
        .trimEnd();
    io.stdout.write(`${[line(header), ...rows.map(line)].join('\n')}\n`);
    io.stderr.write(`${rows.length} templates\n`);
  }
  return ExitCode.ok;
}
