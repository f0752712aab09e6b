import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../src/errors/index.js';
import { REDACTED, redact, redactHeaders } from '../../src/errors/redact.js';

describe('redact', () => {
  it('removes access_token query parameters and bearer tokens', () => {
    const text =
      'GET https://graph.facebook.com/v23.0/x?after=abc&access_token=EAAB.x-y_z&limit=2 Bearer EAAB.secret==';
    const out = redact(text);
    expect(out).toBe(
      `GET https://graph.facebook.com/v23.0/x?after=abc&access_token=${REDACTED}&limit=2 Bearer ${REDACTED}`,
    );
  });

  it('removes literal secrets it is given and ignores short ones', () => {
    expect(redact('app secret is s3cr3t-value', ['s3cr3t-value'])).toBe(`app secret is ${REDACTED}`);
    expect(redact('abc', ['ab'])).toBe('abc');
  });

  it('redacts Authorization headers whatever their case', () => {
    expect(redactHeaders({ authorization: 'Bearer x', 'Content-Type': 'application/json' })).toEqual({
      authorization: REDACTED,
      'Content-Type': 'application/json',
    });
  });
});

describe('ValidationError', () => {
  it('names the first field and keeps every issue', () => {
    const err = new ValidationError([
      { path: 'text.body', message: 'must be at most 4096 characters' },
      { path: 'to', message: 'is required' },
    ]);
    expect(err.field).toBe('text.body');
    expect(err.message).toBe('Invalid message: text.body: must be at most 4096 characters (and 1 more)');
    expect(err.toJSON()).toMatchObject({ name: 'ValidationError', field: 'text.body' });
  });
});
