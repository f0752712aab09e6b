import { parseRetryAfter } from '../../../src/client/retry-after.js';
import { createGraphApiError } from '../../../src/errors/graph-api-error.js';
import { NetworkError } from '../../../src/errors/index.js';
import type { OutgoingMessageLike, QueueClient, SendResultLike } from '../../../src/queue/index.js';

/** A minimal QueueClient over fetch, standing in for WhatsAppClient in queue tests. */
export function httpQueueClient(baseUrl: string, phoneNumberId = '106540352242922'): QueueClient {
  return {
    phoneNumberId,
    messages: {
      async send(message: OutgoingMessageLike): Promise<SendResultLike> {
        let response: Response;
        try {
          response = await fetch(`${baseUrl}/v23.0/${phoneNumberId}/messages`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({ messaging_product: 'whatsapp', ...message }),
          });
        } catch (cause) {
          throw new NetworkError('fetch failed', { cause, requestMayHaveReachedServer: false });
        }
        const body = (await response.json()) as {
          contacts?: Array<{ input: string; wa_id?: string }>;
          messages?: Array<{ id: string }>;
        };
        if (!response.ok) {
          const retryAfterMs = parseRetryAfter(response.headers.get('retry-after') ?? undefined);
          throw createGraphApiError({
            status: response.status,
            body,
            ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
          });
        }
        return { messageId: body.messages?.[0]?.id ?? '', input: body.contacts?.[0]?.input ?? '' };
      },
    },
  };
}
