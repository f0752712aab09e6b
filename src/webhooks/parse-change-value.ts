import {
  describeIssues,
  isRecord,
  parseElementSafely,
  presentId,
  unixSecondsToDate,
  unknownEvent,
} from './parse-helpers.js';
import { parseMessage } from './parse-message.js';
import { parseStatus } from './parse-status.js';
import { parseUserAction } from './parse-user-action.js';
import { userPreferenceSchema, webhookErrorSchema } from './schemas.js';
import type { SystemErrorWebhookEvent, UserPreferencesWebhookEvent, WebhookEvent } from './webhook-events.js';

/**
 * Walks the `value` of a `messages` change: every status, every message, every Marketing Messages API
 * user action and every system-level error. A value with none of them (a shape wacloud does not model)
 * becomes one `unknown` event.
 */
export function parseMessagesValue(value: unknown, businessAccountId: string, out: WebhookEvent[]): void {
  const phoneNumberId = phoneNumberIdOf(value);
  if (!isRecord(value) || phoneNumberId === undefined) {
    out.push(unknownEvent('messages', value, 'value.metadata.phone_number_id is missing', businessAccountId));
    return;
  }
  const { statuses, messages, errors, user_actions: userActions } = value;
  if (statuses === undefined && messages === undefined && errors === undefined && userActions === undefined) {
    out.push(
      unknownEvent(
        'messages',
        value,
        'no statuses, messages, user_actions or errors in value',
        businessAccountId,
      ),
    );
    return;
  }
  if (statuses !== undefined) {
    if (Array.isArray(statuses)) {
      for (const s of statuses) {
        out.push(
          parseElementSafely('messages', s, businessAccountId, (e) =>
            parseStatus(e, phoneNumberId, businessAccountId),
          ),
        );
      }
    } else out.push(unknownEvent('messages', statuses, 'value.statuses is not an array', businessAccountId));
  }
  if (messages !== undefined) {
    if (Array.isArray(messages)) {
      for (const m of messages) {
        out.push(
          parseElementSafely('messages', m, businessAccountId, (e) =>
            parseMessage(e, value.contacts, phoneNumberId, businessAccountId),
          ),
        );
      }
    } else out.push(unknownEvent('messages', messages, 'value.messages is not an array', businessAccountId));
  }
  if (userActions !== undefined) {
    if (Array.isArray(userActions)) {
      for (const a of userActions) {
        out.push(
          parseElementSafely('messages', a, businessAccountId, (e) =>
            parseUserAction(e, phoneNumberId, businessAccountId),
          ),
        );
      }
    } else {
      out.push(
        unknownEvent('messages', userActions, 'value.user_actions is not an array', businessAccountId),
      );
    }
  }
  if (errors !== undefined) parseSystemErrors(errors, phoneNumberId, businessAccountId, out);
}

function parseSystemErrors(
  errors: unknown,
  phoneNumberId: string | undefined,
  businessAccountId: string,
  out: WebhookEvent[],
): void {
  if (!Array.isArray(errors)) {
    out.push(unknownEvent('messages', errors, 'value.errors is not an array', businessAccountId));
    return;
  }
  for (const e of errors) {
    const result = webhookErrorSchema.safeParse(e);
    if (!result.success) {
      out.push(
        unknownEvent('messages', e, `invalid error: ${describeIssues(result.error)}`, businessAccountId),
      );
      continue;
    }
    const raw = e as Record<string, unknown>;
    const event: SystemErrorWebhookEvent = {
      type: 'system_error',
      code: result.data.code,
      businessAccountId,
      raw,
    };
    if (result.data.title !== undefined) event.title = result.data.title;
    if (result.data.message !== undefined) event.message = result.data.message;
    if (result.data.error_data?.details !== undefined) event.details = result.data.error_data.details;
    if (phoneNumberId !== undefined) event.phoneNumberId = phoneNumberId;
    out.push(event);
  }
}

/** Walks the `value` of a `user_preferences` change: one event per `user_preferences[]` element. */
export function parseUserPreferencesValue(
  value: unknown,
  businessAccountId: string,
  out: WebhookEvent[],
): void {
  const list = isRecord(value) ? value.user_preferences : undefined;
  if (!Array.isArray(list)) {
    out.push(
      unknownEvent('user_preferences', value, 'value.user_preferences is not an array', businessAccountId),
    );
    return;
  }
  const phoneNumberId = phoneNumberIdOf(value);
  for (const p of list) {
    const result = userPreferenceSchema.safeParse(p);
    if (!result.success) {
      const reason = `invalid user preference: ${describeIssues(result.error)}`;
      out.push(unknownEvent('user_preferences', p, reason, businessAccountId));
      continue;
    }
    const { data } = result;
    const event: UserPreferencesWebhookEvent = {
      type: 'user_preferences',
      waId: (presentId(data.wa_id) ?? data.user_id) as string,
      category: data.category,
      value: data.value,
      timestamp: unixSecondsToDate(data.timestamp) as Date,
      businessAccountId,
      raw: p as Record<string, unknown>,
    };
    const userId = presentId(data.user_id);
    if (userId !== undefined) event.userId = userId;
    if (data.detail !== undefined) event.detail = data.detail;
    if (phoneNumberId !== undefined) event.phoneNumberId = phoneNumberId;
    out.push(event);
  }
  if (isRecord(value) && value.errors !== undefined) {
    parseSystemErrors(value.errors, phoneNumberId, businessAccountId, out);
  }
}

function phoneNumberIdOf(value: unknown): string | undefined {
  if (!isRecord(value) || !isRecord(value.metadata)) return undefined;
  const id = value.metadata.phone_number_id;
  return typeof id === 'string' && id.length > 0 ? id : undefined;
}
