import { GraphApiError } from '../errors/index.js';
import type { OutgoingMessageLike, QueueClient, SendResultLike } from './send-client.js';

/** Which API a queued message goes through: the Cloud API (`/messages`, the default) or the Marketing Messages API. */
export type SendRoute = 'cloud_api' | 'marketing_messages';

/**
 * Marketing Messages API answers meaning "this message cannot go through it": 131055 (method not
 * allowed: not a marketing template), 134100 (only marketing templates), 134102 (template unavailable
 * on it). With `fallback: 'cloud_api'` such a send goes through the Cloud API instead. 134101 (template
 * still syncing) is not one of them: the retry policy tries again in 10 minutes.
 */
export const NOT_MARKETING_ELIGIBLE: ReadonlySet<number> = new Set([131055, 134100, 134102]);

/**
 * Sends one message through the API its enqueue options name (`via`), falling back to the Cloud API
 * when the Marketing Messages API refuses it as not eligible and they ask for it (`fallback`). Errors
 * are thrown as the client threw them, for the retry policy.
 */
export async function sendByRoute(
  client: QueueClient,
  message: OutgoingMessageLike,
  route: { via?: SendRoute; fallback?: 'cloud_api' },
  options: { signal?: AbortSignal; maxRetries: number },
): Promise<SendResultLike> {
  const { via, fallback } = route;
  if (via !== 'marketing_messages') return client.messages.send(message, options);
  const sendMarketing = client.messages.sendMarketing;
  if (sendMarketing === undefined) {
    throw new TypeError(
      'the queue client has no messages.sendMarketing (needed for via: "marketing_messages")',
    );
  }
  try {
    return await sendMarketing.call(client.messages, message, options);
  } catch (error) {
    if (
      fallback === 'cloud_api' &&
      error instanceof GraphApiError &&
      NOT_MARKETING_ELIGIBLE.has(error.code)
    ) {
      return client.messages.send(message, options);
    }
    throw error;
  }
}
