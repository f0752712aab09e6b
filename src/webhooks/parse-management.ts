import type { z } from 'zod';
import { describeIssues, unknownEvent } from './parse-helpers.js';
import {
  eventValueSchema,
  templateCategoryValueSchema,
  templateQualityValueSchema,
  templateStatusValueSchema,
} from './schemas.js';
import type {
  AccountUpdateWebhookEvent,
  PhoneNumberQualityWebhookEvent,
  TemplateCategoryWebhookEvent,
  TemplateQualityWebhookEvent,
  TemplateStatusWebhookEvent,
  UnknownWebhookEvent,
} from './webhook-events.js';

type ManagementEvent =
  | TemplateStatusWebhookEvent
  | TemplateQualityWebhookEvent
  | TemplateCategoryWebhookEvent
  | AccountUpdateWebhookEvent
  | PhoneNumberQualityWebhookEvent;

/** Where a management change came from: the WABA (`entry.id`) and `entry.time`. */
export interface ChangeOrigin {
  businessAccountId: string;
  timestamp?: Date;
}

function validated<S extends z.ZodType>(
  schema: S,
  field: string,
  value: unknown,
  origin: ChangeOrigin,
  build: (data: z.infer<S>, raw: Record<string, unknown>) => ManagementEvent,
): ManagementEvent | UnknownWebhookEvent {
  const result = schema.safeParse(value);
  if (!result.success) {
    return unknownEvent(
      field,
      value,
      `invalid ${field}: ${describeIssues(result.error)}`,
      origin.businessAccountId,
    );
  }
  const event = build(result.data, value as Record<string, unknown>);
  if (origin.timestamp !== undefined) event.timestamp = origin.timestamp;
  return event;
}

/** `message_template_status_update` → `template_status`. */
export function parseTemplateStatus(value: unknown, origin: ChangeOrigin) {
  return validated(templateStatusValueSchema, 'message_template_status_update', value, origin, (d, raw) => {
    const event: TemplateStatusWebhookEvent = {
      type: 'template_status',
      event: d.event,
      templateId: String(d.message_template_id),
      templateName: d.message_template_name,
      language: d.message_template_language,
      businessAccountId: origin.businessAccountId,
      raw,
    };
    if (d.reason != null && d.reason !== 'NONE') event.reason = d.reason;
    if (d.message_template_category !== undefined) event.category = d.message_template_category;
    return event;
  });
}

/** `message_template_quality_update` → `template_quality`. */
export function parseTemplateQuality(value: unknown, origin: ChangeOrigin) {
  return validated(templateQualityValueSchema, 'message_template_quality_update', value, origin, (d, raw) => {
    const event: TemplateQualityWebhookEvent = {
      type: 'template_quality',
      templateId: String(d.message_template_id),
      templateName: d.message_template_name,
      previousScore: d.previous_quality_score,
      newScore: d.new_quality_score,
      businessAccountId: origin.businessAccountId,
      raw,
    };
    if (d.message_template_language !== undefined) event.language = d.message_template_language;
    return event;
  });
}

/** `template_category_update` → `template_category`. */
export function parseTemplateCategory(value: unknown, origin: ChangeOrigin) {
  return validated(templateCategoryValueSchema, 'template_category_update', value, origin, (d, raw) => {
    const event: TemplateCategoryWebhookEvent = {
      type: 'template_category',
      templateId: String(d.message_template_id),
      templateName: d.message_template_name,
      businessAccountId: origin.businessAccountId,
      raw,
    };
    if (d.message_template_language !== undefined) event.language = d.message_template_language;
    if (d.new_category !== undefined) event.newCategory = d.new_category;
    if (d.previous_category !== undefined) event.previousCategory = d.previous_category;
    if (d.correct_category !== undefined) event.correctCategory = d.correct_category;
    return event;
  });
}

/** `account_update` → `account_update`. */
export function parseAccountUpdate(value: unknown, origin: ChangeOrigin) {
  return validated(eventValueSchema, 'account_update', value, origin, (d, raw) => ({
    type: 'account_update',
    event: d.event,
    details: raw,
    businessAccountId: origin.businessAccountId,
    raw,
  }));
}

/** `phone_number_quality_update` → `phone_number_quality`. */
export function parsePhoneNumberQuality(value: unknown, origin: ChangeOrigin) {
  return validated(eventValueSchema, 'phone_number_quality_update', value, origin, (d, raw) => {
    const event: PhoneNumberQualityWebhookEvent = {
      type: 'phone_number_quality',
      event: d.event,
      details: raw,
      businessAccountId: origin.businessAccountId,
      raw,
    };
    if (d.display_phone_number !== undefined) event.displayPhoneNumber = String(d.display_phone_number);
    return event;
  });
}
