import { describe, expect, it } from 'vitest';
import { InvalidResponseError, NetworkError, ResponseTooLargeError } from '../../src/errors/index.js';
import { decodeOutcome, encodeOutcome } from '../../src/queue/adapters/bullmq/outcome-codec.js';
import type { SendOutcome } from '../../src/queue/index.js';

const base = { attempts: 1, recipientId: '16505550100' };

describe('BullMQ outcome codec', () => {
  it('keeps InvalidResponseError and ResponseTooLargeError typed across Redis', () => {
    const invalid: SendOutcome = {
      ...base,
      status: 'unknown',
      error: new InvalidResponseError('not JSON', { status: 200 }),
    };
    const decoded = decodeOutcome(JSON.parse(JSON.stringify(encodeOutcome(invalid))));
    expect(decoded.error).toBeInstanceOf(InvalidResponseError);
    expect(decoded.error).not.toBeInstanceOf(ResponseTooLargeError);
    expect(decoded.error).toMatchObject({ status: 200, message: 'not JSON' });

    const large: SendOutcome = {
      ...base,
      status: 'unknown',
      error: new ResponseTooLargeError({ status: 200, limitBytes: 4096 }),
    };
    const decodedLarge = decodeOutcome(JSON.parse(JSON.stringify(encodeOutcome(large))));
    expect(decodedLarge.error).toBeInstanceOf(ResponseTooLargeError);
    expect(decodedLarge.error).toMatchObject({ status: 200, limitBytes: 4096 });
  });

  it('still decodes network errors as before', () => {
    const lost: SendOutcome = {
      ...base,
      status: 'unknown',
      error: new NetworkError('reset', { requestMayHaveReachedServer: true }),
    };
    expect(decodeOutcome(encodeOutcome(lost)).error).toMatchObject({
      name: 'NetworkError',
      requestMayHaveReachedServer: true,
    });
  });
});
