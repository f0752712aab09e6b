import * as z from 'zod';
import { ValidationError } from '../../errors/index.js';
import type { OutgoingMessage } from '../types/outgoing-message.js';
import { validateOutgoingMessage } from '../validate.js';
import {
  interactiveMessageSchemas as interactiveSchemas,
  messageSchemas as typeSchemas,
} from './registry.js';

/**
 * zod schema of any outgoing message, for composing into your own schemas. It runs the same checks as
 * {@link validateOutgoingMessage} (dispatching on `type`) and, like it, keeps unknown keys.
 */
export const outgoingMessageSchema: z.ZodType<OutgoingMessage> = z
  .custom<OutgoingMessage>()
  .superRefine((value, ctx) => {
    try {
      validateOutgoingMessage(value);
    } catch (error) {
      if (!(error instanceof ValidationError)) throw error;
      for (const issue of error.issues) {
        const path =
          issue.path === ''
            ? []
            : issue.path.split('.').map((part) => (/^\d+$/.test(part) ? Number(part) : part));
        ctx.addIssue({ code: 'custom', message: issue.message, path });
      }
    }
  });

/** zod schemas of each non-interactive message kind, by `type` (keys are kept, never stripped). */
export const messageSchemas: Readonly<Record<string, z.ZodType>> = typeSchemas;

/** zod schemas of interactive messages, by `interactive.type`. */
export const interactiveMessageSchemas: Readonly<Record<string, z.ZodType>> = interactiveSchemas;
