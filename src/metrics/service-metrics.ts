import { z } from 'zod';
import { ValidationError } from '../errors/index.js';
import type { EventStore } from '../events/event-store.js';
import { normalizeRecipientId } from '../events/recipient-id.js';
import type { InboundEvent, OutboundEvent, ResolvedEvent } from '../events/stored-event.js';
import { RecipientClock } from './recipient-local-time.js';

/** 24 hours: a conversation with no message either way for this long is over (Meta's service window). */
export const DEFAULT_QUIET_PERIOD_MS = 24 * 60 * 60 * 1000;

/** How {@link computeServiceMetrics} breaks conversations down, by when they started (in `timeZone`). */
export type ServiceGroupBy = 'day' | 'weekday' | 'hour';

/** What {@link computeServiceMetrics} measures. */
export interface ServiceMetricsQuery {
  /** Conversations that start (first customer message) at or after this instant. */
  from: Date;
  /** ...and strictly before this one. Replies after it still count. */
  to: Date;
  /** Also break the numbers down by the day (`YYYY-MM-DD`), weekday (`1 Mon`…) or hour (`00`…) the conversations started. */
  groupBy?: ServiceGroupBy;
  /** IANA time zone of the groups (default `UTC`): your team's, since it is about your working hours. */
  timeZone?: string;
  /** Silence (no message either way) that ends a conversation (default 24 h). */
  quietPeriodMs?: number;
  /** With it, `answeredWithinTarget` counts conversations whose first response came within this many ms. */
  targetMs?: number;
  /** The current time (default: now): a conversation still inside its quiet period is `open`. */
  now?: Date;
}

/** Count, median and 90th percentile of durations in ms (nearest rank; `null` when there are none). */
export interface DurationSummary {
  /** How many durations. */
  count: number;
  /** Median, in ms. */
  medianMs: number | null;
  /** 90th percentile, in ms. */
  p90Ms: number | null;
}

/** What {@link computeServiceMetrics} returns (and the same per group). */
export interface ServiceMetrics {
  /** Conversations that started in [from, to). */
  conversations: number;
  /** Of them, answered: we sent a non-template message to the customer before the conversation ended. */
  answered: number;
  /** Still going at `now` (within the quiet period of their last message, and no `resolved` event). */
  open: number;
  /** Of the finished conversations, those closed by a `resolved` event (the rest ended by going quiet). */
  resolvedExplicitly: number;
  /** First-response time: from the customer's first message to our first non-template message after it. */
  firstResponse: DurationSummary;
  /**
   * Resolution time of finished conversations: from the first message to the `resolved` event that
   * closed it, or, without one, to the last message either way before the quiet period.
   */
  resolution: DurationSummary;
  /** With `targetMs`: answered within it; else `null`. */
  answeredWithinTarget: number | null;
  /** answeredWithinTarget / conversations, or `null` (no target or no conversations). */
  withinTargetRate: number | null;
  /** With `groupBy`: the same numbers per group, sorted by key. */
  groups?: Array<{ key: string; metrics: ServiceMetrics }>;
}

const querySchema = z.strictObject({
  from: z.date(),
  to: z.date(),
  groupBy: z.enum(['day', 'weekday', 'hour']).optional(),
  timeZone: z.string().optional(),
  quietPeriodMs: z.number().positive().optional(),
  targetMs: z.number().nonnegative().optional(),
  now: z.date().optional(),
});

/** One conversation, as it is folded from the customer's and our messages in time order. */
interface Conversation {
  startMs: number;
  lastMs: number;
  firstResponseMs?: number;
  /** When a `resolved` event closed it. */
  resolvedMs?: number;
}

/** Order of kinds at the same instant: the customer's message, then our reply, then the resolution. */
const KIND_ORDER = { inbound: 0, outbound: 1, resolved: 2 } as const;

function percentile(sorted: readonly number[], p: number): number | null {
  if (sorted.length === 0) return null;
  return sorted[Math.max(0, Math.ceil(p * sorted.length) - 1)]!;
}

function durations(values: number[]): DurationSummary {
  values.sort((a, b) => a - b);
  return { count: values.length, medianMs: percentile(values, 0.5), p90Ms: percentile(values, 0.9) };
}

function summarize(
  list: readonly Conversation[],
  quietMs: number,
  nowMs: number,
  targetMs?: number,
): ServiceMetrics {
  const responses: number[] = [];
  const resolutions: number[] = [];
  let open = 0;
  let resolvedExplicitly = 0;
  let withinTarget = 0;
  for (const c of list) {
    if (c.firstResponseMs !== undefined) {
      responses.push(c.firstResponseMs);
      if (targetMs !== undefined && c.firstResponseMs <= targetMs) withinTarget++;
    }
    if (c.resolvedMs !== undefined) {
      resolvedExplicitly++;
      resolutions.push(c.resolvedMs - c.startMs);
    } else if (nowMs - c.lastMs < quietMs) open++;
    else resolutions.push(c.lastMs - c.startMs);
  }
  return {
    conversations: list.length,
    answered: responses.length,
    open,
    resolvedExplicitly,
    firstResponse: durations(responses),
    resolution: durations(resolutions),
    answeredWithinTarget: targetMs === undefined ? null : withinTarget,
    withinTargetRate: targetMs === undefined || list.length === 0 ? null : withinTarget / list.length,
  };
}

/**
 * How fast you answer customers. A **conversation** starts with a customer's message (not a system
 * message) when none is going on with them, and ends after `quietPeriodMs` (24 h by default) without a
 * message either way. **First-response time**: from its first customer message to our first
 * non-template outbound message to them after it (a template is a campaign or notification, not an
 * answer). **Resolution time**: from its first message to the `resolved` event your app stored for
 * that customer (a ticket closed), else to its last message either way, for conversations already over
 * at `now`; those still going are `open`. A `resolved` event ends the conversation: the customer's next
 * message starts a new one. Count, median and 90th percentile (nearest rank)
 * of each. Our replies must be stored as `outbound` events: the send queue records them; store a reply
 * sent with `wa.messages.send` with `recordOutbound` (or `processor.recordOutbound`).
 *
 * @example
 * ```ts
 * const service = await computeServiceMetrics(store, { from: monday, to: nextMonday, groupBy: 'day',
 *   timeZone: 'Europe/Berlin', targetMs: 15 * 60_000 });
 * console.log(service.firstResponse.medianMs, service.withinTargetRate);
 * ```
 */
export async function computeServiceMetrics(
  store: EventStore,
  query: ServiceMetricsQuery,
): Promise<ServiceMetrics> {
  const parsed = querySchema.safeParse(query);
  if (!parsed.success) {
    throw new ValidationError(
      parsed.error.issues.map((issue) => ({
        path: issue.path.map(String).join('.'),
        message: issue.message,
        code: issue.code,
      })),
      'service metrics query',
    );
  }
  const q = parsed.data;
  const timeZone = q.timeZone ?? 'UTC';
  let clock: RecipientClock;
  try {
    clock = new RecipientClock(timeZone);
    clock.keysIn(timeZone, q.from);
  } catch {
    throw new ValidationError(
      [{ path: 'timeZone', message: 'unknown IANA time zone' }],
      'service metrics query',
    );
  }
  const quietMs = q.quietPeriodMs ?? DEFAULT_QUIET_PERIOD_MS;
  const nowMs = (q.now ?? new Date()).getTime();
  const fromMs = q.from.getTime();
  const toMs = q.to.getTime();

  // A conversation may have begun up to a quiet period before `from`; messages before that cannot matter.
  const events: Array<InboundEvent | OutboundEvent | ResolvedEvent> = [];
  for await (const event of store.scan({
    kinds: ['inbound', 'outbound', 'resolved'],
    from: new Date(fromMs - quietMs),
  })) {
    if (event.kind === 'inbound' || event.kind === 'outbound' || event.kind === 'resolved') {
      events.push(event);
    }
  }
  // Time order; at the same instant the customer's message first (webhook times are whole seconds).
  events.sort((a, b) => a.at.getTime() - b.at.getTime() || KIND_ORDER[a.kind] - KIND_ORDER[b.kind]);
  const current = new Map<string, Conversation>();
  const counted: Conversation[] = [];
  const seen = new Set<string>();
  for (const event of events) {
    if (event.kind === 'inbound') {
      // Webhook retries repeat a message: each inbound message id counts once.
      if (seen.has(event.messageId)) continue;
      seen.add(event.messageId);
    }
    const atMs = event.at.getTime();
    const key = normalizeRecipientId(event.recipientId);
    let conversation = current.get(key);
    if (conversation && atMs - conversation.lastMs >= quietMs) {
      current.delete(key);
      conversation = undefined;
    }
    if (event.kind === 'resolved') {
      // Closes the conversation going on (a resolution with none going on changes nothing).
      if (conversation) {
        conversation.resolvedMs = atMs;
        current.delete(key);
      }
    } else if (event.kind === 'inbound') {
      if (event.messageType === 'system') continue;
      if (!conversation) {
        conversation = { startMs: atMs, lastMs: atMs };
        current.set(key, conversation);
        if (atMs >= fromMs && atMs < toMs) counted.push(conversation);
      }
      conversation.lastMs = atMs;
    } else if (conversation && event.templateName === undefined) {
      // A template (a campaign, a notification) is not an answer, and does not keep the conversation going.
      conversation.lastMs = atMs;
      conversation.firstResponseMs ??= atMs - conversation.startMs;
    }
  }
  const metrics = summarize(counted, quietMs, nowMs, q.targetMs);
  if (q.groupBy) {
    const by = q.groupBy;
    const day = new Intl.DateTimeFormat('en-CA', {
      timeZone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
    });
    const keyOf = (c: Conversation): string => {
      const at = new Date(c.startMs);
      return by === 'day' ? day.format(at) : clock.keysIn(timeZone, at)[by];
    };
    const groups = new Map<string, Conversation[]>();
    for (const c of counted) {
      const key = keyOf(c);
      const list = groups.get(key);
      if (list) list.push(c);
      else groups.set(key, [c]);
    }
    metrics.groups = [...groups.keys()]
      .sort()
      .map((key) => ({ key, metrics: summarize(groups.get(key)!, quietMs, nowMs, q.targetMs) }));
  }
  return metrics;
}
