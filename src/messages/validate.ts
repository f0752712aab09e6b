import type * as z from 'zod';
import { ValidationError, type ValidationIssue } from '../errors/index.js';
import { inferMessageType, OUTGOING_MESSAGE_TYPES } from './infer-type.js';
import { envelopeSchema } from './schemas/envelope-schema.js';
import { schemaForType } from './schemas/registry.js';

function toIssues(error: z.ZodError): ValidationIssue[] {
  return error.issues.map((issue) => ({
    path: issue.path.join('.'),
    message: issue.message,
    code: issue.code,
  }));
}

function fail(path: string, message: string, code = 'custom'): never {
  throw new ValidationError([{ path, message, code }]);
}

/**
 * Checks an outgoing message (the Cloud API body without `messaging_product`) against the documented
 * Cloud API rules — lengths, counts, uniqueness, required fields — before anything is sent.
 * Picks the one schema for the message's `type` (inferred from the payload key when `type` is
 * omitted). Never modifies the message and never rejects unknown extra keys.
 *
 * @throws {@link ValidationError} whose `field` is the dotted path of the first problem, e.g.
 * `interactive.action.buttons.1.reply.title`, and whose `issues` list every problem found.
 */
export function validateOutgoingMessage(message: unknown): void {
  if (typeof message !== 'object' || message === null || Array.isArray(message)) {
    fail('', 'must be an object (the message body without messaging_product)', 'invalid_type');
  }
  const body = message as Record<string, unknown>;
  if (body.type !== undefined && typeof body.type !== 'string')
    fail('type', 'must be a string', 'invalid_type');
  const type = inferMessageType(body);
  if (type === undefined) {
    const present = OUTGOING_MESSAGE_TYPES.filter((key) => body[key] !== undefined);
    fail(
      'type',
      present.length === 0
        ? `is required: no message payload found (expected one of: ${OUTGOING_MESSAGE_TYPES.join(', ')})`
        : `is required when several payloads are present (${present.join(', ')})`,
    );
  }
  const schema = schemaForType(type, body);
  if (schema) {
    const result = schema.safeParse(body);
    if (!result.success) throw new ValidationError(toIssues(result.error));
    return;
  }
  // A kind wacloud does not know yet: check the envelope and that the payload key named by `type` exists.
  const result = envelopeSchema.safeParse(body);
  const issues = result.success ? [] : toIssues(result.error);
  if (body[type] === undefined) {
    issues.push({
      path: type,
      message: `is required: a "${type}" message needs a "${type}" payload`,
      code: 'custom',
    });
  }
  if (issues.length > 0) throw new ValidationError(issues);
}
