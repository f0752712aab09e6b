import { describe, expect, it } from 'vitest';
import { GroupCommitEventStore } from '../../../src/events/stores/group-commit-store.js';
import { MemoryEventStore } from '../../../src/events/stores/memory.js';
import { PostgresEventStore } from '../../../src/events/stores/postgres.js';
import { SqliteEventStore } from '../../../src/events/stores/sqlite.js';
import { postgresTestSchema } from '../../helpers/postgres-test-schema.js';
import {
  describeErasureKeyRequired,
  describePrivacyConformance,
  ERASURE_KEY,
} from './privacy-conformance.js';

describePrivacyConformance('MemoryEventStore', async (erasureKey) => new MemoryEventStore({ erasureKey }));
describePrivacyConformance(
  'GroupCommitEventStore(SqliteEventStore)',
  async (erasureKey) => new GroupCommitEventStore(new SqliteEventStore({ filename: ':memory:', erasureKey })),
);
describePrivacyConformance(
  'SqliteEventStore',
  async (erasureKey) => new SqliteEventStore({ filename: ':memory:', erasureKey }),
);
describe('GroupCommitEventStore erasure', () => {
  it('writes the appends still queued before erasing, so none of them escapes the erasure', async () => {
    const inner = new SqliteEventStore({ filename: ':memory:', erasureKey: ERASURE_KEY });
    const store = new GroupCommitEventStore(inner, { maxDelayMs: 1000 });
    const who = '+905320000001';
    const queued = store.append([
      { kind: 'outbound', messageId: 'wamid.queued', recipientId: who, at: new Date(), campaignId: 'c' },
      { kind: 'inbound', messageId: 'wamid.reply', recipientId: who, at: new Date(), text: 'hello' },
    ]);
    await store.eraseRecipient?.(who);
    await queued;
    const left = [];
    for await (const event of inner.scan({ recipientIds: [who] })) left.push(event);
    expect(left).toEqual([]);
    expect(await inner.isErased(who)).toBe(true);
    let stored = 0;
    for await (const _ of inner.scan({})) stored++;
    expect(stored).toBe(2); // kept under the anonymous id: past counts stay
  });
});

describe('SqliteEventStore without a key', () => {
  describeErasureKeyRequired('SqliteEventStore', async () => new SqliteEventStore({ filename: ':memory:' }));
});

const { available, schema, pool } = await postgresTestSchema('privacy', { max: 4 });
let tables = 0;
describe.runIf(available)('PostgresEventStore (real server)', () => {
  describePrivacyConformance(
    'PostgresEventStore',
    async (erasureKey) =>
      new PostgresEventStore({ pool, schema, tableName: `events_${++tables}`, erasureKey }),
  );
  describeErasureKeyRequired(
    'PostgresEventStore',
    async () => new PostgresEventStore({ pool, schema, tableName: `events_${++tables}` }),
  );
});
