import { ValidationError } from '../errors/index.js';
import { normalizeRecipientId } from '../events/recipient-id.js';
import type { OutgoingMessageLike } from './send-client.js';

/**
 * The key the queue spaces, suppresses and records a message under: the `to` phone number reduced
 * to its digits (so `+1 (650) 555-1234` and `16505551234` are one person), else the BSUID.
 */
export function recipientIdOf(message: OutgoingMessageLike): string {
  if (typeof message.to === 'string' && message.to.trim() !== '')
    return normalizeRecipientId(message.to.trim());
  if (typeof message.recipient === 'string' && message.recipient.trim() !== '')
    return message.recipient.trim();
  throw new ValidationError([
    { path: 'to', message: 'a message needs `to` (phone number) or `recipient` (BSUID)' },
  ]);
}
