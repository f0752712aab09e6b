import { describe, expect, it } from 'vitest';
import type { StoredEvent } from '../../../../src/events/stored-event.js';
import { MemoryEventStore } from '../../../../src/events/stores/memory.js';
import { PostgresEventStore } from '../../../../src/events/stores/postgres.js';
import { POSTGRES_SCHEMA_VERSION } from '../../../../src/events/stores/sql/postgres-schema.js';
import { summarizeCampaigns } from '../../../../src/metrics/summarize-campaigns.js';
import { postgresTestSchema } from '../../../helpers/postgres-test-schema.js';
import { generateCampaignStream } from '../sql/campaign-stream.js';
import { preSendColumnsTable } from './pre-send-columns-table.js';

const { available, schema, pool } = await postgresTestSchema('test_sendcols', { max: 4 });
let tables = 0;

const T0 = Date.UTC(2026, 1, 10);

/**
 * Two generated campaigns in two months, plus the cases the backfill must get right: a send without
 * statuses, statuses of a message never sent (no campaign), a send without a campaign, a refusal.
 */
const events: StoredEvent[] = [
  ...generateCampaignStream({ messages: 150, seed: 3, campaignId: 'feb', startMs: T0 }),
  ...generateCampaignStream({ messages: 150, seed: 4, campaignId: 'mar', startMs: T0 + 30 * 86_400_000 }),
  {
    kind: 'outbound',
    messageId: 'wamid.quiet',
    recipientId: '905550000001',
    campaignId: 'feb',
    at: new Date(T0),
  },
  { kind: 'status', messageId: 'wamid.orphan', status: 'delivered', at: new Date(T0 + 5000) },
  { kind: 'outbound', messageId: 'wamid.direct', recipientId: '905550000002', at: new Date(T0 + 6000) },
  {
    kind: 'send_failed',
    recipientId: '905550000003',
    campaignId: 'mar',
    errorCode: 131049,
    at: new Date(T0),
  },
];

/**
 * Every rollup row's message and send columns, in message order. (The status columns are the version-2
 * backfill's, tested with it; the two generated campaigns share message ids of their "other" sends, whose
 * repeated statuses the write path folds and the backfill does not see.)
 */
async function rollupRows(tableName: string): Promise<unknown[]> {
  const { rows } = await pool.query(
    `SELECT message_id, campaign_id, sent_at FROM "${schema}"."${tableName}_status_rollup"
     ORDER BY message_id COLLATE "C"`,
  );
  return rows;
}

/** One message's whole rollup row. */
async function rollupRow(tableName: string, messageId: string): Promise<unknown> {
  const { rows } = await pool.query(
    `SELECT * FROM "${schema}"."${tableName}_status_rollup" WHERE message_id = $1`,
    [messageId],
  );
  return rows[0];
}

/** The rollup rows of the same events written by a store created at the current version. */
async function writtenRollupRows(): Promise<unknown[]> {
  const tableName = `sendcols_${++tables}`;
  const store = new PostgresEventStore({ pool, schema, tableName });
  await store.append(events);
  return rollupRows(tableName);
}

async function version(tableName: string): Promise<number | undefined> {
  const { rows } = await pool.query<{ version: number }>(
    `SELECT version FROM "${schema}".wacloud_schema_version WHERE table_name = $1`,
    [tableName],
  );
  return rows[0]?.version;
}

async function indexDefinitions(tableName: string): Promise<string[]> {
  const { rows } = await pool.query<{ def: string }>(
    `SELECT regexp_replace(indexdef, '^.* USING ', 'USING ') AS def FROM pg_indexes
     WHERE schemaname = $1 AND (indexname = $2 OR indexname = $3) ORDER BY 1`,
    [schema, `${tableName}_status_rollup_sent_idx`, `${tableName}_send_failed_idx`],
  );
  return rows.map((row) => row.def);
}

describe.runIf(available)('PostgreSQL schema version 7: the rollup’s send columns (real server)', () => {
  it('backfills a populated version-6 table: the rollup as the write path keeps it, the summary unchanged', async () => {
    const tableName = `sendcols_${++tables}`;
    await preSendColumnsTable(pool, schema, tableName, 6, events);
    const store = new PostgresEventStore({ pool, schema, tableName });
    await store.migrate();
    expect(await version(tableName)).toBe(POSTGRES_SCHEMA_VERSION);
    expect(POSTGRES_SCHEMA_VERSION).toBeGreaterThanOrEqual(7);
    expect(await indexDefinitions(tableName)).toEqual([
      "USING btree (at, campaign_id) WHERE (kind = 'send_failed'::text)",
      'USING btree (sent_at) WHERE (campaign_id IS NOT NULL)',
    ]);
    const rows = await rollupRows(tableName);
    expect(rows).toEqual(await writtenRollupRows());
    expect(await rollupRow(tableName, 'wamid.quiet')).toEqual({
      message_id: 'wamid.quiet',
      max_rank: null,
      failed_seen: 0,
      min_error: null,
      opt_out_error: 0,
      billable_seen: 0,
      category_sent: null,
      category_later: null,
      campaign_id: 'feb',
      sent_at: new Date(T0),
      // Schema version 8's send columns, filled on the way up.
      recipient_key: '905550000001',
      variant: null,
      segment: null,
    });
    expect(await rollupRow(tableName, 'wamid.orphan')).toMatchObject({
      max_rank: 1,
      campaign_id: null,
      sent_at: null,
    });
    expect(rows).not.toContainEqual(expect.objectContaining({ message_id: 'wamid.direct' }));
    // The same numbers as a scan of the events (the memory store).
    const memory = new MemoryEventStore();
    await memory.append(events);
    const after = await summarizeCampaigns(store, {});
    expect(after).toEqual(await summarizeCampaigns(memory, {}));
    expect(after.map((s) => [s.campaignId, s.sent, s.rejected])).toEqual([
      ['mar', 146, 5],
      ['feb', 144, 7],
      ['other', 15, 0],
    ]);
    // The primary key came back: appends merge into the rebuilt table.
    await store.append([
      { kind: 'status', messageId: 'wamid.quiet', status: 'read', at: new Date(T0 + 9000) },
    ]);
    const [, feb] = await summarizeCampaigns(store, {});
    expect(feb?.read).toBe((after[1]?.read ?? 0) + 1);
  });

  it('migrates an empty version-6 table, then keeps the send columns on append', async () => {
    const tableName = `sendcols_${++tables}`;
    await preSendColumnsTable(pool, schema, tableName, 6, []);
    const store = new PostgresEventStore({ pool, schema, tableName });
    await store.append(events);
    expect(await version(tableName)).toBe(POSTGRES_SCHEMA_VERSION);
    expect(await indexDefinitions(tableName)).toHaveLength(2);
    expect(await rollupRows(tableName)).toEqual(await writtenRollupRows());
  });

  it('stops counting the sends of the months dropped with dropPartitionsBefore', async () => {
    const tableName = `sendcols_${++tables}`;
    const store = new PostgresEventStore({ pool, schema, tableName });
    await store.append(events);
    const march = Date.UTC(2026, 2, 1);
    expect((await store.dropPartitionsBefore(new Date(march))).partitions).toHaveLength(1);
    // The reference: a scan of the events left.
    const left: StoredEvent[] = [];
    for await (const event of store.scan({})) left.push(event);
    expect(left.every((event) => event.at.getTime() >= march)).toBe(true);
    const memory = new MemoryEventStore();
    await memory.append(left);
    const summaries = await summarizeCampaigns(store, {});
    expect(summaries.length).toBeGreaterThan(0);
    expect(summaries).toEqual(await summarizeCampaigns(memory, {}));
  });

  it('fills the send columns alike through COPY and through INSERT, when the statuses came first too', async () => {
    const rowsOf = async (copyThreshold: number) => {
      const tableName = `sendcols_${++tables}`;
      const store = new PostgresEventStore({ pool, schema, tableName, copyThreshold });
      await store.append(events.filter((e) => e.kind === 'status'));
      await store.append(events);
      const { rows } = await pool.query(
        `SELECT * FROM "${schema}"."${tableName}_status_rollup" ORDER BY message_id COLLATE "C"`,
      );
      return { rows, sends: await rollupRows(tableName) };
    };
    const copied = await rowsOf(1);
    const inserted = await rowsOf(Number.POSITIVE_INFINITY);
    expect(copied.rows).toEqual(inserted.rows);
    expect(copied.sends).toEqual(await writtenRollupRows());
    expect(copied.rows.filter((row) => row.campaign_id !== null).length).toBeGreaterThan(300);
  });
});
