import type { InboundEvent, PreferenceEvent } from '../events/stored-event.js';
import { DEFAULT_OPT_OUT_PAYLOADS, isOptOutPayload, isOptOutText } from './opt-out-keywords.js';

/** Which inbound replies count as opt-outs, besides `opt_out` events. */
export interface OptOutDetectionOptions {
  /**
   * Whole-message STOP keywords (normalised for case, whitespace and punctuation). Replaces the
   * built-in multilingual list when given; pass `[]` to turn keyword detection off.
   */
  keywords?: readonly string[];
  /** Quick-reply payloads that mean "stop" (default `STOP`, `STOP_PROMO`, `UNSUBSCRIBE`, `OPT_OUT`). */
  quickReplyPayloads?: readonly string[];
}

/**
 * Whether an inbound message asks to stop: a button tap whose payload is in `quickReplyPayloads`
 * (default {@link DEFAULT_OPT_OUT_PAYLOADS}), or a typed message that is a whole-message STOP keyword
 * (see {@link isOptOutText}). A button tap is judged by its payload only, never by its title: a
 * booking flow's "Cancel" button is not an unsubscribe. The rule the metrics use for `optedOut`, and
 * the one the webhook processor uses to record `opt_out` events (which suppress the sender).
 */
export function isOptOutInbound(event: InboundEvent, options: OptOutDetectionOptions = {}): boolean {
  if (event.buttonPayload !== undefined) {
    return isOptOutPayload(event.buttonPayload, options.quickReplyPayloads ?? DEFAULT_OPT_OUT_PAYLOADS);
  }
  if (event.text === undefined) return false;
  return isOptOutText(event.text, options.keywords ? { keywords: options.keywords } : undefined);
}

/**
 * The `opt_out` event to append when an inbound message asks to stop (so a `StoreSuppressionList`
 * suppresses the sender), or `undefined`. It names the message the reply answers, when there is one;
 * its source is `quick_reply` or `keyword`.
 *
 * @example
 * ```ts
 * const optOut = optOutEventFor(inbound);
 * if (optOut) await store.append([optOut]);
 * ```
 */
export function optOutEventFor(
  event: InboundEvent,
  options: OptOutDetectionOptions = {},
): PreferenceEvent | undefined {
  if (!isOptOutInbound(event, options)) return undefined;
  const byPayload =
    event.buttonPayload !== undefined &&
    isOptOutPayload(event.buttonPayload, options.quickReplyPayloads ?? DEFAULT_OPT_OUT_PAYLOADS);
  const optOut: PreferenceEvent = {
    kind: 'opt_out',
    recipientId: event.recipientId,
    at: event.at,
    source: byPayload ? 'quick_reply' : 'keyword',
  };
  if (event.contextMessageId !== undefined) optOut.messageId = event.contextMessageId;
  return optOut;
}
