import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ConfigError, WebhookSignatureError } from '../../src/errors/index.js';
import { signWebhookPayload, verifyWebhookSignature } from '../../src/webhooks/index.js';
import { escapeUnicode } from '../../src/webhooks/signature.js';
import { fixtureText } from './helpers.js';

const SECRET = 'test-app-secret';
const hex = (body: string | Buffer, secret = SECRET) =>
  createHmac('sha256', secret).update(body).digest('hex');

describe('verifyWebhookSignature', () => {
  const body = fixtureText('notes/delivered-v24-billable-marketing.json');

  it('accepts the HMAC-SHA256 of the exact raw body, as string or bytes', () => {
    const header = `sha256=${hex(body)}`;
    expect(verifyWebhookSignature(body, header, SECRET)).toBe(true);
    expect(verifyWebhookSignature(Buffer.from(body), header, SECRET)).toBe(true);
    expect(verifyWebhookSignature(new Uint8Array(Buffer.from(body)), header, SECRET)).toBe(true);
  });

  it('accepts an upper-case hex digest and algorithm name', () => {
    expect(verifyWebhookSignature(body, `SHA256=${hex(body).toUpperCase()}`, SECRET)).toBe(true);
  });

  it('rejects a wrong secret, a changed body and a re-serialized body', () => {
    const header = `sha256=${hex(body)}`;
    expect(verifyWebhookSignature(body, header, 'other-secret')).toBe(false);
    expect(verifyWebhookSignature(`${body} `, header, SECRET)).toBe(false);
    expect(verifyWebhookSignature(JSON.stringify(JSON.parse(body)), header, SECRET)).toBe(false);
  });

  it.each([
    ['missing', undefined],
    ['null', null],
    ['empty', ''],
    ['no prefix', 'abc'],
    ['bare hex', 'HEX'],
    ['truncated', 'sha256=TRUNC'],
    ['wrong algorithm', 'sha1=HEX'],
    ['non-hex', `sha256=${'z'.repeat(64)}`],
    ['too long', 'sha256=HEX00'],
  ])('returns false (never throws) for a %s header', (_name, header) => {
    const digest = hex(body);
    const value =
      typeof header === 'string'
        ? header.replace('TRUNC', digest.slice(0, 40)).replace('HEX', digest)
        : (header as null | undefined);
    expect(verifyWebhookSignature(body, value, SECRET)).toBe(false);
  });

  it('returns false for a non-string header at runtime (e.g. a repeated header array)', () => {
    const header = [`sha256=${hex(body)}`] as unknown as string;
    expect(verifyWebhookSignature(body, header, SECRET)).toBe(false);
  });

  it("accepts Meta's escaped-unicode signing for a non-ASCII body (emoji as a surrogate pair)", () => {
    const raw = fixtureText('notes/reaction.json'); // contains 👍
    expect(raw).toContain('👍');
    const escaped = escapeUnicode(raw);
    expect(escaped).toContain('\\ud83d\\udc4d');
    expect(escaped).not.toContain('👍');
    expect(verifyWebhookSignature(raw, `sha256=${hex(escaped)}`, SECRET)).toBe(true);
    expect(verifyWebhookSignature(Buffer.from(raw), `sha256=${hex(escaped)}`, SECRET)).toBe(true);
  });

  it('escapes every character outside 0x00-0x7E, including DEL and accented letters, in lowercase', () => {
    expect(escapeUnicode('a\u007fé~Ω')).toBe('a\\u007f\\u00e9~\\u03a9');
  });

  it('does not accept the escaped form of a different body', () => {
    const raw = fixtureText('spec/contact-sharing-message.json'); // Lucía Gómez
    const other = escapeUnicode(raw.replace('Lucía', 'Lucia'));
    expect(verifyWebhookSignature(raw, `sha256=${hex(other)}`, SECRET)).toBe(false);
  });

  it('throws a helpful WebhookSignatureError for an already-parsed body', () => {
    const parsed = JSON.parse(body) as unknown as string;
    expect(() => verifyWebhookSignature(parsed, `sha256=${hex(body)}`, SECRET)).toThrow(
      WebhookSignatureError,
    );
    expect(() => verifyWebhookSignature(parsed, `sha256=${hex(body)}`, SECRET)).toThrow(/express\.raw/);
  });

  it('throws ConfigError for an empty app secret', () => {
    expect(() => verifyWebhookSignature(body, 'sha256=00', '')).toThrow(ConfigError);
  });
});

describe('signWebhookPayload', () => {
  it('returns the header Meta would send, which verifies', () => {
    const body = '{"object":"whatsapp_business_account","entry":[]}';
    const header = signWebhookPayload(body, SECRET);
    expect(header).toBe(`sha256=${hex(body)}`);
    expect(verifyWebhookSignature(body, header, SECRET)).toBe(true);
    expect(signWebhookPayload(Buffer.from(body), SECRET)).toBe(header);
  });
});
