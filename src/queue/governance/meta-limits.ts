import { recipientCountry } from '../../events/recipient-country.js';

/** Meta's per-user marketing limit: "not delivered to maintain healthy ecosystem engagement". */
export const MARKETING_LIMIT_CODE = 131049;

/** Where Meta does not apply the per-user marketing limit: the EEA, the UK (and its dependencies), Japan, South Korea. */
const MARKETING_LIMIT_EXEMPT: ReadonlySet<string> = new Set([
  // EU
  'AT',
  'BE',
  'BG',
  'HR',
  'CY',
  'CZ',
  'DK',
  'EE',
  'FI',
  'FR',
  'DE',
  'GR',
  'HU',
  'IE',
  'IT',
  'LV',
  'LT',
  'LU',
  'MT',
  'NL',
  'PL',
  'PT',
  'RO',
  'SK',
  'SI',
  'ES',
  'SE',
  // rest of the EEA
  'IS',
  'LI',
  'NO',
  // UK and the numbering plans sharing +44
  'GB',
  'GG',
  'JE',
  'IM',
  'JP',
  'KR',
]);

/**
 * Whether Meta's per-user marketing limit (131049) applies to the recipient's number: not in the EEA,
 * the UK, Japan or South Korea (country by libphonenumber-js). Unknown countries and user ids: it applies.
 */
export function marketingLimitApplies(recipientId: string): boolean {
  return !MARKETING_LIMIT_EXEMPT.has(recipientCountry(recipientId));
}

/**
 * Whether the recipient's number is a US one, which Meta has not delivered marketing templates to since
 * April 2025: libphonenumber-js places it in the US, or it is a +1 number it cannot place (+1 is shared
 * with Canada and the Caribbean, told apart by area code; the code's main country is the US).
 */
export function isUsNumber(recipientId: string): boolean {
  return recipientCountry(recipientId) === 'US';
}
