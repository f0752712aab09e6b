import type { StatusSummary } from '../../../metrics/status-fold.js';
import { EVENT_COLUMNS, type EventRowValues } from './event-row.js';
import type { SqlDialect } from './sql-params.js';

/*
 * The status rollup: one row per message id holding its statuses folded into a StatusSummary. Stores
 * keep it up to date as they append (in the same transaction or statement), so computing a campaign's
 * metrics joins one row per message instead of folding every status again. The fold is order-free and
 * idempotent, so a store may fold a whole batch, repeats included, and merge it into the stored row.
 */

/** The rollup table's name for the event table `name`. */
export function statusRollupTableName(name: string): string {
  return `${name}_status_rollup`;
}

/** The rollup's columns after `message_id`, in {@link StatusSummary} field order. */
export const STATUS_ROLLUP_COLUMNS = [
  'max_rank',
  'failed_seen',
  'min_error',
  'opt_out_error',
  'billable_seen',
  'category_sent',
  'category_later',
] as const;

/**
 * The rollup's send columns, after {@link STATUS_ROLLUP_COLUMNS}: what the message's `outbound` event
 * holds, when it has a campaign; null until it is stored (a status may arrive first). The campaign and
 * send time (schema v7 on PostgreSQL, v5 on SQLite): `summarizeCampaigns` reads a range of sends from
 * them alone; the recipient key, variant and segment (v8, v6): the SQL attribution reads a campaign's
 * sends from the rollup alone.
 */
export const ROLLUP_SEND_COLUMNS = ['campaign_id', 'sent_at', 'recipient_key', 'variant', 'segment'] as const;

/** A message's rollup: its statuses folded, and its campaign send (campaign, time in epoch ms, recipient, groups) once known. */
export interface MessageRollup extends StatusSummary {
  /** The campaign of the message's `outbound` event, or null (not stored yet, or no campaign). */
  campaignId: string | null;
  /** When the message was sent (epoch ms), or null. */
  sentAt: number | null;
  /** The outbound's `recipient_key` column (normalized, or pseudonymised as the store keeps it), or null. */
  recipientKey: string | null;
  /** The outbound's variant, or null. */
  variant: string | null;
  /** The outbound's segment, or null. */
  segment: string | null;
}

const OPTED_OUT_ERROR = 131050;
const column = (name: string): number => EVENT_COLUMNS.indexOf(name);
const KIND = column('kind');
const MESSAGE_ID = column('message_id');
const STATUS = column('status');
const ERROR_CODE = column('error_code');
const CATEGORY = column('pricing_category');
const CAMPAIGN = column('campaign_id');
const AT = column('at');
const RECIPIENT_KEY = column('recipient_key');
const VARIANT = column('variant');
const SEGMENT = column('segment');
const PRICING_TYPE = column('pricing_type');
const BILLABLE = column('pricing_billable');

const RANKS: Readonly<Record<string, number>> = { sent: 0, delivered: 1, read: 2, played: 2 };

/** The `CREATE TABLE` statement of the rollup table (`table` quoted). */
export function createStatusRollupSql(table: string, dialect: SqlDialect): string {
  const text = dialect === 'postgres' ? 'text COLLATE "C"' : 'TEXT';
  const int = dialect === 'postgres' ? 'integer' : 'INTEGER';
  return `CREATE TABLE ${table} (
    message_id ${text} PRIMARY KEY,
    max_rank ${int},
    failed_seen ${int} NOT NULL,
    min_error ${int},
    opt_out_error ${int} NOT NULL,
    billable_seen ${int} NOT NULL,
    category_sent ${text},
    category_later ${text}
  )${dialect === 'sqlite' ? ' WITHOUT ROWID' : ''}`;
}

/**
 * `INSERT ... SELECT` that builds the rollup from the statuses already in `events` (the schema
 * migration that adds the rollup runs it once).
 */
export function backfillStatusRollupSql(rollup: string, events: string, dialect: SqlDialect): string {
  const billable = `status IN ('sent', 'delivered', 'read', 'played')
    AND (pricing_billable = ${dialect === 'postgres' ? 'true' : '1'} OR pricing_type = 'regular')`;
  const collate = dialect === 'postgres' ? ' COLLATE "C"' : '';
  return `INSERT INTO ${rollup} (message_id, ${STATUS_ROLLUP_COLUMNS.join(', ')})
    SELECT message_id,
      max(CASE status WHEN 'sent' THEN 0 WHEN 'delivered' THEN 1 WHEN 'read' THEN 2 WHEN 'played' THEN 2 END),
      max(CASE WHEN status = 'failed' THEN 1 ELSE 0 END),
      min(CASE WHEN status = 'failed' THEN error_code END),
      max(CASE WHEN status = 'failed' AND error_code = ${OPTED_OUT_ERROR} THEN 1 ELSE 0 END),
      max(CASE WHEN ${billable} THEN 1 ELSE 0 END),
      min(CASE WHEN ${billable} AND status = 'sent' THEN pricing_category END${collate}),
      min(CASE WHEN ${billable} AND status <> 'sent' THEN pricing_category END${collate})
    FROM ${events} WHERE kind = 'status' AND message_id IS NOT NULL
    GROUP BY message_id`;
}

/**
 * The `ON CONFLICT` clause that merges an incoming rollup row (`excluded`) into the stored one; for
 * PostgreSQL the `INSERT` must alias its target `AS stored`.
 */
export function mergeStatusRollupSql(dialect: SqlDialect): string {
  // PostgreSQL's GREATEST/LEAST skip nulls; SQLite's multi-argument max/min return null on any null.
  const greatest = (c: string) =>
    dialect === 'postgres'
      ? `GREATEST(stored.${c}, excluded.${c})`
      : `coalesce(max(${c}, excluded.${c}), ${c}, excluded.${c})`;
  const least = (c: string) =>
    dialect === 'postgres'
      ? `LEAST(stored.${c}, excluded.${c})`
      : `coalesce(min(${c}, excluded.${c}), ${c}, excluded.${c})`;
  // A message has one outbound event (its key is the message id): the send columns are its, whichever append came first.
  const stored = dialect === 'postgres' ? 'stored.' : '';
  return `ON CONFLICT (message_id) DO UPDATE SET
    max_rank = ${greatest('max_rank')},
    failed_seen = ${greatest('failed_seen')},
    min_error = ${least('min_error')},
    opt_out_error = ${greatest('opt_out_error')},
    billable_seen = ${greatest('billable_seen')},
    category_sent = ${least('category_sent')},
    category_later = ${least('category_later')},
    ${['campaign_id', 'recipient_key', 'variant', 'segment'].map((c) => `${c} = coalesce(${stored}${c}, excluded.${c})`).join(',\n    ')},
    sent_at = ${least('sent_at')}`;
}

/** Byte-order minimum of two optional strings (the order of the rollup's "C"/BINARY text columns). */
function minText(a: string | null, b: string | null): string | null {
  if (a === null) return b;
  if (b === null || a === b) return a;
  return Buffer.compare(Buffer.from(a), Buffer.from(b)) <= 0 ? a : b;
}

function textOrNull(value: unknown): string | null {
  return typeof value === 'string' ? value : null;
}

/** The rollup of `messageId` in `rollups`, added empty when missing. */
function rollupOf(rollups: Map<string, MessageRollup>, messageId: string): MessageRollup {
  let rollup = rollups.get(messageId);
  if (rollup === undefined) {
    // A literal, not a spread of emptyStatusSummary(): one is made per message of every append.
    rollup = {
      maxRank: null,
      failedSeen: 0,
      minError: null,
      optOutError: 0,
      billableSeen: 0,
      categorySent: null,
      categoryLater: null,
      campaignId: null,
      sentAt: null,
      recipientKey: null,
      variant: null,
      segment: null,
    };
    rollups.set(messageId, rollup);
  }
  return rollup;
}

/**
 * Folds the status rows among `rows` (event rows as {@link EVENT_COLUMNS} orders them, so the fold reads
 * exactly what the columns hold) into one rollup per message id, in `rollups` (a new map unless given),
 * and the `outbound` rows with a campaign into its send columns (the earliest send, as the merge keeps).
 * Other kinds are skipped.
 */
export function foldStatusRollups(
  rows: readonly EventRowValues[],
  rollups: Map<string, MessageRollup> = new Map(),
): Map<string, MessageRollup> {
  for (const row of rows) {
    const kind = row[KIND];
    if (kind === 'outbound') {
      const messageId = row[MESSAGE_ID];
      const campaignId = row[CAMPAIGN];
      const at = row[AT];
      if (typeof messageId !== 'string' || typeof campaignId !== 'string' || typeof at !== 'number') continue;
      const rollup = rollupOf(rollups, messageId);
      if (rollup.campaignId === null) {
        rollup.campaignId = campaignId;
        rollup.recipientKey = textOrNull(row[RECIPIENT_KEY]);
        rollup.variant = textOrNull(row[VARIANT]);
        rollup.segment = textOrNull(row[SEGMENT]);
      }
      if (rollup.sentAt === null || at < rollup.sentAt) rollup.sentAt = at;
      continue;
    }
    if (kind !== 'status') continue;
    const messageId = row[MESSAGE_ID];
    if (typeof messageId !== 'string') continue;
    const rollup = rollupOf(rollups, messageId);
    const status = row[STATUS];
    if (status === 'failed') {
      rollup.failedSeen = 1;
      const code = row[ERROR_CODE];
      if (typeof code === 'number') {
        if (rollup.minError === null || code < rollup.minError) rollup.minError = code;
        if (code === OPTED_OUT_ERROR) rollup.optOutError = 1;
      }
      continue;
    }
    const rank = typeof status === 'string' ? RANKS[status] : undefined;
    if (rank === undefined) continue;
    if (rollup.maxRank === null || rank > rollup.maxRank) rollup.maxRank = rank;
    const billable = row[BILLABLE];
    if (billable !== true && billable !== 1 && row[PRICING_TYPE] !== 'regular') continue;
    rollup.billableSeen = 1;
    const category = row[CATEGORY];
    if (typeof category !== 'string') continue;
    if (rank === 0) rollup.categorySent = minText(rollup.categorySent, category);
    else rollup.categoryLater = minText(rollup.categoryLater, category);
  }
  return rollups;
}

/**
 * A rollup as values in `message_id` + {@link STATUS_ROLLUP_COLUMNS} + {@link ROLLUP_SEND_COLUMNS} order
 * (`sent_at` in epoch ms).
 */
export function statusRollupValues(messageId: string, rollup: MessageRollup): (string | number | null)[] {
  return [
    messageId,
    rollup.maxRank,
    rollup.failedSeen,
    rollup.minError,
    rollup.optOutError,
    rollup.billableSeen,
    rollup.categorySent,
    rollup.categoryLater,
    rollup.campaignId,
    rollup.sentAt,
    rollup.recipientKey,
    rollup.variant,
    rollup.segment,
  ];
}

/**
 * The rollup of the row aliased `alias` as three select-list expressions, fewer values for the driver to
 * decode per message than seven columns: a flags integer (null when the message has no rollup row;
 * bits 0-1 max rank + 1, bit 2 failed, bit 3 131050, bit 4 billable, bit 5 the category is from a
 * delivered/read status), the lowest error code, and the category that wins (later over sent).
 * {@link readPackedStatusRollup} reads them back.
 */
export function packedStatusRollupSql(alias: string): string {
  return packedStatusRollupParts(alias).join(',\n    ');
}

/** The three expressions of {@link packedStatusRollupSql}: flags, lowest error code, winning category. */
export function packedStatusRollupParts(alias: string): [string, string, string] {
  return [
    `CASE WHEN ${alias}.message_id IS NULL THEN NULL ELSE
      (coalesce(${alias}.max_rank, -1) + 1) | (${alias}.failed_seen << 2) | (${alias}.opt_out_error << 3)
      | (${alias}.billable_seen << 4) | (CASE WHEN ${alias}.category_later IS NULL THEN 0 ELSE 32 END) END`,
    `${alias}.min_error`,
    `coalesce(${alias}.category_later, ${alias}.category_sent)`,
  ];
}

/**
 * Reads the three values {@link packedStatusRollupSql} selects (from `row[at]` on) into `summary`; false
 * when the message has no rollup row (no status yet). Only the winning category is known, which is all a
 * fold needs: it is put where it came from (`categoryLater` or `categorySent`).
 */
export function readPackedStatusRollup(row: readonly unknown[], at: number, summary: StatusSummary): boolean {
  const flags = row[at];
  if (flags === null || flags === undefined) return false;
  const bits = Number(flags);
  const rank = (bits & 3) - 1;
  summary.maxRank = rank < 0 ? null : rank;
  summary.failedSeen = bits & 4 ? 1 : 0;
  const minError = row[at + 1];
  summary.minError = minError === null || minError === undefined ? null : Number(minError);
  summary.optOutError = bits & 8 ? 1 : 0;
  summary.billableSeen = bits & 16 ? 1 : 0;
  const category = (row[at + 2] ?? null) as string | null;
  summary.categoryLater = bits & 32 ? category : null;
  summary.categorySent = bits & 32 ? null : category;
  return true;
}
