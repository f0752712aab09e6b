import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { SqliteEventStore } from '../../src/events/stores/sqlite.js';
import { CliSandbox } from './cli-harness.js';

const KEY = 'cli-erasure-key-0123456789abcdef';
const sandbox = new CliSandbox({ WACLOUD_ERASURE_KEY: KEY });
afterAll(() => sandbox.cleanup());

const at = (minute: number) => new Date(Date.UTC(2026, 0, 1, 0, minute));

async function seed(file: string): Promise<void> {
  const store = new SqliteEventStore({ filename: join(sandbox.dir, file) });
  await store.append([
    { kind: 'opt_in', recipientId: '905321234567', at: at(1), category: 'marketing', text: 'Yes' },
    { kind: 'outbound', messageId: 'wamid.A', recipientId: '905321234567', at: at(2), campaignId: 'c1' },
    { kind: 'inbound', messageId: 'wamid.R', recipientId: '905321234567', at: at(4), text: 'hi there' },
    { kind: 'outbound', messageId: 'wamid.B', recipientId: '4915112345678', at: at(2), campaignId: 'c1' },
  ]);
  await store.close();
}

describe('wacloud erase and purge', () => {
  it('erases one person and keeps a tombstone that the same key recognises', async () => {
    await seed('erase.db');
    const run = await sandbox.run(['erase', '--store', 'sqlite:erase.db', '+90 532 123 45 67']);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toBe('Erased 1 id(s): 3 event(s) anonymised, 0 removed, 1 new tombstone(s).\n');
    expect(run.stdout).not.toContain(KEY);
    const store = new SqliteEventStore({ filename: join(sandbox.dir, 'erase.db'), erasureKey: KEY });
    try {
      expect(await store.isErased('905321234567')).toBe(true);
      const left: string[] = [];
      for await (const event of store.scan({ recipientIds: ['905321234567'] })) left.push(event.kind);
      expect(left).toEqual([]);
    } finally {
      await store.close();
    }
  });

  it('refuses to erase without WACLOUD_ERASURE_KEY', async () => {
    await seed('nokey.db');
    const bare = new CliSandbox();
    try {
      const run = await bare.run([
        'erase',
        '--store',
        `sqlite:${join(sandbox.dir, 'nokey.db')}`,
        '905321234567',
      ]);
      expect(run.code).toBe(2);
      expect(run.stderr).toContain('WACLOUD_ERASURE_KEY');
    } finally {
      bare.cleanup();
    }
  });

  it('purges events before a date, keeping the consent record', async () => {
    await seed('purge.db');
    const run = await sandbox.run(['purge', '--store', 'sqlite:purge.db', '--before', at(3).toISOString()]);
    expect(run.code).toBe(0);
    expect(run.stdout).toBe(`Removed 2 event(s) before ${at(3).toISOString()} (outbound 2).\n`);
    const usage = await sandbox.run(['purge', '--store', 'sqlite:purge.db']);
    expect(usage.code).toBe(2);
  });
});
