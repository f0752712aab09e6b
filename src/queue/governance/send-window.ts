import { ConfigError } from '../../errors/index.js';
import { recipientCountry, UNKNOWN_COUNTRY } from '../../events/recipient-country.js';
import { isTimeZone, zonesOfCountry } from '../../events/time-zones.js';

/**
 * The hours of the recipient's day in which sends may start (the `sendWindow` option of `SendQueue`).
 * `start` and `end` are `'HH:MM'` on a 24-hour clock; a window whose `start` is later than its `end`
 * runs across midnight (`{ start: '21:00', end: '08:00' }`). `start` is inside the window, `end` is not.
 */
export interface SendWindowOptions {
  /** First minute of the window, `'HH:MM'`. */
  start: string;
  /** First minute after the window, `'HH:MM'`. */
  end: string;
  /**
   * The recipient's IANA time zone. A function (e.g. a lookup in your recipient records; it gets the
   * recipient id: the digits of the phone number, or the user id) is asked
   * first; when it returns `undefined`, or when this is a string, the zone comes from the phone
   * number's country. Where that is not known (a user id, an unplaceable number) or the country
   * spans several UTC offsets (US, CA, MX, BR, RU, AU, ES, PT, ID...), the string is used, else UTC.
   */
  timeZone?: string | ((to: string) => string | undefined);
}

const HH_MM = /^([01]\d|2[0-3]):([0-5]\d)$/;
const MINUTE_MS = 60_000;
const DAY_MINUTES = 24 * 60;

/** Minutes after midnight of an `'HH:MM'` string; throws `ConfigError` naming the field. */
export function parseClockTime(value: unknown, field: string): number {
  const match = typeof value === 'string' ? HH_MM.exec(value) : null;
  if (!match)
    throw new ConfigError(`sendWindow.${field} must be 'HH:MM' (00:00–23:59), got ${String(value)}`);
  return Number(match[1]) * 60 + Number(match[2]);
}

/**
 * When a recipient may be sent to: the window in the recipient's local time, with zone arithmetic
 * done by `Intl.DateTimeFormat` (so daylight-saving changes are the runtime's tz database's, not ours).
 */
export class SendWindow {
  readonly #start: number;
  readonly #end: number;
  readonly #zoneOf: ((to: string) => string | undefined) | undefined;
  readonly #fallbackZone: string;
  readonly #formatters = new Map<string, Intl.DateTimeFormat>();
  readonly #countryZones = new Map<string, string | undefined>();

  /** @param options validated here: bad times, an empty window or an unknown zone throw `ConfigError`. */
  constructor(options: SendWindowOptions) {
    this.#start = parseClockTime(options.start, 'start');
    this.#end = parseClockTime(options.end, 'end');
    if (this.#start === this.#end)
      throw new ConfigError('sendWindow.start and sendWindow.end are equal: the window would be empty');
    const zone = options.timeZone;
    if (typeof zone === 'string') {
      if (!isTimeZone(zone)) throw new ConfigError(`sendWindow.timeZone ${zone} is not an IANA time zone`);
      this.#fallbackZone = zone;
    } else if (zone === undefined || typeof zone === 'function') {
      this.#fallbackZone = 'UTC';
      this.#zoneOf = zone;
    } else {
      throw new ConfigError('sendWindow.timeZone must be an IANA zone name or a function');
    }
  }

  /**
   * The recipient's time zone: the `timeZone` function's answer (when it is a known zone), else the
   * zone of the number's country when the country has one UTC offset, else the string option, else UTC.
   */
  timeZoneOf(recipientId: string): string {
    const given = this.#zoneOf?.(recipientId);
    if (typeof given === 'string' && given !== '' && this.#formatter(given)) return given;
    const country = recipientCountry(recipientId);
    return (country !== UNKNOWN_COUNTRY && this.#zoneOfCountry(country)) || this.#fallbackZone;
  }

  /** Whether `at` is inside the window in `zone`. */
  isOpenIn(zone: string, at: number): boolean {
    return this.#inside(this.#localMinute(zone, at));
  }

  /** The earliest instant at or after `now` (milliseconds) when a send to the recipient may start. */
  nextAllowedAt(recipientId: string, now: Date | number): Date {
    const at = typeof now === 'number' ? now : now.getTime();
    return new Date(this.nextOpenIn(this.timeZoneOf(recipientId), at));
  }

  /** {@link SendWindow.nextAllowedAt} for a known zone, in epoch milliseconds. */
  nextOpenIn(zone: string, now: number): number {
    if (this.isOpenIn(zone, now)) return now;
    // The wall clock reads `start` again within two local days (three covers a DST day and a
    // midnight-crossing window); take the first such instant after now.
    const today = this.#localDate(zone, now);
    for (let day = 0; day <= 2; day++) {
      const candidate = this.#wallClockInstant(zone, today, day, this.#start);
      if (candidate > now) return this.#firstOpenAround(zone, candidate);
    }
    return now + DAY_MINUTES * MINUTE_MS;
  }

  #inside(minute: number): boolean {
    return this.#start < this.#end
      ? minute >= this.#start && minute < this.#end
      : minute >= this.#start || minute < this.#end;
  }

  #formatter(zone: string): Intl.DateTimeFormat | undefined {
    let formatter = this.#formatters.get(zone);
    if (!formatter) {
      if (!isTimeZone(zone)) return undefined;
      formatter = new Intl.DateTimeFormat('en-US', {
        timeZone: zone,
        hourCycle: 'h23',
        year: 'numeric',
        month: 'numeric',
        day: 'numeric',
        hour: 'numeric',
        minute: 'numeric',
        second: 'numeric',
      });
      this.#formatters.set(zone, formatter);
    }
    return formatter;
  }

  #fields(zone: string, at: number): Record<string, number> {
    const out: Record<string, number> = {};
    for (const part of (this.#formatter(zone) ?? this.#formatter('UTC')!).formatToParts(at)) {
      if (part.type !== 'literal') out[part.type] = Number(part.value);
    }
    return out;
  }

  #localMinute(zone: string, at: number): number {
    const f = this.#fields(zone, at);
    return (f.hour ?? 0) * 60 + (f.minute ?? 0);
  }

  #localDate(zone: string, at: number): { year: number; month: number; day: number } {
    const f = this.#fields(zone, at);
    return { year: f.year ?? 1970, month: f.month ?? 1, day: f.day ?? 1 };
  }

  /** Offset of `zone` from UTC at `at`, in milliseconds (local = UTC + offset). */
  #offset(zone: string, at: number): number {
    const f = this.#fields(zone, at);
    const local = Date.UTC(
      f.year ?? 1970,
      (f.month ?? 1) - 1,
      f.day ?? 1,
      f.hour ?? 0,
      f.minute ?? 0,
      f.second ?? 0,
    );
    return local - Math.floor(at / 1000) * 1000;
  }

  /** The instant the wall clock in `zone` reads `minute` on the local date `date` + `plusDays`. */
  #wallClockInstant(
    zone: string,
    date: { year: number; month: number; day: number },
    plusDays: number,
    minute: number,
  ): number {
    const naive = Date.UTC(date.year, date.month - 1, date.day + plusDays, 0, minute);
    // Two passes: the offset at the first guess can differ from the one at the answer near a DST change.
    const first = naive - this.#offset(zone, naive);
    return naive - this.#offset(zone, first);
  }

  /**
   * `candidate` is where the clock should read `start`; if a DST gap swallowed that minute, the window
   * opened at the jump: find the first open minute before `candidate` (open-ness is monotonic there).
   */
  #firstOpenAround(zone: string, candidate: number): number {
    if (this.#localMinute(zone, candidate) === this.#start) return candidate;
    if (!this.isOpenIn(zone, candidate)) {
      // The clock jumped back over `start` (it never reads it after `candidate`): next minute open.
      let t = candidate;
      for (let i = 0; i < 4 * 60 && !this.isOpenIn(zone, t); i++) t += MINUTE_MS;
      return t;
    }
    let lo = candidate - 3 * 60 * MINUTE_MS;
    let hi = candidate;
    if (this.isOpenIn(zone, lo)) return candidate;
    while (hi - lo > MINUTE_MS) {
      const mid = lo + Math.floor((hi - lo) / 2 / MINUTE_MS) * MINUTE_MS;
      if (this.isOpenIn(zone, mid)) hi = mid;
      else lo = mid;
    }
    return hi;
  }

  /**
   * The one zone of a country, or `undefined` when its zones disagree on the UTC offset in January or
   * July (so `DE` is Europe/Berlin, Busingen keeping the same clock, while `ES` has the Canaries).
   */
  #zoneOfCountry(country: string): string | undefined {
    if (this.#countryZones.has(country)) return this.#countryZones.get(country);
    const zones = zonesOfCountry(country);
    const year = new Date().getUTCFullYear();
    const probes = [Date.UTC(year, 0, 15), Date.UTC(year, 6, 15)];
    const first = zones[0];
    const single =
      first !== undefined &&
      zones.every((zone) => probes.every((at) => this.#offset(zone, at) === this.#offset(first, at)))
        ? first
        : undefined;
    this.#countryZones.set(country, single);
    return single;
  }
}
