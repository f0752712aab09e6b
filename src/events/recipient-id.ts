const NOT_DIGIT = /\D/g;
const PHONE_LIKE = /^[+\d\s().-]+$/;

function isAllDigits(value: string, from = 0): boolean {
  if (value.length <= from) return false;
  for (let i = from; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  return true;
}

/**
 * The canonical form of a recipient id used for matching: a phone number loses `+`, spaces, hyphens
 * and parentheses (`+1 (650) 555-1234` → `16505551234`, as Meta writes `wa_id`); anything else
 * (a business-scoped user id such as `US.13491208655302741918`) is returned unchanged.
 */
export function normalizeRecipientId(recipientId: string): string {
  if (isAllDigits(recipientId)) return recipientId;
  // E.164 (`+16505551234`), the usual form, without a regular expression: metrics normalize every send.
  if (recipientId.charCodeAt(0) === 43 && isAllDigits(recipientId, 1)) return recipientId.slice(1);
  if (!PHONE_LIKE.test(recipientId)) return recipientId;
  return recipientId.replace(NOT_DIGIT, '');
}
