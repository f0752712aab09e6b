import { Job, type Queue } from 'bullmq';
import { WhatsAppError } from '../../../errors/index.js';
import type { SendJob } from '../../adapter.js';
import type { SendOutcome } from '../../outcome.js';
import { decodeOutcome, type EncodedOutcome } from './outcome-codec.js';

/** A dispatch marker's value once the message was sent: this prefix, then Meta's message id. */
export const SENT_MARKER = 'sent:';

/** How a job that ended settles its enqueue: with an outcome, or failed with BullMQ's reason. */
export type EndedJob = { outcome: SendOutcome } | { failedReason: string };

/**
 * What Redis says of a job whose `completed`/`failed` event this process has not read: `undefined`
 * while the job is still queued, delayed or running; else how it ended. A job removed after it ended
 * (`removeOnComplete`) is read from its dispatch marker (`marker`): sent with its message id, or
 * `unknown` (its worker recorded the real outcome in the store; this process cannot tell it).
 */
export async function endedJobOutcome(
  queue: Queue,
  job: SendJob,
  marker: () => Promise<string | null>,
): Promise<EndedJob | undefined> {
  const state = await queue.getJobState(job.id);
  if (state !== 'completed' && state !== 'failed' && state !== 'unknown') return undefined;
  const ended = state === 'unknown' ? undefined : await Job.fromId(queue, job.id);
  if (ended !== undefined) {
    if (state === 'failed') return { failedReason: ended.failedReason };
    return { outcome: parseOutcome(ended.returnvalue) };
  }
  const dispatched = await marker();
  return {
    outcome: markerOutcome(
      job,
      dispatched ?? '',
      new WhatsAppError(
        `Queue job ${job.id} ended and was removed from Redis before this process read its outcome; ` +
          'the worker that ran it recorded the outcome in the event store',
      ),
    ),
  };
}

/** A job's return value (JSON text from the events stream, or parsed from the job) as an outcome. */
export function parseOutcome(value: unknown): SendOutcome {
  const encoded = (typeof value === 'string' ? JSON.parse(value) : value) as EncodedOutcome;
  return decodeOutcome(encoded);
}

/**
 * The outcome a job's dispatch marker tells: `sent` with Meta's message id when the marker holds one,
 * else `unknown` with `error` (a request may have reached Meta; it is never sent again).
 */
export function markerOutcome(job: SendJob, marker: string, error: WhatsAppError): SendOutcome {
  const base = {
    attempts: job.attempts + (job.priorAttempts ?? 0),
    recipientId: job.recipientId,
    ...(job.options.idempotencyKey === undefined ? {} : { idempotencyKey: job.options.idempotencyKey }),
  };
  if (marker.startsWith(SENT_MARKER))
    return { ...base, status: 'sent', messageId: marker.slice(SENT_MARKER.length) };
  return { ...base, status: 'unknown', error };
}
