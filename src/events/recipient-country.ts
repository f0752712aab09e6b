import {
  type CountryCode,
  getCountries,
  getCountryCallingCode,
  Metadata,
  parsePhoneNumberFromString,
} from 'libphonenumber-js/max';
import { normalizeRecipientId } from './recipient-id.js';

/** The country key of a recipient whose country is not known (a business-scoped user id, an unknown code). */
export const UNKNOWN_COUNTRY = 'unknown';

/** Calling code → its countries, the code's main country first (libphonenumber-js's order). */
let countriesByCode: Map<string, CountryCode[]> | undefined;

function callingCodes(): Map<string, CountryCode[]> {
  if (countriesByCode) return countriesByCode;
  const map = new Map<string, CountryCode[]>();
  for (const country of getCountries()) {
    const code = getCountryCallingCode(country);
    const list = map.get(code);
    if (list) list.push(country);
    else map.set(code, [country]);
  }
  // libphonenumber's main country of a shared code (whose numbering plan the code's numbers follow)
  // goes first. Its metadata lists it first; `countryCallingCodes` is there but not in the typings.
  const metadata = new Metadata() as unknown as {
    countryCallingCodes?: () => Record<string, readonly CountryCode[] | undefined>;
  };
  const listed = metadata.countryCallingCodes?.() ?? {};
  for (const [code, list] of map) {
    const main = listed[code]?.[0];
    if (list.length < 2 || main === undefined) continue;
    list.sort((a, b) => (a === main ? -1 : b === main ? 1 : a < b ? -1 : a > b ? 1 : 0));
  }
  countriesByCode = map;
  return map;
}

/**
 * Where a phone number's country comes from: its calling code (ITU codes are prefix-free, so at most one
 * of its first 1–3 digits matches) and, when several countries share the code, the number itself.
 */
export interface CallingCodeMatch {
  /** The calling code, without `+`. */
  code: string;
  /** The countries that share it, the main one first. */
  countries: readonly CountryCode[];
}

/** The calling code of an all-digits international number, or undefined when none matches. */
export function callingCodeOf(digits: string): CallingCodeMatch | undefined {
  const map = callingCodes();
  for (let length = 1; length <= 3 && length < digits.length; length++) {
    const code = digits.slice(0, length);
    const countries = map.get(code);
    if (countries) return { code, countries };
  }
  return undefined;
}

const ALL_DIGITS = /^\d+$/;

/**
 * Resolves recipients to their countries (ISO 3166-1 alpha-2, e.g. `DE`), caching what costs a parse.
 * A number whose calling code belongs to one country is that country; a code several countries share
 * (+1, +7, +44...) is decided by libphonenumber-js from the whole number, and when it cannot place the
 * number (an invalid one), by the code's main country (US for +1, RU for +7, GB for +44). A recipient
 * that is not a phone number (a business-scoped user id) or has no known code is {@link UNKNOWN_COUNTRY}.
 */
export class RecipientCountries {
  readonly #shared = new Map<string, string>();

  /** The country of `recipientId` (any common phone format, or a user id). */
  countryOf(recipientId: string): string {
    const digits = normalizeRecipientId(recipientId);
    if (!ALL_DIGITS.test(digits)) return UNKNOWN_COUNTRY;
    return this.countryOfDigits(digits, callingCodeOf(digits));
  }

  /** The country of an all-digits number whose calling code was already looked up. */
  countryOfDigits(digits: string, match: CallingCodeMatch | undefined): string {
    if (!match) return UNKNOWN_COUNTRY;
    if (match.countries.length === 1) return match.countries[0]!;
    let country = this.#shared.get(digits);
    if (country === undefined) {
      country = parsePhoneNumberFromString(`+${digits}`)?.country ?? match.countries[0]!;
      this.#shared.set(digits, country);
    }
    return country;
  }
}

/**
 * The country of a recipient, from the phone number (ISO 3166-1 alpha-2, e.g. `DE`), or `'unknown'`
 * for a business-scoped user id or a number with no known calling code (rule: docs/metrics.md, "Breakdowns").
 *
 * @example
 * ```ts
 * recipientCountry('+49 1512 3456789'); // 'DE'
 * recipientCountry('US.13491208655302741918'); // 'unknown'
 * ```
 */
export function recipientCountry(recipientId: string): string {
  return new RecipientCountries().countryOf(recipientId);
}
