import { z } from 'zod';

/**
 * zod schemas of the webhook elements wacloud understands. All objects are loose: fields Meta adds
 * later are kept. They validate what the parser relies on, nothing more, so a new optional field never
 * turns a good element into an `unknown` event.
 */

/** Unix seconds, as a string of digits (statuses, messages) or a number (user_preferences, entry.time). */
export const unixSecondsSchema = z.union([z.string().regex(/^\d{1,12}$/), z.number().int().nonnegative()]);

/** An error object inside a webhook (`code` is the Cloud API error code). */
export const webhookErrorSchema = z.looseObject({
  code: z.number(),
  title: z.string().optional(),
  message: z.string().optional(),
  error_data: z.looseObject({ details: z.string().optional() }).optional(),
  href: z.string().optional(),
});

/** `value.metadata` of a `messages` or `user_preferences` change. */
export const metadataSchema = z.looseObject({
  phone_number_id: z.string().min(1),
  display_phone_number: z.string().optional(),
});

/** `pricing` of a status. */
export const pricingSchema = z.looseObject({
  billable: z.boolean().optional(),
  pricing_model: z.string().optional(),
  type: z.string().optional(),
  category: z.string().optional(),
});

/** `conversation` of a status. */
export const conversationSchema = z.looseObject({
  id: z.string().optional(),
  expiration_timestamp: z.union([z.string(), z.number()]).optional(),
  origin: z.looseObject({ type: z.string().optional() }).optional(),
});

/** A user id that Meta may send as `""` when the user is known only by their business-scoped user id. */
const blankableId = z.string().optional();
const present = (id: string | undefined): boolean => id !== undefined && id !== '';

/**
 * One element of `value.statuses[]`. A recipient is required: `recipient_id` or `recipient_user_id`
 * (either may be `""` when the other is given).
 */
export const statusSchema = z
  .looseObject({
    id: z.string().min(1),
    status: z.string().min(1),
    timestamp: unixSecondsSchema,
    recipient_id: blankableId,
    recipient_user_id: blankableId,
    errors: z.array(webhookErrorSchema).optional(),
    pricing: pricingSchema.optional(),
    conversation: conversationSchema.optional(),
    biz_opaque_callback_data: z.string().optional(),
  })
  .refine((s) => present(s.recipient_id) || present(s.recipient_user_id), {
    message: 'recipient_id or recipient_user_id is required',
    path: ['recipient_id'],
  });

/** One element of `value.contacts[]` (the sender's profile). */
export const contactSchema = z.looseObject({
  wa_id: z.string().optional(),
  user_id: z.string().optional(),
  parent_user_id: z.string().optional(),
  username: z.string().optional(),
  profile: z.looseObject({ name: z.string().optional(), username: z.string().optional() }).optional(),
});

/** Fields every element of `value.messages[]` has; a sender is required: `from` or `from_user_id`. */
export const messageBaseSchema = z
  .looseObject({
    id: z.string().min(1),
    timestamp: unixSecondsSchema,
    type: z.string().min(1),
    from: blankableId,
    from_user_id: blankableId,
    context: z
      .looseObject({
        id: z.string().optional(),
        from: z.string().optional(),
        forwarded: z.boolean().optional(),
        frequently_forwarded: z.boolean().optional(),
      })
      .optional(),
    referral: z.looseObject({}).optional(),
    errors: z.array(webhookErrorSchema).optional(),
  })
  .refine((m) => present(m.from) || present(m.from_user_id), {
    message: 'from or from_user_id is required',
    path: ['from'],
  });

const media = z.looseObject({
  id: z.string().min(1),
  mime_type: z.string().optional(),
  sha256: z.string().optional(),
  caption: z.string().optional(),
  url: z.string().optional(),
});

/** The payload under the key named by `type`, for each type whose payload the parser checks. */
export const messagePayloadSchemas: Readonly<Record<string, z.ZodType>> = {
  text: z.looseObject({ body: z.string() }),
  image: media,
  video: media,
  audio: media.extend({ voice: z.boolean().optional() }),
  document: media.extend({ filename: z.string().optional() }),
  sticker: media.extend({ animated: z.boolean().optional() }),
  location: z.looseObject({
    latitude: z.number(),
    longitude: z.number(),
    name: z.string().optional(),
    address: z.string().optional(),
    url: z.string().optional(),
  }),
  contacts: z.array(z.looseObject({})),
  button: z.looseObject({ text: z.string(), payload: z.string().optional() }),
  interactive: z.looseObject({
    type: z.string().min(1),
    button_reply: z.looseObject({ id: z.string(), title: z.string() }).optional(),
    list_reply: z
      .looseObject({ id: z.string(), title: z.string(), description: z.string().optional() })
      .optional(),
    nfm_reply: z
      .looseObject({ response_json: z.string(), name: z.string().optional(), body: z.string().optional() })
      .optional(),
  }),
  reaction: z.looseObject({ message_id: z.string().min(1), emoji: z.string().optional() }),
  order: z.looseObject({
    catalog_id: z.string(),
    text: z.string().optional(),
    product_items: z.array(
      z.looseObject({
        product_retailer_id: z.string(),
        quantity: z.number(),
        item_price: z.number(),
        currency: z.string(),
      }),
    ),
  }),
  system: z.looseObject({
    body: z.string().optional(),
    type: z.string().optional(),
    wa_id: z.string().optional(),
  }),
  edit: z.looseObject({ original_message_id: z.string().optional() }),
  revoke: z.looseObject({ original_message_id: z.string().optional() }),
};

/** One element of `value.user_preferences[]`. */
export const userPreferenceSchema = z
  .looseObject({
    wa_id: blankableId,
    user_id: blankableId,
    category: z.string(),
    value: z.string().min(1),
    detail: z.string().optional(),
    timestamp: unixSecondsSchema,
  })
  .refine((p) => present(p.wa_id) || present(p.user_id), {
    message: 'wa_id or user_id is required',
    path: ['wa_id'],
  });

/** One element of `value.user_actions` (Marketing Messages API click and landing page view events). */
export const userActionSchema = z.looseObject({
  action_type: z.string().min(1),
  timestamp: unixSecondsSchema,
  marketing_messages_link_click_data: z
    .looseObject({
      click_component: z.string().optional(),
      click_id: z.string().optional(),
      tracking_token: z.string().optional(),
      product_id: z.union([z.string(), z.number()]).optional(),
    })
    .optional(),
});

const templateId = z.union([z.string().min(1), z.number()]);

/** `value` of `message_template_status_update`. */
export const templateStatusValueSchema = z.looseObject({
  event: z.string().min(1),
  message_template_id: templateId,
  message_template_name: z.string(),
  message_template_language: z.string(),
  message_template_category: z.string().optional(),
  reason: z.string().nullable().optional(),
});

/** `value` of `message_template_quality_update`. */
export const templateQualityValueSchema = z.looseObject({
  message_template_id: templateId,
  message_template_name: z.string(),
  message_template_language: z.string().optional(),
  previous_quality_score: z.string(),
  new_quality_score: z.string(),
});

/** `value` of `template_category_update`. */
export const templateCategoryValueSchema = z.looseObject({
  message_template_id: templateId,
  message_template_name: z.string(),
  message_template_language: z.string().optional(),
  new_category: z.string().optional(),
  previous_category: z.string().optional(),
  correct_category: z.string().optional(),
});

/** `value` of `account_update` and of `phone_number_quality_update`. */
export const eventValueSchema = z.looseObject({
  event: z.string().min(1),
  display_phone_number: z.union([z.string(), z.number()]).optional(),
});
