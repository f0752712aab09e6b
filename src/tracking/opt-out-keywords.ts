/**
 * The built-in STOP keywords, by language. A message counts as an opt-out only when the whole message
 * (case, accents, spaces and punctuation aside) equals one of them — "stop" does, "don't stop the offers" does not.
 */
export const DEFAULT_OPT_OUT_KEYWORDS: Readonly<Record<string, readonly string[]>> = Object.freeze({
  en: [
    'stop',
    'stop all',
    'stopall',
    'unsubscribe',
    'unsubscribe me',
    'cancel',
    'end',
    'quit',
    'opt out',
    'optout',
    'opt-out',
    'remove me',
    'stop messages',
    'stop promotions',
    'stop promo',
  ],
  tr: ['dur', 'durdur', 'iptal', 'ret', 'çık', 'abonelikten çık', 'istemiyorum', 'mesaj istemiyorum'],
  ru: ['стоп', 'отписаться', 'отписка', 'отменить подписку', 'отмена', 'хватит', 'не присылать'],
  zh: ['退订', '取消订阅', '停止', '退出', 'td', '退訂', '取消訂閱'],
  es: ['baja', 'darme de baja', 'parar', 'para', 'alto', 'cancelar', 'detener', 'no más', 'no mas'],
  pt: ['parar', 'pare', 'sair', 'cancelar', 'descadastrar', 'remover', 'não quero', 'nao quero'],
  de: ['stopp', 'abmelden', 'austragen', 'abbestellen', 'kündigen', 'abbrechen'],
  ar: ['توقف', 'إيقاف', 'ايقاف', 'إلغاء', 'الغاء', 'إلغاء الاشتراك', 'الغاء الاشتراك', 'قف'],
  fr: ['arrêt', 'arrêter', 'désabonner', 'se désabonner', 'désinscrire'],
  it: ['basta', 'disiscriviti', 'cancellami', 'annulla iscrizione'],
  id: ['berhenti', 'stop langganan', 'batal'],
  hi: ['रोकें', 'बंद करो', 'बंद'],
});

/** Options of {@link isOptOutText}. */
export interface OptOutTextOptions {
  /** Keywords to match instead of {@link DEFAULT_OPT_OUT_KEYWORDS} (normalised the same way). */
  keywords?: readonly string[];
}

const MARKS = /\p{M}+/gu;
const PUNCTUATION_OR_SYMBOL = /[\p{P}\p{S}]+/gu;
const WHITESPACE = /\s+/g;

/**
 * Canonical form used for keyword matching: Unicode-compatibility folded, accents and other combining
 * marks removed, lower case (Turkish dotless `ı` folded to `i`), punctuation, symbols and emoji dropped,
 * whitespace collapsed and trimmed. `"  STOP!! "` → `"stop"`, `"Kündigen"` → `"kundigen"`.
 */
export function normalizeOptOutText(text: string): string {
  return text
    .normalize('NFKD')
    .replace(MARKS, '')
    .toLowerCase()
    .replaceAll('ı', 'i')
    .replace(PUNCTUATION_OR_SYMBOL, ' ')
    .replace(WHITESPACE, ' ')
    .trim();
}

function keywordSet(keywords: Iterable<string>): ReadonlySet<string> {
  const set = new Set<string>();
  for (const keyword of keywords) {
    const normalized = normalizeOptOutText(keyword);
    if (normalized) set.add(normalized);
  }
  return set;
}

const DEFAULT_SET = keywordSet(Object.values(DEFAULT_OPT_OUT_KEYWORDS).flat());
const customSets = new WeakMap<readonly string[], ReadonlySet<string>>();

/**
 * Longest keyword we ever need to compare against: longer messages are never opt-outs. (The SQL stores'
 * opt-out candidates and their index use it too.)
 *
 * @internal
 */
export const MAX_OPT_OUT_TEXT_LENGTH = 200;

/**
 * Whether an inbound text is an opt-out request: the whole message, with case, accents, spaces
 * and punctuation set aside, equals a STOP keyword (built-in: English, Turkish, Russian, Chinese,
 * Spanish, Portuguese, German, Arabic, French, Italian, Indonesian, Hindi). Sentences that merely
 * contain a keyword do not count.
 */
export function isOptOutText(text: string, options?: OptOutTextOptions): boolean {
  if (text.length > MAX_OPT_OUT_TEXT_LENGTH) return false;
  let keywords = DEFAULT_SET;
  if (options?.keywords) {
    let set = customSets.get(options.keywords);
    if (!set) {
      set = keywordSet(options.keywords);
      customSets.set(options.keywords, set);
    }
    keywords = set;
  }
  if (keywords.size === 0) return false;
  return keywords.has(normalizeOptOutText(text));
}

/** The quick-reply payloads that mean "stop" unless configured otherwise. */
export const DEFAULT_OPT_OUT_PAYLOADS: readonly string[] = Object.freeze([
  'STOP',
  'STOP_PROMO',
  'STOP_PROMOTIONS',
  'UNSUBSCRIBE',
  'OPT_OUT',
]);

/** Whether a quick-reply payload means "stop" (exact match after trimming, case-insensitive). */
export function isOptOutPayload(
  payload: string,
  payloads: readonly string[] = DEFAULT_OPT_OUT_PAYLOADS,
): boolean {
  const wanted = payload.trim().toUpperCase();
  for (const candidate of payloads) if (candidate.trim().toUpperCase() === wanted) return true;
  return false;
}
