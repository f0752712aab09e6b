import * as z from 'zod';
import { messageSchema } from './envelope-schema.js';
import { documentObjectSchema, mediaSourceSchema } from './media-schemas.js';
import {
  anyObject,
  anyString,
  bool,
  limitedArray,
  limitedString,
  listByType,
  literal,
  looseObject,
  nonEmptyString,
  numberInRange,
} from './primitives.js';

const NAMED_PARAMETER = /^[a-z_]+$/;
const NO_WHITESPACE = /^\S+$/;

const parameterName = nonEmptyString()
  .max(20, { error: 'must be at most 20 characters' })
  .regex(NAMED_PARAMETER, { error: 'must contain only lowercase letters a-z and underscores' });

const textParameter = (max: number) =>
  looseObject({ type: literal('text'), text: limitedString(max), parameter_name: parameterName.optional() });

const currencyParameter = looseObject({
  type: literal('currency'),
  parameter_name: parameterName.optional(),
  currency: looseObject({
    fallback_value: nonEmptyString(),
    code: nonEmptyString(),
    amount_1000: z
      .number({ error: 'must be an integer (amount × 1000)' })
      .int({ error: 'must be an integer (amount × 1000)' }),
  }),
});

const dateTimeParameter = looseObject({
  type: literal('date_time'),
  parameter_name: parameterName.optional(),
  date_time: looseObject({ fallback_value: nonEmptyString() }),
});

const mediaParameter = <const T extends 'image' | 'video'>(type: T) =>
  looseObject({ type: literal(type), [type]: mediaSourceSchema } as { type: z.ZodLiteral<T> } & Record<
    T,
    typeof mediaSourceSchema
  >);

type ParameterSchemas = Record<string, z.ZodType>;

/** Header parameters: text ≤60, currency, date_time, image, video, document, location, product. */
const headerParameters: ParameterSchemas = {
  text: textParameter(60),
  currency: currencyParameter,
  date_time: dateTimeParameter,
  image: mediaParameter('image'),
  video: mediaParameter('video'),
  document: looseObject({ type: literal('document'), document: documentObjectSchema }),
  location: looseObject({
    type: literal('location'),
    location: looseObject({
      latitude: numberInRange(-90, 90),
      longitude: numberInRange(-180, 180),
      name: nonEmptyString(),
      address: nonEmptyString(),
    }),
  }),
  product: looseObject({
    type: literal('product'),
    product: looseObject({ product_retailer_id: nonEmptyString(), catalog_id: nonEmptyString() }),
  }),
};

/** Body parameters: text ≤32768, currency, date_time. */
const bodyParameters: ParameterSchemas = {
  text: textParameter(32768),
  currency: currencyParameter,
  date_time: dateTimeParameter,
};

/** Button parameters: payload, text (Meta's own example passes a boolean), coupon_code ≤15, action. */
const buttonParameters: ParameterSchemas = {
  payload: looseObject({ type: literal('payload'), payload: anyString() }),
  text: looseObject({
    type: literal('text'),
    text: z.union([anyString(), bool()], { error: 'must be a string' }),
  }),
  coupon_code: looseObject({ type: literal('coupon_code'), coupon_code: limitedString(15) }),
  action: looseObject({ type: literal('action'), action: anyObject() }),
};

const limitedTimeOfferParameters: ParameterSchemas = {
  limited_time_offer: looseObject({
    type: literal('limited_time_offer'),
    limited_time_offer: looseObject({ expiration_time_ms: z.number({ error: 'must be a number' }).int() }),
  }),
};

const KNOWN_PARAMETER_TYPES = new Set([
  ...Object.keys(headerParameters),
  ...Object.keys(bodyParameters),
  ...Object.keys(buttonParameters),
  ...Object.keys(limitedTimeOfferParameters),
]);

/**
 * A parameter list checked by each parameter's `type` against the schemas of that component. A type
 * that belongs to another component is an error; a type wacloud does not know passes (Meta adds some).
 */
function parameterList(allowed: ParameterSchemas, component: string) {
  return listByType(allowed, (type, ctx, i) => {
    if (KNOWN_PARAMETER_TYPES.has(type)) {
      ctx.addIssue({
        code: 'custom',
        message: `"${type}" parameters are not allowed in a ${component} component`,
        path: [i, 'type'],
      });
    }
  });
}

const buttonIndex = z
  .union([z.string(), z.number()], { error: 'must be the button position, 0-9' })
  .refine((value) => /^\d$/.test(String(value)), { error: 'must be the button position, 0-9' });

const componentSchemas: Record<string, z.ZodType> = {
  header: looseObject({
    type: literal('header'),
    parameters: parameterList(headerParameters, 'header').refine((parameters) => parameters.length <= 1, {
      error: 'must have at most 1 parameter: a template header has one variable (Cloud API limit)',
    }),
  }),
  body: looseObject({ type: literal('body'), parameters: parameterList(bodyParameters, 'body') }),
  button: looseObject({
    type: literal('button'),
    sub_type: nonEmptyString(),
    index: buttonIndex,
    parameters: parameterList(buttonParameters, 'button').optional(),
  }),
  limited_time_offer: looseObject({
    type: literal('limited_time_offer'),
    parameters: parameterList(limitedTimeOfferParameters, 'limited_time_offer'),
  }),
};

/** Components of a list, checked by `type`; unknown component types pass. */
function componentList(schemas: Record<string, z.ZodType>) {
  return listByType(schemas);
}

componentSchemas.carousel = looseObject({
  type: literal('carousel'),
  cards: limitedArray(
    looseObject({
      card_index: z.number({ error: 'must be a number' }).int().min(0).max(9),
      components: componentList(componentSchemas),
    }),
    1,
    10,
    'cards',
  ),
});

const MIXED = 'named (parameter_name) and positional parameters cannot be mixed in one template message';

/** Header and body values are either all named or all positional, never both. */
function forbidMixedParameterStyles(components: readonly unknown[], ctx: z.core.$RefinementCtx): void {
  let firstStyleNamed: boolean | undefined;
  components.forEach((item, c) => {
    if (typeof item !== 'object' || item === null) return;
    const component = item as { type?: unknown; parameters?: unknown };
    if ((component.type !== 'header' && component.type !== 'body') || !Array.isArray(component.parameters))
      return;
    component.parameters.forEach((parameter: unknown, p) => {
      if (typeof parameter !== 'object' || parameter === null) return;
      const { type, parameter_name } = parameter as { type?: unknown; parameter_name?: unknown };
      if (type !== 'text' && type !== 'currency' && type !== 'date_time') return;
      const named = parameter_name !== undefined;
      if (firstStyleNamed === undefined) firstStyleNamed = named;
      else if (named !== firstStyleNamed) {
        ctx.addIssue({ code: 'custom', message: MIXED, path: [c, 'parameters', p, 'parameter_name'] });
      }
    });
  });
}

/** The `template` object: name, language, components. */
export const templateObjectSchema = looseObject({
  name: limitedString(512).regex(NO_WHITESPACE, { error: 'must be a template name (no spaces)' }),
  language: looseObject({ code: nonEmptyString(), policy: literal('deterministic').optional() }),
  components: componentList(componentSchemas).superRefine(forbidMixedParameterStyles).optional(),
});

/** Schema of a template message. */
export const templateMessageSchema = messageSchema('template', templateObjectSchema);
