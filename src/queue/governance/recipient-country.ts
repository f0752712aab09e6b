import { parsePhoneNumberFromString } from 'libphonenumber-js';

/**
 * The ISO 3166-1 alpha-2 country of a recipient's phone number (`'DE'` for `4915112345678`), read
 * by libphonenumber-js from the country calling code and, where a code is shared (`+1`, `+44`, `+7`),
 * the number's prefix. `undefined` for a business-scoped user id or a number it cannot place.
 */
export function recipientCountry(recipientId: string): string | undefined {
  const digits = recipientId.startsWith('+') ? recipientId.slice(1) : recipientId;
  if (!/^\d{6,15}$/.test(digits)) return undefined;
  return parsePhoneNumberFromString(`+${digits}`)?.country;
}

/**
 * The country calling code of a recipient's phone number (`'1'` for `16505551234`), or `undefined`
 * for a business-scoped user id or a number that is not valid in any numbering plan.
 */
export function recipientCallingCode(recipientId: string): string | undefined {
  const digits = recipientId.startsWith('+') ? recipientId.slice(1) : recipientId;
  if (!/^\d{6,15}$/.test(digits)) return undefined;
  return parsePhoneNumberFromString(`+${digits}`)?.countryCallingCode;
}
