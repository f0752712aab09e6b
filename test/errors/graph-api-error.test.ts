import { describe, expect, it } from 'vitest';
import { createGraphApiError } from '../../src/errors/graph-api-error.js';
import {
  AuthError,
  GraphApiError,
  PolicyError,
  RateLimitError,
  RecipientError,
  TemplateError,
  WhatsAppError,
} from '../../src/errors/index.js';

const rateLimitBody = {
  error: {
    message: '(#130429) Rate limit hit',
    type: 'OAuthException',
    code: 130429,
    error_data: { messaging_product: 'whatsapp', details: 'Cloud API message throughput has been reached.' },
    error_subcode: 2494055,
    fbtrace_id: 'Az8or2yhqkZfEZ-_4Qn_Bam',
  },
};

describe('createGraphApiError', () => {
  it('maps 130429 to a retryable RateLimitError with every Graph field kept', () => {
    const err = createGraphApiError({ status: 400, body: rateLimitBody, retryAfterMs: 2000 });
    expect(err).toBeInstanceOf(RateLimitError);
    expect(err).toBeInstanceOf(GraphApiError);
    expect(err).toBeInstanceOf(WhatsAppError);
    expect(err).toMatchObject({
      status: 400,
      code: 130429,
      subcode: 2494055,
      type: 'OAuthException',
      details: 'Cloud API message throughput has been reached.',
      fbtraceId: 'Az8or2yhqkZfEZ-_4Qn_Bam',
      category: 'rate_limit',
      retryable: true,
      retryAfterMs: 2000,
    });
    expect(err.info.scope).toBe('number');
    expect(err.message).toBe('(#130429) Rate limit hit: Cloud API message throughput has been reached.');
    expect(err.name).toBe('RateLimitError');
  });

  it.each([
    [190, AuthError],
    [10, AuthError],
    [250, AuthError],
    [131047, RecipientError],
    [131050, RecipientError],
    [132001, TemplateError],
    [2388024, TemplateError],
    [368, PolicyError],
    [131056, RateLimitError],
  ])('maps code %i to %o', (code, Class) => {
    const err = createGraphApiError({ status: 400, body: { error: { message: 'x', code } } });
    expect(err).toBeInstanceOf(Class);
    expect(err.code).toBe(code);
  });

  it('keeps error_data given as a plain string as details', () => {
    const err = createGraphApiError({
      status: 400,
      body: { error: { message: 'Invalid parameter', code: 100, error_data: 'Param to is invalid' } },
    });
    expect(err.details).toBe('Param to is invalid');
    expect(err.retryable).toBe(false);
  });

  it('builds a base GraphApiError for a body that is not a Graph error, retryable on 5xx', () => {
    const err = createGraphApiError({ status: 502, body: '<html>Bad gateway</html>' });
    expect(err.constructor).toBe(GraphApiError);
    expect(err.code).toBe(0);
    expect(err.retryable).toBe(true);
    expect(createGraphApiError({ status: 404, body: null }).retryable).toBe(false);
  });

  it('treats an unknown code as retryable only when Meta marks it transient', () => {
    const transient = createGraphApiError({
      status: 400,
      body: { error: { code: 999999, is_transient: true } },
    });
    expect(transient.category).toBe('unknown');
    expect(transient.retryable).toBe(true);
    const permanent = createGraphApiError({ status: 400, body: { error: { code: 999999 } } });
    expect(permanent.retryable).toBe(false);
  });

  it('never carries a token in message or toJSON', () => {
    const token = 'EAAG1234567890abcdefSECRET';
    const err = createGraphApiError({
      status: 400,
      body: {
        error: {
          message: `Malformed request https://graph.facebook.com/v23.0/123?access_token=${token}`,
          code: 100,
          error_data: { details: `Authorization: Bearer ${token}` },
        },
      },
    });
    expect(err.message).not.toContain(token);
    expect(JSON.stringify(err)).not.toContain(token);
    expect(err.message).toContain('access_token=[REDACTED]');
  });
});
