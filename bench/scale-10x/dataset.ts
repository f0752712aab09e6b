/**
 * The "ten times the data" dataset of issue 15, loaded into PostgreSQL through the store itself
 * (PostgresEventStore creates its schema; appends of 10,000 events go through its batched COPY with the
 * status rollup, key table and identity links written as in production), so every row is one the store
 * would write. Many campaigns over 60 days plus one big campaign, Meta-shaped message ids.
 */
import type pg from 'pg';
import type { StoredEvent } from '../../src/events/stored-event.js';
import type { PostgresEventStore } from '../../src/events/stores/postgres.js';
import { generateCampaignStream } from '../../test/events/stores/sql/campaign-stream.js';

const DAY = 86_400_000;
const HOUR = 3_600_000;

/** What to load: the shape of the dataset (stored with it, so `--reuse` only reuses the same shape). */
export interface DatasetPlan {
  /** Accepted messages of the big campaign (`big`), generated in chunks of {@link DatasetPlan.chunk}. */
  bigMessages: number;
  /** How many smaller campaigns (`c-000`, …), evenly spread over the 60 days. */
  campaigns: number;
  /** Accepted messages of each smaller campaign. */
  campaignMessages: number;
  /** Messages generated at a time (bounds the loader's memory). */
  chunk: number;
}

/** First day of the dataset (UTC); it covers 60 days, the last 30 from {@link SUMMARY_FROM}. */
export const DATASET_START = new Date(Date.UTC(2026, 9, 2));
/** The "last 30 days" the summary figure asks for: [SUMMARY_FROM, SUMMARY_TO). */
export const SUMMARY_FROM = new Date(Date.UTC(2026, 10, 1));
export const SUMMARY_TO = new Date(Date.UTC(2026, 11, 1));
/** The big campaign's id: its sends start on 10 November, one chunk every two hours. */
export const BIG_CAMPAIGN = 'big';

/** One generator call: a campaign (or a chunk of the big one) and its 10% follow-up campaign. */
interface Batch {
  campaignId: string;
  followUpId: string;
  messages: number;
  seed: number;
  startMs: number;
  tag: string;
}

function batches(plan: DatasetPlan): Batch[] {
  const list: Batch[] = [];
  const spacing = (60 * DAY) / Math.max(1, plan.campaigns);
  for (let k = 0; k < plan.campaigns; k++) {
    const id = `c-${String(k).padStart(3, '0')}`;
    list.push({
      campaignId: id,
      followUpId: `${id}-followup`,
      messages: plan.campaignMessages,
      seed: 1000 + k,
      startMs: DATASET_START.getTime() + Math.floor(k * spacing),
      tag: `s${k.toString(36)}`,
    });
  }
  const bigStart = Date.UTC(2026, 10, 10);
  for (let k = 0, done = 0; done < plan.bigMessages; k++, done += plan.chunk) {
    list.push({
      campaignId: BIG_CAMPAIGN,
      followUpId: `${BIG_CAMPAIGN}-followup`,
      messages: Math.min(plan.chunk, plan.bigMessages - done),
      seed: 1 + k,
      startMs: bigStart + k * 2 * HOUR,
      tag: `b${k.toString(36)}`,
    });
  }
  return list;
}

/**
 * The generator's stream for one batch, made unique across batches: message ids (and the ids that
 * refer to them) and idempotency keys get the batch's tag, the follow-up campaign its own id.
 */
function batchEvents(batch: Batch): StoredEvent[] {
  const events = generateCampaignStream({
    messages: batch.messages,
    seed: batch.seed,
    campaignId: batch.campaignId,
    startMs: batch.startMs,
    metaMessageIds: true,
  });
  for (const event of events) {
    const fields = event as unknown as Record<string, unknown>;
    if (typeof fields.messageId === 'string') fields.messageId = `${fields.messageId}${batch.tag}`;
    if (typeof fields.contextMessageId === 'string') {
      fields.contextMessageId = `${fields.contextMessageId}${batch.tag}`;
    }
    if (typeof fields.idempotencyKey === 'string')
      fields.idempotencyKey = `${fields.idempotencyKey}${batch.tag}`;
    if (fields.campaignId === 'other') fields.campaignId = batch.followUpId;
  }
  return events;
}

const MARKER = 'bench_data10x_dataset';

/** The plan of the dataset already loaded in this database, if a load finished. */
export async function loadedPlan(pool: pg.Pool): Promise<{ plan: DatasetPlan; events: number } | undefined> {
  const exists = await pool.query(`SELECT to_regclass('public.${MARKER}') AS t`);
  if (exists.rows[0]?.t === null) return undefined;
  const { rows } = await pool.query(`SELECT plan, events FROM public.${MARKER} LIMIT 1`);
  const row = rows[0] as { plan: DatasetPlan; events: string } | undefined;
  return row === undefined ? undefined : { plan: row.plan, events: Number(row.events) };
}

/** Whether two plans describe the same dataset. */
export function samePlan(a: DatasetPlan, b: DatasetPlan): boolean {
  // Field by field: jsonb does not keep the key order of what was stored.
  return (
    a.bigMessages === b.bigMessages &&
    a.campaigns === b.campaigns &&
    a.campaignMessages === b.campaignMessages &&
    a.chunk === b.chunk
  );
}

/**
 * Loads the dataset from scratch: drops the store's schema (`schema`, in the bench's own database), lets
 * the store create it, appends every batch through `writers` concurrent appenders, ANALYZEs, and writes
 * the marker. Returns the events stored and the seconds taken.
 */
export async function loadDataset(
  pool: pg.Pool,
  store: PostgresEventStore,
  schema: string,
  plan: DatasetPlan,
  writers: number,
  onProgress: (message: string) => void,
): Promise<{ events: number; seconds: number }> {
  const started = performance.now();
  await pool.query(`DROP TABLE IF EXISTS public.${MARKER}`);
  await pool.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  await store.migrate();
  const list = batches(plan);
  let generated = 0;
  for (const [index, batch] of list.entries()) {
    const events = batchEvents(batch);
    generated += events.length;
    let next = 0;
    const writer = async () => {
      for (let i = next; i < events.length; i = next) {
        next += 10_000;
        await store.append(events.slice(i, i + 10_000));
      }
    };
    await Promise.all(Array.from({ length: writers }, writer));
    if (index % 10 === 9 || index === list.length - 1) {
      const seconds = (performance.now() - started) / 1000;
      onProgress(`batch ${index + 1}/${list.length}: ${generated} events generated, ${seconds.toFixed(0)} s`);
    }
  }
  await pool.query(`ANALYZE "${schema}".wacloud_events`);
  await pool.query(`ANALYZE "${schema}".wacloud_events_status_rollup`);
  const { rows } = await pool.query(`SELECT count(*)::bigint AS n FROM "${schema}".wacloud_events`);
  const events = Number((rows[0] as { n: string }).n);
  await pool.query(
    `CREATE TABLE public.${MARKER} (plan jsonb NOT NULL, events bigint NOT NULL, loaded_at timestamptz DEFAULT now())`,
  );
  await pool.query(`INSERT INTO public.${MARKER} (plan, events) VALUES ($1, $2)`, [
    JSON.stringify(plan),
    events,
  ]);
  return { events, seconds: (performance.now() - started) / 1000 };
}
