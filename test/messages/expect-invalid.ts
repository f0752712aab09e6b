import { expect } from 'vitest';
import { ValidationError } from '../../src/errors/index.js';
import { validateOutgoingMessage } from '../../src/messages/index.js';

/** Asserts that validation throws a ValidationError whose first issue is at `field` and mentions `message`. */
export function expectInvalid(message: unknown, field: string, text: string | RegExp): ValidationError {
  let caught: unknown;
  try {
    validateOutgoingMessage(message);
  } catch (error) {
    caught = error;
  }
  expect(caught).toBeInstanceOf(ValidationError);
  const error = caught as ValidationError;
  expect(error.issues.map((issue) => issue.path)).toContain(field);
  const issue = error.issues.find((i) => i.path === field);
  if (typeof text === 'string') expect(issue?.message).toContain(text);
  else expect(issue?.message).toMatch(text);
  return error;
}
