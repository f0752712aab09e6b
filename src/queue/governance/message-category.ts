import { invalidOption } from '../../schemas/validate-options.js';
import type { OutgoingMessageLike } from '../send-client.js';

/** Meta's pricing categories, as `enqueue()`'s `category` option names them. */
export type MessageCategory = 'marketing' | 'utility' | 'authentication' | 'service';

/** The values of {@link MessageCategory}. */
export const MESSAGE_CATEGORIES: readonly MessageCategory[] = [
  'marketing',
  'utility',
  'authentication',
  'service',
];

/** The categories a template is filed under (`service` is for free-form messages only). */
export const TEMPLATE_CATEGORIES: readonly MessageCategory[] = ['marketing', 'utility', 'authentication'];

/** Whether `value` is one of {@link MESSAGE_CATEGORIES}. */
export function isMessageCategory(value: unknown): value is MessageCategory {
  return MESSAGE_CATEGORIES.includes(value as MessageCategory);
}

/**
 * The category governance applies to a message: the `category` it was enqueued with, else
 * `marketing` for a template (the strict reading: consent, caps and quiet hours apply unless you say
 * the template is utility or authentication), else `service` (a free-form message, which Meta only
 * delivers inside the customer service window).
 */
export function categoryOf(
  message: OutgoingMessageLike,
  category: MessageCategory | undefined,
): MessageCategory {
  if (category !== undefined) return category;
  return message.type === 'template' || message.template !== undefined ? 'marketing' : 'service';
}

/** Checks `sendCampaign`'s `category` option: one of {@link MESSAGE_CATEGORIES}, or not given. */
export function checkCategory(category: unknown): void {
  if (category !== undefined && !isMessageCategory(category))
    throw invalidOption('sendCampaign', 'category', `must be one of ${MESSAGE_CATEGORIES.join(', ')}`);
}
