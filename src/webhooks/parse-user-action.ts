import { describeIssues, unixSecondsToDate, unknownEvent } from './parse-helpers.js';
import { userActionSchema } from './schemas.js';
import type { UserActionWebhookEvent, WebhookEvent } from './webhook-events.js';

/**
 * One `value.user_actions[]` element (Marketing Messages API "Tracking click events" and "Tracking
 * landing page view events") as a `user_action` event; a malformed element becomes `unknown`.
 * `action_type` is an open set: an action Meta adds later is still a `user_action`.
 */
export function parseUserAction(
  element: unknown,
  phoneNumberId: string,
  businessAccountId: string,
): WebhookEvent {
  const result = userActionSchema.safeParse(element);
  if (!result.success) {
    const reason = `invalid user action: ${describeIssues(result.error)}`;
    return unknownEvent('messages', element, reason, businessAccountId);
  }
  const { data } = result;
  const event: UserActionWebhookEvent = {
    type: 'user_action',
    action: data.action_type,
    timestamp: unixSecondsToDate(data.timestamp) as Date,
    phoneNumberId,
    businessAccountId,
    raw: element as Record<string, unknown>,
  };
  const click = data.marketing_messages_link_click_data;
  if (click !== undefined) {
    if (nonEmpty(click.click_component)) event.clickComponent = click.click_component;
    if (nonEmpty(click.click_id)) event.clickId = click.click_id;
    if (nonEmpty(click.tracking_token)) event.trackingToken = click.tracking_token;
    const productId = click.product_id === undefined ? undefined : String(click.product_id);
    if (nonEmpty(productId)) event.productId = productId;
  }
  return event;
}

function nonEmpty(value: string | undefined): value is string {
  return value !== undefined && value.length > 0;
}
