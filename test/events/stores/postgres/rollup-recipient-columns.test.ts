import { describe, expect, it } from 'vitest';
import { hashRecipients } from '../../../../src/events/hash-recipients.js';
import type { StoredEvent } from '../../../../src/events/stored-event.js';
import { MemoryEventStore } from '../../../../src/events/stores/memory.js';
import { PostgresEventStore } from '../../../../src/events/stores/postgres.js';
import {
  migratePostgres,
  POSTGRES_SCHEMA_VERSION,
} from '../../../../src/events/stores/sql/postgres-schema.js';
import { computeCampaignMetrics } from '../../../../src/metrics/compute-campaign-metrics.js';
import type { MetricsQuery } from '../../../../src/metrics/metrics-types.js';
import { postgresTestSchema } from '../../../helpers/postgres-test-schema.js';
import { generateCampaignStream } from '../sql/campaign-stream.js';
import { preSendColumnsTable } from './pre-send-columns-table.js';

const { available, schema, pool } = await postgresTestSchema('test_rcptcols', { max: 4 });
const KEY = 'rollup15-erasure-key-0123456789';
let tables = 0;

const T0 = Date.UTC(2026, 1, 10);
const ERASED = '905550000009';

/** Two generated campaigns, a send without statuses, statuses of a message never sent, a send without a campaign. */
const events: StoredEvent[] = [
  ...generateCampaignStream({ messages: 150, seed: 5, campaignId: 'feb', startMs: T0 }),
  ...generateCampaignStream({ messages: 150, seed: 6, campaignId: 'mar', startMs: T0 + 30 * 86_400_000 }),
  {
    kind: 'outbound',
    messageId: 'wamid.quiet',
    recipientId: '+90 555 000 0009',
    campaignId: 'feb',
    variant: 'A',
    segment: 'vip',
    at: new Date(T0),
  },
  { kind: 'inbound', messageId: 'wamid.answer', recipientId: ERASED, at: new Date(T0 + 4000), text: 'hi' },
  { kind: 'status', messageId: 'wamid.orphan', status: 'delivered', at: new Date(T0 + 5000) },
  { kind: 'outbound', messageId: 'wamid.direct', recipientId: '905550000002', at: new Date(T0 + 6000) },
];

const rollupOf = (tableName: string) => `"${schema}"."${tableName}_status_rollup"`;

/** Every rollup row's message and send columns, in message order. */
async function sendRows(tableName: string): Promise<unknown[]> {
  const { rows } = await pool.query(
    `SELECT message_id, campaign_id, sent_at, recipient_key, variant, segment FROM ${rollupOf(tableName)}
     ORDER BY message_id COLLATE "C"`,
  );
  return rows;
}

/**
 * The campaign sends whose rollup row does not hold exactly what their outbound event holds, and the
 * rollup rows with a campaign and no such outbound: none, whatever wrote them.
 */
async function mismatches(tableName: string): Promise<number> {
  const { rows } = await pool.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM ${rollupOf(tableName)} r
     FULL JOIN (SELECT * FROM "${schema}"."${tableName}" WHERE kind = 'outbound' AND campaign_id IS NOT NULL) o
       ON o.message_id = r.message_id
     WHERE (r.campaign_id IS NOT NULL OR o.message_id IS NOT NULL)
       AND NOT (r.campaign_id IS NOT DISTINCT FROM o.campaign_id AND r.sent_at IS NOT DISTINCT FROM o.at
         AND r.recipient_key IS NOT DISTINCT FROM o.recipient_key AND r.variant IS NOT DISTINCT FROM o.variant
         AND r.segment IS NOT DISTINCT FROM o.segment)`,
  );
  return rows[0]?.n ?? -1;
}

/** The rollup rows of the same events written by a store created at the current version. */
async function writtenSendRows(): Promise<unknown[]> {
  const tableName = `rcptcols_${++tables}`;
  await new PostgresEventStore({ pool, schema, tableName }).append(events);
  return sendRows(tableName);
}

/** A version-7 table holding `events` (the v6 write path's tables, then the v7 step's backfill). */
async function version7Table(tableName: string, stored: readonly StoredEvent[]): Promise<void> {
  await preSendColumnsTable(pool, schema, tableName, 6, stored);
  const client = await pool.connect();
  try {
    await migratePostgres(client, schema, tableName, 7);
  } finally {
    client.release();
  }
}

async function campaignIndex(tableName: string): Promise<string[]> {
  const { rows } = await pool.query<{ def: string }>(
    `SELECT regexp_replace(indexdef, '^.* USING ', 'USING ') AS def FROM pg_indexes
     WHERE schemaname = $1 AND tablename = $2 ORDER BY 1`,
    [schema, `${tableName}_status_rollup`],
  );
  return rows.map((row) => row.def);
}

/** The rollup's row estimate: -1 until ANALYZE (or a vacuum) ran on it. */
async function reltuples(tableName: string): Promise<number> {
  const { rows } = await pool.query<{ n: number }>(
    `SELECT reltuples::float8 AS n FROM pg_class WHERE oid = $1::regclass`,
    [rollupOf(tableName)],
  );
  return Number(rows[0]?.n);
}

const QUERIES: MetricsQuery[] = [
  { campaignId: 'feb' },
  { campaignId: 'feb', groupBy: 'variant' },
  { campaignId: 'mar', groupBy: 'segment' },
  { campaignId: 'feb', groupBy: 'day', timeZone: 'Europe/Istanbul' },
  { campaignId: 'mar', groupBy: 'template' },
  { campaignId: 'feb', from: new Date(T0 + 3_600_000), to: new Date(T0 + 86_400_000) },
];

async function expectMetricsOfMemory(
  store: PostgresEventStore,
  stored: readonly StoredEvent[],
): Promise<void> {
  const memory = new MemoryEventStore();
  await memory.append([...stored]);
  for (const query of QUERIES) {
    expect(await computeCampaignMetrics(store, query), JSON.stringify(query)).toEqual(
      await computeCampaignMetrics(memory, query),
    );
  }
}

describe.runIf(available)(
  'PostgreSQL schema version 8: the rollup’s recipient, variant, segment (real server)',
  () => {
    it('backfills a populated version-7 table as the write path keeps it, indexed and analyzed', async () => {
      const tableName = `rcptcols_${++tables}`;
      await version7Table(tableName, events);
      const store = new PostgresEventStore({ pool, schema, tableName, analyze: 'off' });
      await store.migrate();
      expect(POSTGRES_SCHEMA_VERSION).toBeGreaterThanOrEqual(8);
      expect(await campaignIndex(tableName)).toEqual([
        'USING btree (campaign_id, sent_at) WHERE (campaign_id IS NOT NULL)',
        'USING btree (message_id)',
        'USING btree (sent_at) WHERE (campaign_id IS NOT NULL)',
      ]);
      expect(await reltuples(tableName)).toBeGreaterThan(300);
      expect(await sendRows(tableName)).toEqual(await writtenSendRows());
      expect(await mismatches(tableName)).toBe(0);
      const { rows } = await pool.query(
        `SELECT * FROM ${rollupOf(tableName)} WHERE message_id = 'wamid.quiet'`,
      );
      expect(rows[0]).toMatchObject({
        campaign_id: 'feb',
        recipient_key: ERASED,
        variant: 'A',
        segment: 'vip',
      });
      await expectMetricsOfMemory(store, events);
      // The primary key came back: appends merge into the rebuilt table.
      await store.append([
        { kind: 'status', messageId: 'wamid.quiet', status: 'read', at: new Date(T0 + 9000) },
      ]);
      const after = await pool.query(
        `SELECT max_rank, recipient_key FROM ${rollupOf(tableName)} WHERE message_id = 'wamid.quiet'`,
      );
      expect(after.rows).toEqual([{ max_rank: 2, recipient_key: ERASED }]);
    });

    it('migrates an empty version-7 table (no ANALYZE), then keeps the columns on append', async () => {
      const tableName = `rcptcols_${++tables}`;
      await version7Table(tableName, []);
      const store = new PostgresEventStore({ pool, schema, tableName, analyze: 'off' });
      await store.migrate();
      expect(await reltuples(tableName)).toBe(-1);
      await store.append(events);
      expect(await sendRows(tableName)).toEqual(await writtenSendRows());
      expect(await mismatches(tableName)).toBe(0);
    });

    it('fills the columns alike through COPY and INSERT, statuses first or not', async () => {
      for (const copyThreshold of [1, Number.POSITIVE_INFINITY]) {
        const tableName = `rcptcols_${++tables}`;
        const store = new PostgresEventStore({ pool, schema, tableName, copyThreshold });
        await store.append(events.filter((e) => e.kind === 'status'));
        await store.append(events);
        expect(await mismatches(tableName)).toBe(0);
        expect(await sendRows(tableName)).toEqual(await writtenSendRows());
      }
    });

    it('rewrites the rollup’s recipient key with the events on eraseRecipient; the metrics stay', async () => {
      const tableName = `rcptcols_${++tables}`;
      const store = new PostgresEventStore({ pool, schema, tableName, erasureKey: KEY });
      await store.append(events);
      const before = await computeCampaignMetrics(store, { campaignId: 'feb', groupBy: 'variant' });
      const held = await pool.query(`SELECT 1 FROM ${rollupOf(tableName)} WHERE recipient_key = $1`, [
        ERASED,
      ]);
      expect(held.rows).toHaveLength(1);
      await store.eraseRecipient(`+${ERASED}`);
      const left = await pool.query(`SELECT 1 FROM ${rollupOf(tableName)} WHERE recipient_key = $1`, [
        ERASED,
      ]);
      expect(left.rows).toEqual([]);
      expect(await mismatches(tableName)).toBe(0);
      expect(await computeCampaignMetrics(store, { campaignId: 'feb', groupBy: 'variant' })).toEqual(before);
    });

    it('holds the pseudonym a hashRecipients store writes, as its events do', async () => {
      const tableName = `rcptcols_${++tables}`;
      const store = new PostgresEventStore({ pool, schema, tableName });
      await hashRecipients(store, { key: KEY }).append(events);
      expect(await mismatches(tableName)).toBe(0);
      const { rows } = await pool.query<{ plain: number }>(
        `SELECT count(*)::int AS plain FROM ${rollupOf(tableName)}
       WHERE recipient_key IS NOT NULL AND recipient_key NOT LIKE 'h.%'`,
      );
      expect(rows[0]?.plain).toBe(0);
    });
  },
);
