import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { afterAll, describe, expect, it } from 'vitest';
import { SqliteEventStore } from '../../src/events/stores/sqlite.js';
import { CliSandbox } from './cli-harness.js';

const sandbox = new CliSandbox();
afterAll(() => sandbox.cleanup());

const at = (minute: number) => new Date(Date.UTC(2026, 0, 1, 0, minute));

async function seed(): Promise<void> {
  const store = new SqliteEventStore({ filename: join(sandbox.dir, 'wa.db') });
  await store.append([
    { kind: 'outbound', messageId: 'wamid.A', recipientId: '905321234567', at: at(1), campaignId: 'c1' },
    { kind: 'status', messageId: 'wamid.A', status: 'read', at: at(3) },
    { kind: 'inbound', messageId: 'wamid.B', recipientId: '905321234567', text: 'a,"b"\nc', at: at(4) },
    { kind: 'outbound', messageId: 'wamid.C', recipientId: '4915112345678', at: at(9) },
  ]);
  await store.close();
}

describe('wacloud export-events', () => {
  it('streams the events of a time range as NDJSON to stdout', async () => {
    await seed();
    const run = await sandbox.run([
      'export-events',
      '--store',
      'sqlite:wa.db',
      '--from',
      '2026-01-01T00:02:00Z',
      '--to',
      '2026-01-01T00:09:00Z',
    ]);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const lines = run.stdout
      .trimEnd()
      .split('\n')
      .map((line) => JSON.parse(line));
    expect(lines.map((event) => [event.kind, event.at])).toEqual([
      ['status', '2026-01-01T00:03:00.000Z'],
      ['inbound', '2026-01-01T00:04:00.000Z'],
    ]);
    expect(lines[1].text).toBe('a,"b"\nc');
  });

  it('writes CSV to a file with --out', async () => {
    await seed();
    const run = await sandbox.run([
      'export-events',
      '--store',
      'sqlite:wa.db',
      '--format',
      'csv',
      '--out',
      'e.csv',
    ]);
    expect(run.code).toBe(0);
    expect(run.stdout).toBe('');
    const rows = parse(readFileSync(join(sandbox.dir, 'e.csv'), 'utf8'), { columns: true });
    expect(rows.map((row: { messageId: string }) => row.messageId)).toEqual([
      'wamid.A',
      'wamid.A',
      'wamid.B',
      'wamid.C',
    ]);
    expect(rows[2].text).toBe('a,"b"\nc');
  });

  it('refuses a missing store, an unknown format or a bad date with exit code 2', async () => {
    expect((await sandbox.run(['export-events'])).code).toBe(2);
    expect((await sandbox.run(['export-events', '--store', 'memory', '--format', 'xml'])).code).toBe(2);
    const bad = await sandbox.run(['export-events', '--store', 'memory', '--from', 'yesterday']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--from');
  });
});
