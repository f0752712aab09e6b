import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../src/errors/index.js';
import { validateOutgoingMessage } from '../../src/messages/index.js';
import { inferMessageType } from '../../src/messages/infer-type.js';
import { outgoingMessageSchema } from '../../src/messages/schemas/outgoing-message-schema.js';
import { expectInvalid } from './expect-invalid.js';

const to = '+16505551234';

describe('type inference when type is omitted', () => {
  it('infers the type from the one payload key present', () => {
    expect(inferMessageType({ to, text: { body: 'x' } })).toBe('text');
    expect(inferMessageType({ to, image: { id: '1' } })).toBe('image');
    expect(inferMessageType({ to, interactive: {} })).toBe('interactive');
    expect(inferMessageType({ to, template: {} })).toBe('template');
    expect(inferMessageType({ to, type: 'video', video: {} })).toBe('video');
  });

  it('validates the inferred type with its own limits', () => {
    expect(() => validateOutgoingMessage({ to, text: { body: 'hello' } })).not.toThrow();
    expectInvalid({ to, text: { body: 'x'.repeat(4097) } }, 'text.body', '4096');
    expectInvalid({ to, image: { caption: 'no source' } }, 'image', 'id or a link');
  });

  it('rejects a body with no payload, or several payloads and no type', () => {
    expectInvalid({ to }, 'type', 'no message payload');
    expectInvalid(
      { to, text: { body: 'x' }, image: { id: '1' } },
      'type',
      'several payloads are present (text, image)',
    );
  });

  it('uses the explicit type and reports its missing payload', () => {
    expectInvalid({ to, type: 'text', image: { id: '1' } }, 'text', 'is required');
    expectInvalid({ to, type: 5, text: { body: 'x' } }, 'type', 'must be a string');
  });

  it('lets kinds wacloud does not know through when their payload is present', () => {
    expect(() => validateOutgoingMessage({ to, type: 'order', order: { anything: true } })).not.toThrow();
    expectInvalid({ to, type: 'order' }, 'order', 'needs a "order" payload');
    expectInvalid({ type: 'order', order: {} }, 'to', 'is required');
  });
});

describe('loose schemas', () => {
  it('keeps unknown keys everywhere and never changes the message', () => {
    const message = {
      to,
      type: 'template',
      product_policy: 'STRICT',
      message_activity_sharing: false,
      template: {
        name: 'promo',
        language: { code: 'en', future_field: 1 },
        components: [
          { type: 'body', parameters: [{ type: 'text', text: 'x', new_meta_flag: true }], extra: 'y' },
        ],
      },
    };
    const snapshot = structuredClone(message);
    expect(() => validateOutgoingMessage(message)).not.toThrow();
    expect(message).toStrictEqual(snapshot);
    const parsed = outgoingMessageSchema.parse(message);
    expect(parsed).toStrictEqual(snapshot);
  });

  it('outgoingMessageSchema reports the same paths as validateOutgoingMessage', () => {
    const result = outgoingMessageSchema.safeParse({ to, text: { body: '' } });
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.path).toEqual(['text', 'body']);
    expect(() => validateOutgoingMessage({ to, text: { body: '' } })).toThrow(ValidationError);
  });
});
