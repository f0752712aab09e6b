import { type CallingCodeMatch, callingCodeOf, RecipientCountries } from '../events/recipient-country.js';
import { normalizeRecipientId } from '../events/recipient-id.js';
import { isTimeZone, zonesOfCountry } from '../events/time-zones.js';

/** Offsets from UTC are multiples of 15 minutes and change on such boundaries: one answer per quarter hour. */
const QUARTER_HOUR_MS = 15 * 60 * 1000;
const ALL_DIGITS = /^\d+$/;
const ISO_WEEKDAYS: Readonly<Record<string, string>> = {
  Mon: '1 Mon',
  Tue: '2 Tue',
  Wed: '3 Wed',
  Thu: '4 Thu',
  Fri: '5 Fri',
  Sat: '6 Sat',
  Sun: '7 Sun',
};

/** The local hour (`00`–`23`) and weekday (`1 Mon` … `7 Sun`, so keys sort Monday first) of an instant. */
export interface LocalTimeKeys {
  /** `00` to `23`. */
  hour: string;
  /** ISO weekday number and short English name, `1 Mon` to `7 Sun`. */
  weekday: string;
}

/**
 * The local time of recipients, for `groupBy: 'hour' | 'weekday'` and best-send-time analysis. A
 * recipient's zone is, in order: the zone their record gives (`metadata.timeZone` of the outbound
 * event, when it is an IANA zone); the zone of their phone number's country, when every zone of that
 * country has the same UTC offset at that instant (Germany, India; not the United States or Brazil);
 * else `fallbackTimeZone` (the query's `timeZone`). Business-scoped user ids have no country, so they
 * get the fallback too.
 *
 * @internal
 */
export class RecipientClock {
  readonly #fallback: string;
  readonly #countries: RecipientCountries;
  readonly #zonesByCode = new Map<string, readonly string[]>();
  readonly #zonesByCountry = new Map<string, readonly string[]>();
  /** A cached zone list (by identity) → quarter-hour bucket → the agreed zone, or null when they disagree. */
  readonly #agreed = new Map<readonly string[], Map<number, string | null>>();
  readonly #offsetFormats = new Map<string, Intl.DateTimeFormat>();
  readonly #keyFormats = new Map<string, Intl.DateTimeFormat>();
  /** Zone → quarter-hour bucket → its local keys (nested maps: no key string built per message). */
  readonly #keys = new Map<string, Map<number, LocalTimeKeys>>();
  readonly #validZones = new Map<string, boolean>();

  /** `fallbackTimeZone` must be an IANA zone (the query's `timeZone`, checked by the query schema). */
  constructor(fallbackTimeZone: string, countries: RecipientCountries = new RecipientCountries()) {
    this.#fallback = fallbackTimeZone;
    this.#countries = countries;
  }

  /** The recipient's IANA zone at instant `at` (see the class comment for the order). */
  zoneOf(recipientId: string, at: Date, recordZone?: string): string {
    if (recordZone !== undefined && this.#isValidZone(recordZone)) return recordZone;
    const digits = normalizeRecipientId(recipientId);
    if (!ALL_DIGITS.test(digits)) return this.#fallback;
    const match = callingCodeOf(digits);
    if (!match) return this.#fallback;
    const bucket = Math.floor(at.getTime() / QUARTER_HOUR_MS);
    // Cheap first: when every country sharing the calling code keeps one offset, no number is parsed.
    const byCode = this.#agreedZone(this.#codeZones(match), bucket);
    if (byCode !== null) return byCode;
    if (match.countries.length === 1) return this.#fallback;
    const country = this.#countries.countryOfDigits(digits, match);
    return this.#agreedZone(this.#countryZones(country), bucket) ?? this.#fallback;
  }

  /** The recipient's local hour and weekday at `at`. */
  localKeys(recipientId: string, at: Date, recordZone?: string): LocalTimeKeys {
    return this.keysIn(this.zoneOf(recipientId, at, recordZone), at);
  }

  /** The local hour and weekday of `at` in `zone` (cached per quarter hour). */
  keysIn(zone: string, at: Date): LocalTimeKeys {
    const bucket = Math.floor(at.getTime() / QUARTER_HOUR_MS);
    let byBucket = this.#keys.get(zone);
    if (byBucket === undefined) {
      byBucket = new Map();
      this.#keys.set(zone, byBucket);
    }
    let keys = byBucket.get(bucket);
    if (keys === undefined) {
      let format = this.#keyFormats.get(zone);
      if (format === undefined) {
        format = new Intl.DateTimeFormat('en-US', {
          timeZone: zone,
          weekday: 'short',
          hour: '2-digit',
          hourCycle: 'h23',
        });
        this.#keyFormats.set(zone, format);
      }
      let hour = '00';
      let weekday = '';
      for (const part of format.formatToParts(at)) {
        if (part.type === 'hour') hour = part.value.padStart(2, '0');
        else if (part.type === 'weekday') weekday = ISO_WEEKDAYS[part.value] ?? part.value;
      }
      keys = { hour, weekday };
      byBucket.set(bucket, keys);
    }
    return keys;
  }

  #isValidZone(zone: string): boolean {
    let valid = this.#validZones.get(zone);
    if (valid === undefined) {
      valid = isTimeZone(zone);
      this.#validZones.set(zone, valid);
    }
    return valid;
  }

  #codeZones(match: CallingCodeMatch): readonly string[] {
    let zones = this.#zonesByCode.get(match.code);
    if (zones === undefined) {
      // Only when every country of the code has zones: a country without any gets the fallback.
      const perCountry = match.countries.map((country) => this.#countryZones(country));
      zones = perCountry.some((list) => list.length === 0) ? [] : [...new Set(perCountry.flat())];
      this.#zonesByCode.set(match.code, zones);
    }
    return zones;
  }

  #countryZones(country: string): readonly string[] {
    let zones = this.#zonesByCountry.get(country);
    if (zones === undefined) {
      zones = zonesOfCountry(country).filter((zone) => this.#isValidZone(zone));
      this.#zonesByCountry.set(country, zones);
    }
    return zones;
  }

  /** The first of `zones` when all of them have the same UTC offset during quarter hour `bucket`, else null. */
  #agreedZone(zones: readonly string[], bucket: number): string | null {
    if (zones.length === 0) return null;
    if (zones.length === 1) return zones[0]!;
    let byBucket = this.#agreed.get(zones);
    if (byBucket === undefined) {
      byBucket = new Map();
      this.#agreed.set(zones, byBucket);
    }
    let agreed = byBucket.get(bucket);
    if (agreed === undefined) {
      const instant = new Date(bucket * QUARTER_HOUR_MS);
      const first = this.#offset(zones[0]!, instant);
      agreed = zones.every((zone) => this.#offset(zone, instant) === first) ? zones[0]! : null;
      byBucket.set(bucket, agreed);
    }
    return agreed;
  }

  /** The zone's UTC offset at `instant`, as ICU writes it (`GMT+05:30`). */
  #offset(zone: string, instant: Date): string {
    let format = this.#offsetFormats.get(zone);
    if (format === undefined) {
      format = new Intl.DateTimeFormat('en-US', { timeZone: zone, timeZoneName: 'longOffset' });
      this.#offsetFormats.set(zone, format);
    }
    return format.formatToParts(instant).find((part) => part.type === 'timeZoneName')?.value ?? '';
  }
}
