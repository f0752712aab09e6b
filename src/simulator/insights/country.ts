// Calling code -> ISO country for the simulator's pricing and messaging analytics. A short table of
// common markets, longest prefix first; anything else is `ZZ` (unknown), which is enough for a
// simulator (not a numbering plan).
const CALLING_CODES: ReadonlyArray<readonly [string, string]> = (
  [
    ['234', 'NG'],
    ['971', 'AE'],
    ['966', 'SA'],
    ['880', 'BD'],
    ['1', 'US'],
    ['7', 'RU'],
    ['20', 'EG'],
    ['27', 'ZA'],
    ['31', 'NL'],
    ['33', 'FR'],
    ['34', 'ES'],
    ['39', 'IT'],
    ['44', 'GB'],
    ['49', 'DE'],
    ['52', 'MX'],
    ['54', 'AR'],
    ['55', 'BR'],
    ['57', 'CO'],
    ['62', 'ID'],
    ['63', 'PH'],
    ['81', 'JP'],
    ['82', 'KR'],
    ['90', 'TR'],
    ['91', 'IN'],
    ['92', 'PK'],
  ] as Array<readonly [string, string]>
).sort((a, b) => b[0].length - a[0].length);

/** The ISO 3166 alpha-2 country of a WhatsApp id (digits with calling code), `ZZ` when unknown. */
export function countryOf(waId: string): string {
  for (const [prefix, country] of CALLING_CODES) if (waId.startsWith(prefix)) return country;
  return 'ZZ';
}
