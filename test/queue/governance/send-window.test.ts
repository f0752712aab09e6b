import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../../src/errors/index.js';
import { recipientCountry } from '../../../src/events/recipient-country.js';
import { parseClockTime, SendWindow } from '../../../src/queue/governance/send-window.js';

const GERMANY = '4915112345678';
const TURKEY = '905321234567';
const SPAIN = '34612345678';
const US = '16505551234';
const utc = (iso: string) => new Date(`${iso}Z`);

describe('parseClockTime', () => {
  it('reads HH:MM as minutes after midnight', () => {
    expect(parseClockTime('00:00', 'start')).toBe(0);
    expect(parseClockTime('09:30', 'start')).toBe(570);
    expect(parseClockTime('23:59', 'end')).toBe(1439);
  });

  it.each(['24:00', '9:00', '09:60', 'nine', '', 930])('rejects %s naming the field', (value) => {
    expect(() => parseClockTime(value, 'end')).toThrow(ConfigError);
    expect(() => parseClockTime(value, 'end')).toThrow(/sendWindow\.end/);
  });
});

describe('SendWindow options', () => {
  it('rejects an empty window and an unknown zone', () => {
    expect(() => new SendWindow({ start: '09:00', end: '09:00' })).toThrow(/empty/);
    expect(() => new SendWindow({ start: '09:00', end: '17:00', timeZone: 'Mars/Olympus' })).toThrow(
      ConfigError,
    );
  });
});

describe('recipientCountry', () => {
  it('places numbers by calling code and prefix, not user ids', () => {
    expect(recipientCountry(GERMANY)).toBe('DE');
    expect(recipientCountry(`+${TURKEY}`)).toBe('TR');
    expect(recipientCountry(US)).toBe('US');
    expect(recipientCountry('US.13491208655302741918')).toBe('unknown');
    expect(recipientCountry('19995551234')).toBe('US');
  });
});

describe('SendWindow.timeZoneOf', () => {
  const window = new SendWindow({ start: '09:00', end: '20:00', timeZone: 'America/Chicago' });

  it("uses the country's zone when the country keeps one clock", () => {
    expect(window.timeZoneOf(GERMANY)).toBe('Europe/Berlin');
    expect(window.timeZoneOf(TURKEY)).toBe('Europe/Istanbul');
  });

  it('falls back to the option for countries with several offsets and for user ids', () => {
    expect(window.timeZoneOf(US)).toBe('America/Chicago');
    expect(window.timeZoneOf(SPAIN)).toBe('America/Chicago');
    expect(window.timeZoneOf('US.13491208655302741918')).toBe('America/Chicago');
  });

  it('asks the function first, then the country, then UTC', () => {
    const lookup = new SendWindow({
      start: '09:00',
      end: '20:00',
      timeZone: (to) => (to === US ? 'America/Los_Angeles' : to === TURKEY ? 'Not/AZone' : undefined),
    });
    expect(lookup.timeZoneOf(US)).toBe('America/Los_Angeles');
    expect(lookup.timeZoneOf(TURKEY)).toBe('Europe/Istanbul');
    expect(lookup.timeZoneOf(GERMANY)).toBe('Europe/Berlin');
    expect(lookup.timeZoneOf(SPAIN)).toBe('UTC');
  });
});

describe('SendWindow.nextAllowedAt', () => {
  const daytime = new SendWindow({ start: '09:00', end: '20:00' });

  it('is now inside the window, the next start outside it', () => {
    const inside = utc('2026-06-01T10:00:00');
    expect(daytime.nextAllowedAt(GERMANY, inside)).toEqual(inside);
    expect(daytime.nextAllowedAt(GERMANY, utc('2026-06-01T05:00:00'))).toEqual(utc('2026-06-01T07:00:00'));
    expect(daytime.nextAllowedAt(GERMANY, utc('2026-06-01T18:00:00'))).toEqual(utc('2026-06-02T07:00:00'));
  });

  it('treats end as outside and start as inside', () => {
    expect(daytime.nextAllowedAt(GERMANY, utc('2026-06-01T07:00:00'))).toEqual(utc('2026-06-01T07:00:00'));
    expect(daytime.nextAllowedAt(GERMANY, utc('2026-06-01T17:59:00'))).toEqual(utc('2026-06-01T17:59:00'));
    expect(daytime.nextAllowedAt(GERMANY, utc('2026-06-01T18:00:00'))).toEqual(utc('2026-06-02T07:00:00'));
  });

  it('follows Berlin across spring-forward and fall-back', () => {
    // 2026-03-29: 02:00 CET becomes 03:00 CEST, so 09:00 local is 07:00 UTC instead of 08:00.
    expect(daytime.nextAllowedAt(GERMANY, utc('2026-03-28T20:00:00'))).toEqual(utc('2026-03-29T07:00:00'));
    // 2026-10-25: 03:00 CEST becomes 02:00 CET, so 09:00 local is 08:00 UTC instead of 07:00.
    expect(daytime.nextAllowedAt(GERMANY, utc('2026-10-24T19:00:00'))).toEqual(utc('2026-10-25T08:00:00'));
  });

  it('follows New York across its DST changes (zone from the function)', () => {
    const office = new SendWindow({ start: '09:00', end: '17:00', timeZone: () => 'America/New_York' });
    // 2026-03-08: EST (-5) to EDT (-4).
    expect(office.nextAllowedAt(US, utc('2026-03-07T23:00:00'))).toEqual(utc('2026-03-08T13:00:00'));
    // 2026-11-01: EDT (-4) to EST (-5).
    expect(office.nextAllowedAt(US, utc('2026-10-31T22:00:00'))).toEqual(utc('2026-11-01T14:00:00'));
  });

  it('opens at the jump when a DST gap swallows the start minute', () => {
    const night = new SendWindow({ start: '02:30', end: '05:00' });
    // 02:30 does not exist in Berlin on 2026-03-29; the clock reads 03:00 CEST at 01:00 UTC.
    expect(night.nextAllowedAt(GERMANY, utc('2026-03-28T23:00:00'))).toEqual(utc('2026-03-29T01:00:00'));
  });

  it('handles a window across midnight', () => {
    const overnight = new SendWindow({ start: '21:00', end: '08:00' });
    // Istanbul is UTC+3 all year.
    expect(overnight.nextAllowedAt(TURKEY, utc('2026-06-01T09:00:00'))).toEqual(utc('2026-06-01T18:00:00'));
    const early = utc('2026-06-01T02:00:00');
    expect(overnight.nextAllowedAt(TURKEY, early)).toEqual(early);
    expect(overnight.nextAllowedAt(TURKEY, utc('2026-06-01T05:00:00'))).toEqual(utc('2026-06-01T18:00:00'));
  });

  it('never answers a time outside the window, whatever the hour', () => {
    const window = new SendWindow({ start: '08:15', end: '21:45', timeZone: 'America/New_York' });
    const start = utc('2026-03-07T00:00:00').getTime();
    for (let t = start; t < start + 3 * 86_400_000; t += 37 * 60_000) {
      const zone = window.timeZoneOf(US);
      const next = window.nextAllowedAt(US, t).getTime();
      expect(next).toBeGreaterThanOrEqual(t);
      expect(window.isOpenIn(zone, next)).toBe(true);
      if (next > t) expect(window.isOpenIn(zone, next - 60_000)).toBe(false);
    }
  });
});
