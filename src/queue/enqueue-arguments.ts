import { ValidationError } from '../errors/index.js';
import type { EnqueueOptions } from './adapter.js';

/** The keys `enqueue()` options may have. */
const ENQUEUE_OPTION_KEYS: ReadonlySet<string> = new Set<keyof EnqueueOptions>([
  'campaignId',
  'variant',
  'segment',
  'idempotencyKey',
  'metadata',
]);

/**
 * Checks what `enqueue()` was given before anything is queued: the message must be an object and the
 * options an object with known keys only (a misspelt `idempotencyKey` would silently send twice).
 * Throws `ValidationError` naming the field.
 */
export function checkEnqueueArguments(message: unknown, options: unknown): void {
  if (typeof message !== 'object' || message === null || Array.isArray(message)) {
    throw new ValidationError(
      [
        {
          path: 'message',
          message: 'must be an object (the Cloud API body without messaging_product)',
          code: 'invalid_type',
        },
      ],
      'enqueue() argument',
    );
  }
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw new ValidationError(
      [{ path: 'options', message: 'must be an object', code: 'invalid_type' }],
      'enqueue() argument',
    );
  }
  for (const key in options) {
    if (!ENQUEUE_OPTION_KEYS.has(key)) {
      throw new ValidationError(
        [
          {
            path: `options.${key}`,
            message: `is not an enqueue option (allowed: ${[...ENQUEUE_OPTION_KEYS].join(', ')})`,
            code: 'unrecognized_keys',
          },
        ],
        'enqueue() argument',
      );
    }
  }
}
