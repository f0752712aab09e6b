import type * as z from 'zod';
import { limitedString, literal, looseObject, nonEmptyString, oneOf } from './primitives.js';

/** Fields every outgoing message may carry; spread into each per-type schema. */
export const envelopeShape = {
  messaging_product: literal('whatsapp').optional(),
  to: nonEmptyString().regex(/\S/, { error: 'must not be blank' }).optional(),
  recipient: nonEmptyString().regex(/\S/, { error: 'must not be blank' }).optional(),
  recipient_type: oneOf(['individual', 'group']).optional(),
  context: looseObject({ message_id: nonEmptyString() }).optional(),
  biz_opaque_callback_data: limitedString(512, 0).optional(),
};

/** Requires `to` or `recipient` (a BSUID); reported at `to`. */
export function requireRecipient(
  value: { to?: unknown; recipient?: unknown },
  ctx: z.core.$RefinementCtx,
): void {
  if (value.to === undefined && value.recipient === undefined) {
    ctx.addIssue({
      code: 'custom',
      message: 'is required (or give recipient, a business-scoped user id)',
      path: ['to'],
    });
  }
}

/** Builds the schema of one message type: envelope + optional `type` literal + the payload. */
export function messageSchema<const T extends string, P extends z.ZodType>(type: T, payload: P) {
  return looseObject({
    ...envelopeShape,
    type: literal(type).optional(),
    [type]: payload,
  } as typeof envelopeShape & {
    type: z.ZodOptional<z.ZodLiteral<T>>;
  } & Record<T, P>).superRefine(requireRecipient);
}

/** The envelope alone, for message kinds wacloud does not know yet. */
export const envelopeSchema = looseObject(envelopeShape).superRefine(requireRecipient);
