import { timingSafeEqual } from 'node:crypto';

/**
 * Checks Meta's subscription GET (`hub.mode=subscribe`, `hub.verify_token`, `hub.challenge`) and
 * returns the challenge to echo back, or `undefined` when the request must be refused (403).
 * The token is compared in constant time.
 */
export function verificationChallenge(params: URLSearchParams, verifyToken: string): string | undefined {
  const challenge = params.get('hub.challenge');
  const token = params.get('hub.verify_token');
  if (params.get('hub.mode') !== 'subscribe' || challenge === null || token === null) return undefined;
  const given = Buffer.from(token);
  const expected = Buffer.from(verifyToken);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return undefined;
  return challenge;
}
