import type { EventStore } from '../metrics/event-store.js';
import { normalizeRecipientId } from '../metrics/recipient-id.js';
import { isOptOutInbound } from '../tracking/opt-out-detection.js';
import type { OptOutBucket } from './report-input.js';

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
/** Bucket sizes to choose from: the smallest that gives at most {@link MAX_BUCKETS} bars wins. */
const SIZES = [SECOND, 5 * SECOND, 15 * SECOND, MINUTE, 5 * MINUTE, 15 * MINUTE, HOUR, 6 * HOUR, DAY];
const MAX_BUCKETS = 48;
const CHUNK = 5000;

function bucketSize(spanMs: number): number {
  for (const size of SIZES) if (spanMs / size < MAX_BUCKETS) return size;
  return Math.ceil(spanMs / MAX_BUCKETS / DAY) * DAY;
}

/**
 * Counts a campaign's opt-outs over time for the report's chart, in UTC buckets sized to the span
 * (from seconds to days, at most 48 bars), with empty buckets in between so the axis is even. A recipient counts
 * once, at their first opt-out signal after the campaign's first send: an `opt_out` event, a STOP
 * quick reply or keyword (the metrics' default detection), or a status failed with 131050.
 */
export async function optOutsOverTime(store: EventStore, campaignId: string): Promise<OptOutBucket[]> {
  const recipientOf = new Map<string, string>();
  let firstSend = Number.POSITIVE_INFINITY;
  for await (const event of store.scan({ campaignId, kinds: ['outbound'] })) {
    if (event.kind !== 'outbound') continue;
    recipientOf.set(event.messageId, normalizeRecipientId(event.recipientId));
    firstSend = Math.min(firstSend, event.at.getTime());
  }
  if (recipientOf.size === 0) return [];
  const firstSignal = new Map<string, number>();
  const note = (recipient: string | undefined, at: Date) => {
    if (recipient === undefined) return;
    const previous = firstSignal.get(recipient);
    if (previous === undefined || at.getTime() < previous) firstSignal.set(recipient, at.getTime());
  };
  const ids = [...new Set(recipientOf.values())];
  const from = new Date(firstSend);
  for (let i = 0; i < ids.length; i += CHUNK) {
    const recipientIds = ids.slice(i, i + CHUNK);
    for await (const event of store.scan({ kinds: ['opt_out', 'inbound'], recipientIds, from })) {
      if (event.kind === 'opt_out' || (event.kind === 'inbound' && isOptOutInbound(event))) {
        note(normalizeRecipientId(event.recipientId), event.at);
      }
    }
  }
  const messageIds = [...recipientOf.keys()];
  for (let i = 0; i < messageIds.length; i += CHUNK) {
    const chunk = messageIds.slice(i, i + CHUNK);
    for await (const event of store.scan({ kinds: ['status'], messageIds: chunk })) {
      if (event.kind === 'status' && event.status === 'failed' && event.errorCode === 131050) {
        note(recipientOf.get(event.messageId), event.at);
      }
    }
  }
  const times = [...firstSignal.values()];
  if (times.length === 0) return [];
  const first = Math.min(...times);
  const last = Math.max(...times);
  const size = bucketSize(last - first);
  const start = Math.floor(first / size) * size;
  const counts = new Map<number, number>();
  for (const t of times) {
    const key = Math.floor(t / size) * size;
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  const buckets: OptOutBucket[] = [];
  for (let t = start; t <= last; t += size) buckets.push({ date: new Date(t), count: counts.get(t) ?? 0 });
  return buckets;
}
