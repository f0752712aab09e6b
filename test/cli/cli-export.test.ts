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
    {
      kind: 'opt_in',
      recipientId: '905321234567',
      at: at(1),
      category: 'marketing',
      source: 'keyword',
      text: 'Reply YES for offers',
    },
    { kind: 'outbound', messageId: 'wamid.A', recipientId: '905321234567', at: at(2), campaignId: 'c1' },
    { kind: 'status', messageId: 'wamid.A', status: 'read', at: at(3) },
    { kind: 'outbound', messageId: 'wamid.B', recipientId: '4915112345678', at: at(2) },
  ]);
  await store.close();
}

describe('wacloud export', () => {
  it('prints one person’s consent history and events as JSON', async () => {
    await seed();
    const run = await sandbox.run(['export', '--recipient', '+90 532 123 45 67', '--store', 'sqlite:wa.db']);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const data = JSON.parse(run.stdout);
    expect(data.recipientId).toBe('905321234567');
    expect(data.consent).toEqual([
      expect.objectContaining({ kind: 'opt_in', category: 'marketing', text: 'Reply YES for offers' }),
    ]);
    expect(data.events.map((e: { kind: string }) => e.kind)).toEqual(['opt_in', 'outbound', 'status']);
  });

  it('writes CSV to a file', async () => {
    const run = await sandbox.run([
      'export',
      '--recipient',
      '905321234567',
      '--store',
      'sqlite:wa.db',
      '--format',
      'csv',
      '--out',
      'me.csv',
    ]);
    expect(run.code).toBe(0);
    expect(run.stdout).toBe('');
    const rows = parse(readFileSync(join(sandbox.dir, 'me.csv'), 'utf8'), { columns: true });
    expect(rows.map((r: { kind: string }) => r.kind)).toEqual(['opt_in', 'outbound', 'status']);
    expect(rows[0].source).toBe('keyword');
  });

  it('refuses a missing recipient or an unknown format with exit code 2', async () => {
    expect((await sandbox.run(['export', '--store', 'memory'])).code).toBe(2);
    const bad = await sandbox.run(['export', '--recipient', '1', '--store', 'memory', '--format', 'xml']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--format must be one of json, csv/);
  });

  it('says so when nothing is stored about the person', async () => {
    const run = await sandbox.run(['export', '--recipient', '15550000000', '--store', 'memory']);
    expect(run.code).toBe(0);
    expect(run.stderr).toMatch(/Nothing stored/);
    expect(JSON.parse(run.stdout).events).toEqual([]);
  });
});
