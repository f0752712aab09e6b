import { createGraphApiError } from '../../../src/errors/graph-api-error.js';
import type { OutgoingMessageLike, QueueClient, SendResultLike } from '../../../src/queue/index.js';

/** A send call the scripted client saw. */
export interface ScriptedCall {
  to: string;
  attempt: number;
}

/**
 * An in-process QueueClient whose answers are scripted per call: `answer(to, attemptForThisTo)`
 * returns an Error to throw, or undefined to succeed.
 */
export function scriptedClient(answer: (to: string, attempt: number) => Error | undefined = () => undefined) {
  const calls: ScriptedCall[] = [];
  const perRecipient = new Map<string, number>();
  let seq = 0;
  const client: QueueClient = {
    phoneNumberId: 'PN1',
    messages: {
      async send(message: OutgoingMessageLike): Promise<SendResultLike> {
        const to = String(message.to ?? message.recipient);
        const attempt = (perRecipient.get(to) ?? 0) + 1;
        perRecipient.set(to, attempt);
        calls.push({ to, attempt });
        await Promise.resolve();
        const error = answer(to, attempt);
        if (error) throw error;
        return { messageId: `wamid.s${++seq}`, input: to };
      },
    },
  };
  return { client, calls };
}

/** A Graph error as the client would throw it. */
export function graph(code: number, retryAfterMs?: number): Error {
  return createGraphApiError({
    status: 400,
    body: { error: { message: `error ${code}`, code } },
    ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
  });
}

/** Fast retry settings for tests. */
export const fastRetry = { baseDelayMs: 2, maxDelayMs: 10, pairBackoffUnitMs: 5, longDelayMs: 10 };
