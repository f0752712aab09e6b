import { z } from 'zod';
import type { MessageHistoryEntry, WhatsAppClient } from '../client/index.js';
import { eventKey } from '../events/event-key.js';
import type { EventStore } from '../events/event-store.js';
import type { StatusEvent } from '../events/stored-event.js';
import { collectCampaignFacts } from '../metrics/compute-campaign-metrics.js';
import { optionsSchema, parseOptions } from '../schemas/validate-options.js';
import {
  type HistoryOccurrence,
  occurrenceOfEdge,
  occurrenceOfEvent,
  statusEventOfOccurrence,
} from './history-status.js';

/** Options of {@link fillGapsFromHistory}. */
export interface FillGapsOptions {
  /** The campaign whose pending messages to look up. */
  campaignId: string;
  /** Only messages sent at least this long ago (ms) and still `pending` (neither delivered nor failed). */
  olderThanMs: number;
  /** The current time (default: now). */
  now?: Date;
  /** Aborts the lookups. */
  signal?: AbortSignal;
}

/** What {@link fillGapsFromHistory} did. */
export interface GapFillResult {
  /** Pending messages older than the threshold: the ones looked up. */
  checked: number;
  /** Of those, messages the history had at least one new status for. */
  healed: number;
  /** The status events appended (each marked `source: 'history'`). */
  appended: StatusEvent[];
}

const optionsShape = optionsSchema<FillGapsOptions>()({
  campaignId: z.string().min(1),
  olderThanMs: z.number().finite().nonnegative(),
  now: z.date().optional(),
  signal: z.instanceof(AbortSignal).optional(),
});

/**
 * Fills the statuses whose webhooks never came from Meta's message history: for each message of the
 * campaign still `pending` `olderThanMs` after it was sent, reads its history
 * (`wa.insights.messageHistory`, and `messageHistoryEvents` when the embedded events are paged) and
 * appends each `sent`, `delivered`, `read` or `failed` status not yet stored, marked
 * `source: 'history'`. Idempotent: a status already stored (from a webhook or an earlier run) is not
 * appended again, and a webhook for it arriving later is dropped by the store's event key.
 *
 * One phone-number read per pending message (not counted against the WABA read budget).
 * Throws `ConfigError` for invalid options (a negative or non-finite `olderThanMs`, say).
 */
export async function fillGapsFromHistory(
  store: EventStore,
  client: Pick<WhatsAppClient, 'insights'>,
  options: FillGapsOptions,
): Promise<GapFillResult> {
  parseOptions('fillGapsFromHistory', optionsShape, options);
  const { campaignId, olderThanMs } = options;
  const cutoff = (options.now ?? new Date()).getTime() - olderThanMs;
  const facts = await collectCampaignFacts(store, { campaignId });
  const pending = facts.messages.filter((m) => m.pending && m.sentAt.getTime() <= cutoff);
  const stored = await storedStatusKeys(
    store,
    pending.map((m) => m.messageId),
  );
  const appended: StatusEvent[] = [];
  let healed = 0;
  for (const message of pending) {
    const fresh: StatusEvent[] = [];
    for (const occurrence of await historyOf(client, message.messageId, options.signal)) {
      const event = statusEventOfOccurrence(occurrence, message);
      if (event === undefined) continue;
      const key = eventKey(event);
      if (stored.has(key)) continue;
      stored.add(key);
      fresh.push(event);
    }
    if (fresh.length === 0) continue;
    healed++;
    appended.push(...fresh);
  }
  if (appended.length > 0) await store.append(appended);
  return { checked: pending.length, healed, appended };
}

async function storedStatusKeys(store: EventStore, messageIds: string[]): Promise<Set<string>> {
  const keys = new Set<string>();
  if (messageIds.length === 0) return keys;
  for await (const event of store.scan({ kinds: ['status'], messageIds })) keys.add(eventKey(event));
  return keys;
}

/** Every delivery status occurrence Meta's history holds for one message. */
async function historyOf(
  client: Pick<WhatsAppClient, 'insights'>,
  messageId: string,
  signal: AbortSignal | undefined,
): Promise<HistoryOccurrence[]> {
  const occurrences: HistoryOccurrence[] = [];
  const call = signal === undefined ? {} : { signal };
  for await (const entry of client.insights.messageHistory({ messageId, ...call })) {
    if (entry.message_id !== messageId) continue;
    if (embeddedComplete(entry)) {
      occurrences.push(...(entry.events?.data ?? []).map(occurrenceOfEvent));
      continue;
    }
    for await (const edge of client.insights.messageHistoryEvents(entry.id, call)) {
      occurrences.push(occurrenceOfEdge(edge));
    }
  }
  return occurrences;
}

/** Whether the entry embeds all its events (a first page with no next one). */
function embeddedComplete(entry: MessageHistoryEntry): boolean {
  const events = entry.events;
  if (events === undefined || !Array.isArray(events.data)) return false;
  const paging = events.paging as { next?: unknown } | undefined;
  return paging?.next === undefined;
}
