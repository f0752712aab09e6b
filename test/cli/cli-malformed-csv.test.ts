import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CsvRecord, readCsvRecords } from '../../src/cli/csv-records.js';
import { type Simulator, startSimulator } from '../../src/simulator/index.js';
import { CliSandbox } from './cli-harness.js';

/** Three kinds of broken quoting among good rows; line numbers are the file's. */
const CSV = [
  'phone,name',
  '+905325550101,Ann',
  '+905325550102,"Bo"b', // text after a closing quote
  '+905325550103,Ca"rl', // a quote inside an unquoted field
  '+905325550104,"Dee\nwith a line break"', // legal: a quoted field spanning two lines
  '+905325550106,Eve',
  '+905325550107,"Fay', // a quote never closed
  '+905325550108,Gus',
  '',
].join('\n');

async function records(box: CliSandbox, content: string): Promise<CsvRecord[]> {
  const out: CsvRecord[] = [];
  for await (const record of readCsvRecords(box.write('x.csv', content))) out.push(record);
  return out;
}

describe('readCsvRecords', () => {
  const box = new CliSandbox();
  afterAll(() => box.cleanup());

  it('reports each malformed record by its line and keeps every other line', async () => {
    const got = await records(box, CSV);
    expect(got.filter((r) => 'error' in r).map((r) => r.line)).toEqual([3, 4, 8]);
    expect(got.filter((r) => 'fields' in r)).toEqual([
      { line: 1, fields: ['phone', 'name'] },
      { line: 2, fields: ['+905325550101', 'Ann'] },
      { line: 5, fields: ['+905325550104', 'Dee\nwith a line break'] },
      { line: 7, fields: ['+905325550106', 'Eve'] },
      { line: 9, fields: ['+905325550108', 'Gus'] },
    ]);
  });

  it('reads quoted and unquoted records alike, trimming spaces around fields as csv-parse does', async () => {
    const got = await records(box, 'phone,name\n +1555 , Ann\t\n"+1556" , "Bob"\n,\n');
    expect(got.map((r) => ('fields' in r ? r.fields : r.error))).toEqual([
      ['phone', 'name'],
      ['+1555', 'Ann'],
      ['+1556', 'Bob'],
      ['', ''],
    ]);
  });

  it('handles a BOM, CRLF line ends, escaped quotes and blank lines', async () => {
    const got = await records(box, '\uFEFFphone,name\r\n\r\n+1555,"say ""hi"""\r\n');
    expect(got).toEqual([
      { line: 1, fields: ['phone', 'name'] },
      { line: 3, fields: ['+1555', 'say "hi"'] },
    ]);
  });
});

describe('wacloud send with malformed CSV lines', () => {
  let sim: Simulator;
  const box = new CliSandbox();

  beforeAll(async () => {
    sim = await startSimulator({ port: 0, behaviour: { messagesPerSecond: 1000, pairLimit: false } });
    box.env = {
      WHATSAPP_ACCESS_TOKEN: 'test-token',
      WHATSAPP_PHONE_NUMBER_ID: sim.phoneNumberId,
      WHATSAPP_BASE_URL: sim.url,
    };
  });

  afterAll(async () => {
    await sim.close();
    box.cleanup();
  });

  it('reports each bad line, sends the rest, and counts the bad lines in the summary', async () => {
    box.write('r.csv', CSV);
    const run = await box.run(['send', '--template', 'hello_world', '--to', 'r.csv', '--mps', '500']);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/^line 3: skipped: malformed CSV/m);
    expect(run.stderr).toMatch(/^line 4: skipped: malformed CSV/m);
    expect(run.stderr).toMatch(/^line 8: skipped: malformed CSV: a quoted field is never closed/m);
    expect(run.stdout).toMatch(/sent 4, failed 0, unknown 0, skipped 0, already sent 0, bad rows 3/);
    expect(sim.messages.map((m) => m.to).sort()).toEqual([
      '+905325550101',
      '+905325550104',
      '+905325550106',
      '+905325550108',
    ]);
  });

  it('--dry-run counts them too', async () => {
    box.write('r.csv', CSV);
    const run = await box.run(['send', '--template', 'hello_world', '--to', 'r.csv', '--dry-run']);
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('4 messages would be sent, 3 bad rows');
  });
});
