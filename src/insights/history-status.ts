import type { MessageDeliveryStatusEvent, MessageHistoryEventEdge } from '../client/index.js';
import type { StatusEvent } from '../events/stored-event.js';

const STATUS_OF: Readonly<Record<string, string>> = {
  SENT: 'sent',
  DELIVERED: 'delivered',
  READ: 'read',
  FAILED: 'failed',
};

/** The `(#131026)` code Meta writes at the start of a failed occurrence's `error_description`. */
const ERROR_CODE = /\(#(\d+)\)/;

/** One delivery status from Meta's message history, whichever of its two shapes it came in. */
export interface HistoryOccurrence {
  /** `SENT`, `DELIVERED`, `READ`, `FAILED`, `DELETED`, ... */
  status: string;
  /** When it happened, Unix seconds. */
  seconds: number;
  /** Why delivery failed, when it did. */
  errorDescription: string | undefined;
}

/** An event embedded in a `message_history` entry, as a {@link HistoryOccurrence}. */
export function occurrenceOfEvent(event: MessageDeliveryStatusEvent): HistoryOccurrence {
  return {
    status: event.delivery_status,
    seconds: event.timestamp,
    errorDescription: event.error_description,
  };
}

/** An edge of `/{message-history-id}/events`, as a {@link HistoryOccurrence}. */
export function occurrenceOfEdge(edge: MessageHistoryEventEdge): HistoryOccurrence {
  const node = edge.node;
  return {
    status: node.delivery_status,
    seconds: node.occurrence_timestamp,
    errorDescription: node.error_description,
  };
}

/**
 * The stored `status` event (marked `source: 'history'`) of one history occurrence, or `undefined`
 * for a status wacloud does not fold (`DELETED`, or one Meta adds later) or a timestamp that is not
 * a number.
 */
export function statusEventOfOccurrence(
  occurrence: HistoryOccurrence,
  message: { messageId: string; recipientId: string },
): StatusEvent | undefined {
  const status = STATUS_OF[occurrence.status];
  if (status === undefined || !Number.isFinite(occurrence.seconds)) return undefined;
  const event: StatusEvent = {
    kind: 'status',
    messageId: message.messageId,
    status,
    at: new Date(occurrence.seconds * 1000),
    recipientId: message.recipientId,
    source: 'history',
  };
  const code = occurrence.errorDescription?.match(ERROR_CODE)?.[1];
  if (status === 'failed' && code !== undefined) event.errorCode = Number(code);
  return event;
}
