import { ConfigError, ValidationError, type ValidationIssue } from '../../errors/index.js';
import type { OutgoingMessage } from '../../messages/types/outgoing-message.js';
import { validateOutgoingMessage } from '../../messages/validate.js';
import type { CallOptions } from '../transport.js';
import type { SendableMessage } from './sendable-message.js';

/**
 * What the Marketing Messages API does when it cannot deliver through itself: `CLOUD_API_FALLBACK`
 * lets Meta send the message through the Cloud API instead; `STRICT` does not.
 */
export type MarketingProductPolicy = 'CLOUD_API_FALLBACK' | 'STRICT';

/** Options of `messages.sendMarketing`. */
export interface SendMarketingOptions extends CallOptions {
  /** Sent as `product_policy` (Meta's default applies when absent). */
  productPolicy?: MarketingProductPolicy;
  /**
   * Sent as `message_activity_sharing`: whether Meta shares the message's activity (clicks, the
   * `user_actions` webhook) with you. Meta's WABA-level default applies when absent.
   */
  messageActivitySharing?: boolean;
}

const OPTION_KEYS = new Set(['productPolicy', 'messageActivitySharing', 'signal', 'timeoutMs', 'maxRetries']);
const PRODUCT_POLICIES: ReadonlySet<string> = new Set(['CLOUD_API_FALLBACK', 'STRICT']);

/**
 * The exact JSON sent to `POST /{phone-number-id}/marketing_messages` (spec:
 * `MarketingMessageRequestPayload`): `messaging_product`, then `recipient_type: "individual"` when the
 * message does not carry one (the spec requires it), then the message's own keys in order, then
 * `product_policy` and `message_activity_sharing` when given. Only template messages are accepted, to
 * individual recipients; anything else throws `ValidationError` before any request.
 */
export function serializeMarketingBody(
  message: OutgoingMessage | SendableMessage,
  options: SendMarketingOptions,
): string {
  for (const key of Object.keys(options)) {
    if (!OPTION_KEYS.has(key)) throw new ConfigError(`messages.sendMarketing: unknown option "${key}"`);
  }
  const issues: ValidationIssue[] = [];
  if (options.productPolicy !== undefined && !PRODUCT_POLICIES.has(options.productPolicy)) {
    issues.push({ path: 'product_policy', message: 'must be "CLOUD_API_FALLBACK" or "STRICT"' });
  }
  if (options.messageActivitySharing !== undefined && typeof options.messageActivitySharing !== 'boolean') {
    issues.push({ path: 'message_activity_sharing', message: 'must be a boolean' });
  }
  if (message === null || typeof message !== 'object' || Array.isArray(message)) {
    throw new ValidationError([{ path: '', message: 'must be a message object' }]);
  }
  const { messaging_product, ...rest } = message as SendableMessage;
  if (messaging_product !== undefined && messaging_product !== 'whatsapp') {
    issues.push({ path: 'messaging_product', message: 'must be "whatsapp" when given' });
  }
  if (rest.type !== 'template') {
    issues.push({
      path: 'type',
      message: 'must be "template": the Marketing Messages API sends marketing templates only',
    });
  }
  if (rest.recipient_type !== undefined && rest.recipient_type !== 'individual') {
    issues.push({ path: 'recipient_type', message: 'must be "individual"' });
  }
  if (issues.length > 0) throw new ValidationError(issues);
  validateOutgoingMessage(rest);
  const body: Record<string, unknown> = { messaging_product: 'whatsapp' };
  if (rest.recipient_type === undefined) body.recipient_type = 'individual';
  Object.assign(body, rest);
  if (options.productPolicy !== undefined) body.product_policy = options.productPolicy;
  if (options.messageActivitySharing !== undefined) {
    body.message_activity_sharing = options.messageActivitySharing;
  }
  return JSON.stringify(body);
}
