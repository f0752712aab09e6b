import * as z from 'zod';
import { messageSchema } from './envelope-schema.js';
import { documentObjectSchema, mediaSourceSchema } from './media-schemas.js';
import {
  anyObject,
  limitedArray,
  limitedString,
  literal,
  looseObject,
  nonEmptyString,
  oneOf,
  reportDuplicates,
  reportNested,
} from './primitives.js';

const HEADER_TEXT_MAX = 60;
const FOOTER_MAX = 60;
const MEDIA_HEADERS = {
  image: mediaSourceSchema,
  video: mediaSourceSchema,
  document: documentObjectSchema,
} as const;
const headerTextSchema = limitedString(HEADER_TEXT_MAX);
const headerSubTextSchema = limitedString(HEADER_TEXT_MAX, 0);

/** Checks the header's own payload by its `type`; unknown header types pass (Meta adds some). */
function checkHeaderPayload(header: Record<string, unknown>, ctx: z.core.$RefinementCtx): void {
  const type = header.type;
  if (type === 'text') {
    reportNested(ctx, headerTextSchema.safeParse(header.text), ['text']);
    if (header.sub_text !== undefined) {
      reportNested(ctx, headerSubTextSchema.safeParse(header.sub_text), ['sub_text']);
    }
  } else if (type === 'image' || type === 'video' || type === 'document') {
    reportNested(ctx, MEDIA_HEADERS[type].safeParse(header[type]), [type]);
  }
}

/** Interactive header: `text` ≤60 characters, or image/video/document media. */
const headerSchema = looseObject({ type: nonEmptyString() }).superRefine(checkHeaderPayload);

/** A header that must be text (lists, multi-product messages). */
const textHeaderSchema = looseObject({
  type: nonEmptyString(),
  text: limitedString(HEADER_TEXT_MAX),
}).superRefine((header, ctx) => {
  if (header.type in MEDIA_HEADERS) {
    ctx.addIssue({
      code: 'custom',
      message: 'must be "text" (this message type only takes a text header)',
      path: ['type'],
    });
  }
});

const footerSchema = looseObject({ text: limitedString(FOOTER_MAX) });
const bodyOf = (max: number) => looseObject({ text: limitedString(max) });

/** Builds an interactive-message schema for one interactive `type`. */
function interactive<const T extends string, S extends z.core.$ZodLooseShape>(type: T, shape: S) {
  return messageSchema(
    'interactive',
    looseObject({
      type: literal(type),
      header: headerSchema.optional(),
      footer: footerSchema.optional(),
      ...shape,
    }),
  );
}

const replyButtonSchema = looseObject({
  type: literal('reply'),
  reply: looseObject({ id: limitedString(256), title: limitedString(20) }),
});

/** Reply buttons: body ≤1024, 1..3 buttons, titles ≤20 and unique, ids ≤256 and unique. */
export const buttonInteractiveSchema = interactive('button', {
  body: bodyOf(1024),
  action: looseObject({
    buttons: limitedArray(replyButtonSchema, 1, 3, 'buttons').superRefine((buttons, ctx) => {
      reportDuplicates(
        ctx,
        buttons.map((b, i) => ({ value: b.reply.title, path: [i, 'reply', 'title'] })),
        'button title',
      );
      reportDuplicates(
        ctx,
        buttons.map((b, i) => ({ value: b.reply.id, path: [i, 'reply', 'id'] })),
        'button id',
      );
    }),
  }),
});

const listRowSchema = looseObject({
  id: limitedString(200),
  title: limitedString(24),
  description: limitedString(72, 0).optional(),
});
const listSectionSchema = looseObject({
  title: limitedString(24).optional(),
  rows: limitedArray(listRowSchema, 1, 10, 'rows'),
});

/** List: text header ≤60, body ≤4096, button ≤20, ≤10 sections, ≤10 rows in total, unique row ids. */
export const listInteractiveSchema = interactive('list', {
  header: textHeaderSchema.optional(),
  body: bodyOf(4096),
  action: looseObject({
    button: limitedString(20),
    sections: limitedArray(listSectionSchema, 1, 10, 'sections').superRefine((sections, ctx) => {
      const rows: Array<{ value: unknown; path: (string | number)[] }> = [];
      sections.forEach((section, s) => {
        if (sections.length > 1 && section.title === undefined) {
          ctx.addIssue({
            code: 'custom',
            message: 'is required when there are several sections',
            path: [s, 'title'],
          });
        }
        section.rows.forEach((row, r) => {
          rows.push({ value: row.id, path: [s, 'rows', r, 'id'] });
        });
      });
      if (rows.length > 10) {
        ctx.addIssue({
          code: 'custom',
          message: `must have at most 10 rows in total across all sections (Cloud API limit); found ${rows.length}`,
          path: [],
        });
      }
      reportDuplicates(ctx, rows, 'row id');
    }),
  }),
});

const httpUrl = nonEmptyString().refine(
  (value) => {
    if (!URL.canParse(value)) return false;
    const protocol = new URL(value).protocol;
    return protocol === 'https:' || protocol === 'http:';
  },
  { error: 'must be a valid http(s) URL' },
);

/** CTA URL: body ≤1024, display_text ≤20, a valid http(s) URL. */
export const ctaUrlInteractiveSchema = interactive('cta_url', {
  body: bodyOf(1024),
  action: looseObject({
    name: literal('cta_url'),
    parameters: looseObject({ display_text: limitedString(20), url: httpUrl }),
  }),
});

/** Flow: exactly one of flow_id/flow_name, flow_cta ≤30, flow_action navigate|data_exchange. */
export const flowInteractiveSchema = interactive('flow', {
  body: bodyOf(1024),
  action: looseObject({
    name: literal('flow'),
    parameters: looseObject({
      flow_message_version: nonEmptyString(),
      flow_id: nonEmptyString().optional(),
      flow_name: nonEmptyString().optional(),
      flow_cta: limitedString(30),
      mode: oneOf(['draft', 'published']).optional(),
      flow_token: nonEmptyString().optional(),
      flow_action: oneOf(['navigate', 'data_exchange']).optional(),
      flow_action_payload: looseObject({
        screen: nonEmptyString().optional(),
        data: anyObject().optional(),
      }).optional(),
    }).superRefine((parameters, ctx) => {
      if ((parameters.flow_id === undefined) === (parameters.flow_name === undefined)) {
        ctx.addIssue({
          code: 'custom',
          message:
            parameters.flow_id === undefined
              ? 'must have a flow_id or a flow_name'
              : 'must have either flow_id or flow_name, not both',
          path: ['flow_id'],
        });
      }
    }),
  }),
});

/** Location request: body ≤1024, action `send_location`. */
export const locationRequestInteractiveSchema = interactive('location_request_message', {
  body: bodyOf(1024),
  action: looseObject({ name: literal('send_location') }),
});

/** Single product: catalog_id + product_retailer_id; no header; optional body. */
export const productInteractiveSchema = interactive('product', {
  header: z.undefined({ error: 'is not allowed on a single-product message' }).optional(),
  body: bodyOf(1024).optional(),
  action: looseObject({ catalog_id: nonEmptyString(), product_retailer_id: nonEmptyString() }),
});

const productSectionSchema = looseObject({
  title: limitedString(24).optional(),
  product_items: limitedArray(looseObject({ product_retailer_id: nonEmptyString() }), 1, 30, 'products'),
});

/** Multi-product: text header required, ≤10 sections, ≤30 products in total. */
export const productListInteractiveSchema = interactive('product_list', {
  header: textHeaderSchema,
  body: bodyOf(1024),
  action: looseObject({
    catalog_id: nonEmptyString(),
    sections: limitedArray(productSectionSchema, 1, 10, 'sections').superRefine((sections, ctx) => {
      const total = sections.reduce((sum, section) => sum + section.product_items.length, 0);
      if (total > 30) {
        ctx.addIssue({
          code: 'custom',
          message: `must have at most 30 products in total across all sections (Cloud API limit); found ${total}`,
          path: [],
        });
      }
    }),
  }),
});

/** Catalog message: body ≤1024, action `catalog_message`. */
export const catalogInteractiveSchema = interactive('catalog_message', {
  body: bodyOf(1024),
  action: looseObject({
    name: literal('catalog_message'),
    parameters: looseObject({ thumbnail_product_retailer_id: nonEmptyString().optional() }).optional(),
  }),
});

/** Call permission request: body ≤1024, action `call_permission_request`. */
export const callPermissionRequestInteractiveSchema = interactive('call_permission_request', {
  body: bodyOf(1024),
  action: looseObject({ name: literal('call_permission_request') }),
});

const carouselCardSchema = looseObject({
  card_index: z.number({ error: 'must be a number' }).int().min(0).max(9),
  type: nonEmptyString(),
  header: headerSchema.optional(),
  body: bodyOf(1024).optional(),
  action: anyObject(),
});

/** Carousel: body ≤1024, 2..10 cards. */
export const carouselInteractiveSchema = interactive('carousel', {
  body: bodyOf(1024),
  action: looseObject({ cards: limitedArray(carouselCardSchema, 2, 10, 'cards') }),
});

/** Any other interactive type: common header/body/footer limits only. */
export const otherInteractiveSchema = messageSchema(
  'interactive',
  looseObject({
    type: nonEmptyString(),
    header: headerSchema.optional(),
    body: bodyOf(4096).optional(),
    footer: footerSchema.optional(),
    action: anyObject().optional(),
  }),
);

/** Interactive message schemas by `interactive.type`. */
export const interactiveMessageSchemas = {
  button: buttonInteractiveSchema,
  list: listInteractiveSchema,
  cta_url: ctaUrlInteractiveSchema,
  flow: flowInteractiveSchema,
  location_request_message: locationRequestInteractiveSchema,
  product: productInteractiveSchema,
  product_list: productListInteractiveSchema,
  catalog_message: catalogInteractiveSchema,
  call_permission_request: callPermissionRequestInteractiveSchema,
  carousel: carouselInteractiveSchema,
} as const;
