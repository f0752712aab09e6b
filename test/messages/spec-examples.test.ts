import { describe, expect, it } from 'vitest';
import { validateOutgoingMessage } from '../../src/messages/index.js';
import examples from '../fixtures/messages/spec-examples.json' with { type: 'json' };

interface SpecExample {
  name: string;
  endpoint: string;
  kind: 'message' | 'mark_read';
  body: Record<string, unknown>;
}

const all = examples as SpecExample[];
const messages = all.filter((example) => example.kind === 'message');

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null) {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}

describe("Meta's request examples from the OpenAPI spec", () => {
  it('were extracted: messages and the mark-as-read body, tagged', () => {
    expect(messages.length).toBeGreaterThanOrEqual(50);
    expect(all.filter((example) => example.kind === 'mark_read').map((e) => e.body.status)).toEqual(['read']);
    expect(messages.every((example) => example.body.messaging_product === 'whatsapp')).toBe(true);
  });

  it.each(messages.map((example) => [example.name, example.body] as const))(
    '%s passes validation',
    (_name, body) => {
      const { messaging_product: _, ...withoutProduct } = body;
      const frozen = deepFreeze(structuredClone(withoutProduct));
      const before = JSON.stringify(frozen);
      expect(() => validateOutgoingMessage(frozen)).not.toThrow();
      expect(JSON.stringify(frozen)).toBe(before);
      // Users who pass messaging_product themselves are fine too.
      expect(() => validateOutgoingMessage(body)).not.toThrow();
    },
  );
});
