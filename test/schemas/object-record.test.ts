import { afterEach, describe, expect, it } from 'vitest';
import { WhatsAppClient } from '../../src/client/index.js';
import { ConfigError, ValidationError } from '../../src/errors/index.js';
import { assertStoredEvents } from '../../src/events/stored-event-schema.js';
import { validateOutgoingMessage } from '../../src/messages/index.js';
import { resolveMetricsQuery } from '../../src/metrics/metrics-query.js';

/** An object that is a record in every way that matters but not a `{}` literal (like `process.env`). */
class Prices {
  marketing = 0.0613;
  utility = 0.008;
}

/** A class instance with data fields (zod's record rejects these, being no `{}` literal). */
class Tagged {
  tag = 'x';
}

const saved = { ...process.env };
afterEach(() => {
  for (const key of Object.keys(process.env)) if (!(key in saved)) delete process.env[key];
  Object.assign(process.env, saved);
});

describe('record options accept non-plain objects such as process.env', () => {
  it('new WhatsAppClient({ env: process.env }) reads the WHATSAPP_* variables', () => {
    process.env.WHATSAPP_ACCESS_TOKEN = 'env-token-value';
    process.env.WHATSAPP_PHONE_NUMBER_ID = '123456';
    process.env.WHATSAPP_BASE_URL = 'http://127.0.0.1:4010';
    const wa = new WhatsAppClient({ env: process.env });
    expect(wa.phoneNumberId).toBe('123456');
    expect(wa.baseUrl).toBe('http://127.0.0.1:4010');
  });

  it('still rejects an env that is not an object of strings, with a ConfigError', () => {
    expect(() => new WhatsAppClient({ accessToken: 't', env: ['x'] as never })).toThrow(ConfigError);
    expect(() => new WhatsAppClient({ accessToken: 't', env: { A: 1 } as never })).toThrow(ConfigError);
  });

  it('a metrics rateCard may be a class instance, and bad prices are still rejected', () => {
    expect(resolveMetricsQuery({ campaignId: 'c', rateCard: new Prices() as never }).rateCard).toEqual({
      marketing: 0.0613,
      utility: 0.008,
    });
    expect(() => resolveMetricsQuery({ campaignId: 'c', rateCard: { marketing: -1 } })).toThrow(
      ValidationError,
    );
  });

  it('stored-event metadata and free-form message objects may be class instances', () => {
    const metadata = Object.assign(new Tagged(), { source: 'crm' });
    expect(() =>
      assertStoredEvents([
        { kind: 'outbound', messageId: 'wamid.1', recipientId: '15550001', at: new Date(), metadata },
      ]),
    ).not.toThrow();
    const action = Object.assign(new Tagged(), {
      name: 'cta_url',
      parameters: { display_text: 'Open', url: 'https://example.com' },
    });
    expect(() =>
      validateOutgoingMessage({
        to: '15550001',
        type: 'interactive',
        interactive: { type: 'cta_url', body: { text: 'hi' }, action },
      }),
    ).not.toThrow();
  });
});
