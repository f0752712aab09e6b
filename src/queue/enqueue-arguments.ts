import { ValidationError } from '../errors/index.js';
import type { EnqueueOptions } from './adapter.js';
import { isMessageCategory, MESSAGE_CATEGORIES } from './governance/message-category.js';

/** The keys `enqueue()` options may have. */
const ENQUEUE_OPTION_KEYS: ReadonlySet<string> = new Set<keyof EnqueueOptions>([
  'campaignId',
  'variant',
  'segment',
  'idempotencyKey',
  'metadata',
  'category',
  'notBefore',
  'via',
  'fallback',
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
  const { category, notBefore, via, fallback } = options as EnqueueOptions;
  if (via !== undefined && via !== 'cloud_api' && via !== 'marketing_messages') {
    throw new ValidationError(
      [
        {
          path: 'options.via',
          message: 'must be "cloud_api" or "marketing_messages"',
          code: 'invalid_value',
        },
      ],
      'enqueue() argument',
    );
  }
  if (fallback !== undefined && (fallback !== 'cloud_api' || via !== 'marketing_messages')) {
    throw new ValidationError(
      [
        {
          path: 'options.fallback',
          message: 'must be "cloud_api", with via: "marketing_messages"',
          code: 'invalid_value',
        },
      ],
      'enqueue() argument',
    );
  }
  if (category !== undefined && !isMessageCategory(category)) {
    throw new ValidationError(
      [
        {
          path: 'options.category',
          message: `must be one of ${MESSAGE_CATEGORIES.join(', ')}`,
          code: 'invalid_value',
        },
      ],
      'enqueue() argument',
    );
  }
  if (notBefore !== undefined && !(notBefore instanceof Date && !Number.isNaN(notBefore.getTime()))) {
    throw new ValidationError(
      [{ path: 'options.notBefore', message: 'must be a valid Date', code: 'invalid_type' }],
      'enqueue() argument',
    );
  }
}
