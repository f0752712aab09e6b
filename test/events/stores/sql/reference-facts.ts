import { eventKey } from '../../../../src/events/event-key.js';
import { normalizeRecipientId } from '../../../../src/events/recipient-id.js';
import type { StoredEvent } from '../../../../src/events/stored-event.js';
import { CampaignFactsBuilder } from '../../../../src/metrics/campaign-facts-builder.js';
import type { CampaignFacts } from '../../../../src/metrics/message-facts.js';
import type { MetricsQuery } from '../../../../src/metrics/metrics-types.js';

/**
 * The facts the memory store's generic path folds from a raw stream: events deduplicated by
 * `eventKey` (first wins), in ascending `at` (ties in append order), sends first, then everything else.
 */
export function referenceFacts(events: readonly StoredEvent[], query: MetricsQuery): CampaignFacts {
  const seen = new Set<string>();
  const unique = events.filter((event) => {
    const key = eventKey(event);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
  unique.sort((a, b) => a.at.getTime() - b.at.getTime());
  const builder = new CampaignFactsBuilder(query);
  for (const event of unique) {
    if (event.kind === 'outbound' || event.kind === 'send_failed') builder.addSend(event);
  }
  if (query.blockInference) {
    const recipients = new Set(builder.recipientIds().map(normalizeRecipientId));
    const delivered = new Set(
      unique
        .filter((e) => e.kind === 'status' && ['delivered', 'read', 'played'].includes(e.status))
        .map((e) => (e.kind === 'status' ? e.messageId : '')),
    );
    for (const event of unique) {
      if (event.kind !== 'outbound' || !delivered.has(event.messageId)) continue;
      if (recipients.has(normalizeRecipientId(event.recipientId))) {
        builder.addPriorDelivery(event.recipientId, event.at);
      }
    }
  }
  for (const event of unique) {
    if (event.kind !== 'outbound' && event.kind !== 'send_failed') builder.addEvent(event);
  }
  return builder.build();
}
