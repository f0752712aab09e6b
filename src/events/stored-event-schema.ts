import { z } from 'zod';
import { ValidationError, type ValidationIssue } from '../errors/index.js';
import { objectRecord } from '../schemas/object-record.js';
import type { StoredEvent } from './stored-event.js';

const id = z.string().min(1);
const date = z.date();
const optionalLabel = z.string().optional();

const identity = {
  userId: optionalLabel,
  parentUserId: optionalLabel,
  username: optionalLabel,
};

const pricingSchema = z.object({
  category: z.string().optional(),
  type: z.string().optional(),
  billable: z.boolean().optional(),
});

/**
 * zod schema of a {@link StoredEvent}: checks what applications append (ids are non-empty strings,
 * `at` a valid `Date`, numbers finite). Unknown keys are allowed and ignored.
 */
export const storedEventSchema = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('outbound'),
    messageId: id,
    recipientId: id,
    at: date,
    campaignId: optionalLabel,
    variant: optionalLabel,
    segment: optionalLabel,
    templateName: optionalLabel,
    phoneNumberId: optionalLabel,
    metadata: objectRecord(z.unknown()).optional(),
  }),
  z.object({
    kind: z.literal('send_failed'),
    recipientId: id,
    at: date,
    campaignId: optionalLabel,
    variant: optionalLabel,
    segment: optionalLabel,
    errorCode: z.number().int().optional(),
    idempotencyKey: optionalLabel,
  }),
  z.object({
    kind: z.literal('status'),
    messageId: id,
    status: id,
    at: date,
    recipientId: optionalLabel,
    errorCode: z.number().int().optional(),
    pricing: pricingSchema.optional(),
    source: optionalLabel,
    ...identity,
  }),
  z.object({
    kind: z.literal('inbound'),
    messageId: id,
    recipientId: id,
    at: date,
    contextMessageId: optionalLabel,
    messageType: optionalLabel,
    text: optionalLabel,
    buttonPayload: optionalLabel,
    previousUserId: optionalLabel,
    previousParentUserId: optionalLabel,
    ...identity,
  }),
  z.object({
    kind: z.literal('click'),
    at: date,
    messageId: optionalLabel,
    recipientId: optionalLabel,
    campaignId: optionalLabel,
    url: optionalLabel,
    source: optionalLabel,
    clickId: optionalLabel,
    trackingToken: optionalLabel,
    component: optionalLabel,
    productId: optionalLabel,
  }),
  z.object({
    kind: z.enum(['opt_out', 'opt_in', 'block']),
    recipientId: id,
    at: date,
    source: optionalLabel,
    messageId: optionalLabel,
    category: optionalLabel,
    text: optionalLabel,
    ...identity,
  }),
  z.object({
    kind: z.literal('conversion'),
    at: date,
    value: z.number().finite().optional(),
    currency: optionalLabel,
    messageId: optionalLabel,
    recipientId: optionalLabel,
    campaignId: optionalLabel,
    token: optionalLabel,
    code: optionalLabel,
  }),
  z.object({
    kind: z.literal('resolved'),
    recipientId: id,
    at: date,
    source: optionalLabel,
  }),
  z.object({
    kind: z.literal('held_out'),
    recipientId: id,
    at: date,
    campaignId: id,
    variant: optionalLabel,
    segment: optionalLabel,
  }),
]);

/**
 * Checks events against the stored-event schema (the shapes of {@link StoredEvent}); throws a
 * `ValidationError` naming the first bad field (prefixed with the event's index in the batch, e.g. `3.at`).
 */
export function assertStoredEvents(events: readonly unknown[]): asserts events is StoredEvent[] {
  for (let i = 0; i < events.length; i++) {
    const result = storedEventSchema.safeParse(events[i]);
    if (!result.success) {
      const issues: ValidationIssue[] = result.error.issues.map((issue) => ({
        path: [i, ...issue.path].map(String).join('.'),
        message: issue.message,
        code: issue.code,
      }));
      throw new ValidationError(issues, 'stored event');
    }
  }
}
