import type { StoredEvent } from '../events/stored-event.js';
import type { LiveMessage } from './live-message.js';

/**
 * Whether `event` (one the live fold keeps for a person: it concerns a campaign recipient) names no
 * message, so the builder attributes it by its recipient; and if so, whether the attribution window
 * applies to it: the same cases as `CampaignFactsBuilder.addEvent` (a campaign-scoped click token and a
 * conversion by link token have no window). Returns undefined for an event that names its message.
 *
 * @internal
 */
export function unlinkedWindowed(event: StoredEvent): boolean | undefined {
  switch (event.kind) {
    case 'inbound':
      return event.contextMessageId === undefined ? true : undefined;
    case 'click':
      return event.messageId === undefined ? event.campaignId === undefined : undefined;
    case 'opt_out':
    case 'block':
      return event.messageId === undefined ? true : undefined;
    case 'conversion':
      if (event.messageId !== undefined) return undefined;
      return !(
        event.token !== undefined &&
        event.recipientId !== undefined &&
        event.campaignId !== undefined
      );
    default:
      return undefined;
  }
}

/**
 * The message of one person an event naming no message goes to, by the builder's rule
 * (`CampaignFactsBuilder`'s latest-for): their latest message (by send time, then id) sent before the
 * end of the event's second that has not failed, if sent within `windowMs` of the event when
 * `windowed`. `failed` tells whether a message failed (as the builder decides it, before any such
 * event is credited). Not for `attributionWindowFrom: 'click'`, where a click may reopen the window.
 *
 * @internal
 */
export function unlinkedTarget<M extends LiveMessage>(
  messages: readonly M[],
  atMs: number,
  windowed: boolean,
  windowMs: number,
  failed: (message: M) => boolean,
): M | undefined {
  const sentBefore = Math.floor(atMs / 1000) * 1000 + 1000;
  let found: M | undefined;
  for (const message of messages) {
    const sentMs = message.send.at.getTime();
    if (sentMs >= sentBefore || failed(message)) continue;
    if (found === undefined) {
      found = message;
      continue;
    }
    const foundMs = found.send.at.getTime();
    if (sentMs > foundMs || (sentMs === foundMs && message.send.messageId > found.send.messageId))
      found = message;
  }
  if (found !== undefined && windowed && atMs - found.send.at.getTime() > windowMs) return undefined;
  return found;
}
