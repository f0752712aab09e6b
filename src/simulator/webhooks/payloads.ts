/** Which number a webhook is about (`value.metadata`). */
export interface WebhookPhone {
  id: string;
  displayPhoneNumber: string;
}

/** A `statuses[]` element, in Meta's shape. */
export interface StatusObject {
  id: string;
  status: 'sent' | 'delivered' | 'read' | 'failed';
  timestamp: string;
  recipient_id: string;
  recipient_user_id?: string;
  biz_opaque_callback_data?: string;
  pricing?: { billable: boolean; pricing_model: 'PMP'; type: string; category: string };
  errors?: Record<string, unknown>[];
}

/** A WhatsApp Business Account webhook envelope. */
export interface WebhookEnvelope {
  object: 'whatsapp_business_account';
  entry: { id: string; time?: number; changes: { field: string; value: Record<string, unknown> }[] }[];
}

function envelope(
  wabaId: string,
  field: string,
  value: Record<string, unknown>,
  time?: number,
): WebhookEnvelope {
  return {
    object: 'whatsapp_business_account',
    entry: [{ id: wabaId, ...(time === undefined ? {} : { time }), changes: [{ field, value }] }],
  };
}

function metadata(phone: WebhookPhone): Record<string, unknown> {
  return {
    messaging_product: 'whatsapp',
    metadata: { display_phone_number: phone.displayPhoneNumber, phone_number_id: phone.id },
  };
}

/** `messages` field carrying status updates. */
export function statusesEnvelope(
  wabaId: string,
  phone: WebhookPhone,
  statuses: StatusObject[],
): WebhookEnvelope {
  return envelope(wabaId, 'messages', { ...metadata(phone), statuses });
}

/** One Marketing Messages API click, as Meta reports it (`marketing_messages_link_click_data`). */
export interface SimulatedLinkClick {
  clickComponent: 'cta' | 'body';
  clickId: string;
  trackingToken: string;
}

/**
 * A `user_actions` click webhook on the `messages` field, shaped as Meta documents it ("Tracking click
 * events"): no contact and no message id, only the click's ids.
 */
export function userActionsEnvelope(
  wabaId: string,
  phone: WebhookPhone,
  click: SimulatedLinkClick,
  timestampSeconds: number,
): WebhookEnvelope {
  return envelope(wabaId, 'messages', {
    ...metadata(phone),
    user_actions: [
      {
        action_type: 'marketing_messages_link_click',
        timestamp: String(timestampSeconds),
        marketing_messages_link_click_data: {
          click_component: click.clickComponent,
          click_id: click.clickId,
          tracking_token: click.trackingToken,
        },
      },
    ],
  });
}

/** A simulated user (`contacts[]` of inbound webhooks). */
export interface SimulatedContact {
  waId: string;
  name: string;
  /** The ids the webhook shows (`wa_id`, `user_id`); default `{ wa_id: waId }`. */
  ids?: Record<string, string>;
}

/** `messages` field carrying one inbound message. */
export function inboundEnvelope(
  wabaId: string,
  phone: WebhookPhone,
  contact: SimulatedContact,
  message: Record<string, unknown>,
): WebhookEnvelope {
  return envelope(wabaId, 'messages', {
    ...metadata(phone),
    contacts: [{ profile: { name: contact.name }, ...(contact.ids ?? { wa_id: contact.waId }) }],
    messages: [message],
  });
}

/** `user_preferences` field: the user stopped (or resumed) marketing messages. */
export function userPreferencesEnvelope(
  wabaId: string,
  phone: WebhookPhone,
  contact: SimulatedContact,
  value: 'stop' | 'resume',
  timestampSeconds: number,
): WebhookEnvelope {
  return envelope(wabaId, 'user_preferences', {
    ...metadata(phone),
    contacts: [{ profile: { name: contact.name }, ...(contact.ids ?? { wa_id: contact.waId }) }],
    user_preferences: [
      {
        ...(contact.ids ?? { wa_id: contact.waId }),
        detail:
          value === 'stop'
            ? 'User requested to stop marketing messages'
            : 'User requested to resume marketing messages',
        category: 'marketing_messages',
        value,
        timestamp: timestampSeconds,
      },
    ],
  });
}

/** `message_template_status_update` field. */
export function templateStatusEnvelope(
  wabaId: string,
  template: { id: string; name: string; language: string; category: string },
  event: string,
  timeSeconds: number,
): WebhookEnvelope {
  return envelope(
    wabaId,
    'message_template_status_update',
    {
      event,
      message_template_id: Number(template.id),
      message_template_name: template.name,
      message_template_language: template.language,
      message_template_category: template.category,
      reason: 'NONE',
    },
    timeSeconds,
  );
}

/** `phone_number_quality_update` field (`FLAGGED`, `UNFLAGGED`, `THROUGHPUT_UPGRADE`...). */
export function numberQualityEnvelope(
  wabaId: string,
  displayPhoneNumber: string,
  event: string,
  timeSeconds: number,
): WebhookEnvelope {
  return envelope(
    wabaId,
    'phone_number_quality_update',
    { display_phone_number: displayPhoneNumber, event },
    timeSeconds,
  );
}
