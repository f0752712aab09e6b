import { normalizeRecipientId } from './recipient-id.js';
import type { StoredEvent } from './stored-event.js';

const SEP = '\u001f';

function part(value: string | number | undefined): string {
  return value === undefined ? '' : String(value);
}

/**
 * The identity of a stored event: two events with the same key are the same fact, and stores keep only
 * the first. `status`: messageId + status (Meta's own dedupe rule); `inbound` and `outbound`: messageId;
 * `send_failed`: its idempotencyKey when set; `held_out`: campaign + recipient (normalized); `click`: its content with its source and Meta click id; every other kind (and `send_failed` without one): its
 * content, including `at`. SQL stores use this same function for their unique key.
 */
export function eventKey(event: StoredEvent): string {
  switch (event.kind) {
    case 'status':
      return `s${SEP}${event.messageId}${SEP}${event.status}`;
    case 'inbound':
      return `i${SEP}${event.messageId}`;
    case 'outbound':
      return `o${SEP}${event.messageId}`;
    case 'send_failed':
      return event.idempotencyKey !== undefined
        ? `f${SEP}k${SEP}${event.idempotencyKey}`
        : `f${SEP}${event.recipientId}${SEP}${event.at.getTime()}${SEP}${part(event.campaignId)}${SEP}${part(event.errorCode)}`;
    case 'click': {
      const key = `c${SEP}${event.at.getTime()}${SEP}${part(event.messageId)}${SEP}${part(event.recipientId)}${SEP}${part(event.campaignId)}${SEP}${part(event.url)}`;
      // Keys of clicks without a source or click id stay as they were before those fields existed.
      return event.source === undefined && event.clickId === undefined
        ? key
        : `${key}${SEP}${part(event.source)}${SEP}${part(event.clickId)}`;
    }
    case 'opt_out':
    case 'opt_in':
    case 'block':
      // The category joins the key only when set, so keys of events stored before it existed stay the same.
      return `${event.kind}${SEP}${event.recipientId}${SEP}${event.at.getTime()}${SEP}${part(event.messageId)}${SEP}${part(event.source)}${event.category === undefined ? '' : `${SEP}${event.category}`}`;
    case 'held_out':
      return `h${SEP}${event.campaignId}${SEP}${normalizeRecipientId(event.recipientId)}`;
    case 'conversion':
      // The code and token join the key only when set, so keys of conversions stored before they existed stay the same.
      return `v${SEP}${event.at.getTime()}${SEP}${part(event.messageId)}${SEP}${part(event.recipientId)}${SEP}${part(event.campaignId)}${SEP}${part(event.value)}${SEP}${part(event.currency)}${event.code === undefined ? '' : `${SEP}c${event.code}`}${event.token === undefined ? '' : `${SEP}t${event.token}`}`;
    case 'resolved':
      return `r${SEP}${event.recipientId}${SEP}${event.at.getTime()}${SEP}${part(event.source)}`;
  }
}
