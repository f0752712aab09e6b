import { assertKnownOptions, optionKeys } from '../../../schemas/validate-options.js';
import type { EventFilter } from '../../event-store.js';
import { normalizeRecipientId } from '../../recipient-id.js';
import type { SqlParams } from './sql-params.js';

const FILTER_KEYS = optionKeys<EventFilter>()({
  campaignId: true,
  kinds: true,
  from: true,
  to: true,
  messageIds: true,
  recipientIds: true,
});

/**
 * The SQL conditions (AND-ed, without `WHERE`) selecting the events an {@link EventFilter} matches,
 * with the same semantics as the memory store (unknown keys throw `ConfigError`): `from` inclusive, `to` exclusive, `messageIds` matching an
 * event's own `messageId` or an inbound event's `contextMessageId`, recipients compared normalized.
 */
export function eventFilterConditions(filter: EventFilter, params: SqlParams): string[] {
  assertKnownOptions('EventFilter', filter, FILTER_KEYS);
  const conditions: string[] = [];
  if (filter.campaignId !== undefined) conditions.push(`campaign_id = ${params.add(filter.campaignId)}`);
  if (filter.kinds !== undefined) conditions.push(params.inList('kind', filter.kinds));
  if (filter.from !== undefined) conditions.push(`at >= ${params.addInstant(filter.from)}`);
  if (filter.to !== undefined) conditions.push(`at < ${params.addInstant(filter.to)}`);
  if (filter.messageIds !== undefined) {
    const ids = [...filter.messageIds];
    conditions.push(`(${params.inList('message_id', ids)} OR ${params.inList('context_message_id', ids)})`);
  }
  if (filter.recipientIds !== undefined) {
    conditions.push(params.inList('recipient_key', filter.recipientIds.map(normalizeRecipientId)));
  }
  return conditions;
}
