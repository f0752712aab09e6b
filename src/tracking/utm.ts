import { ValidationError } from '../errors/index.js';
import { normalizeRecipientId } from '../events/recipient-id.js';

/** UTM parameters to add to a tracked link's destination; each overrides its default. */
export interface UtmParameters {
  /** `utm_source`; default `whatsapp`. */
  source?: string;
  /** `utm_medium`; default `message`. */
  medium?: string;
  /** `utm_campaign`; default the link's campaign id (none when the link names no campaign). */
  campaign?: string;
  /** `utm_content`; default the link's A/B variant (none when it names none). */
  content?: string;
  /** `utm_term`; none by default. */
  term?: string;
}

/** What the default UTM values come from: the link's campaign and variant, and who it is for. */
export interface UtmContext {
  campaignId?: string;
  variant?: string;
  /** The link's recipient: refused as a UTM value (a phone number never leaves in analytics URLs). */
  recipientId?: string;
}

/** `utm_source` when none is given. */
export const DEFAULT_UTM_SOURCE = 'whatsapp';
/** `utm_medium` when none is given. */
export const DEFAULT_UTM_MEDIUM = 'message';

const UTM_KEYS = ['source', 'medium', 'campaign', 'content', 'term'] as const;

/**
 * `url` with UTM parameters appended: `utm_source=whatsapp`, `utm_medium=message`,
 * `utm_campaign=<campaignId>`, `utm_content=<variant>` and `utm_term` when given, each overridable.
 * A parameter the URL already has is kept as it is and not added again; everything else in the URL
 * (its other parameters, their order and spelling, the fragment) is left untouched. A value that is the
 * link's recipient throws `ValidationError`: analytics tools store UTM values in the clear.
 */
export function withUtmParameters(url: string, utm: true | UtmParameters, context: UtmContext): string {
  const given: UtmParameters = utm === true ? {} : utm;
  if (given === null || typeof given !== 'object') {
    throw new ValidationError(
      [{ path: 'utm', message: 'must be true or an object of UTM values' }],
      'tracked link',
    );
  }
  for (const key of Object.keys(given)) {
    if (!(UTM_KEYS as readonly string[]).includes(key)) {
      throw new ValidationError([{ path: `utm.${key}`, message: 'is not a UTM parameter' }], 'tracked link');
    }
  }
  const values: Record<(typeof UTM_KEYS)[number], string | undefined> = {
    source: given.source ?? DEFAULT_UTM_SOURCE,
    medium: given.medium ?? DEFAULT_UTM_MEDIUM,
    campaign: given.campaign ?? context.campaignId,
    content: given.content ?? context.variant,
    term: given.term,
  };
  const recipient = context.recipientId === undefined ? undefined : normalizeRecipientId(context.recipientId);
  const parsed = new URL(url);
  const pairs: string[] = [];
  for (const key of UTM_KEYS) {
    const value = values[key];
    if (value === undefined || value === '') continue;
    if (typeof value !== 'string') {
      throw new ValidationError([{ path: `utm.${key}`, message: 'must be a string' }], 'tracked link');
    }
    if (recipient !== undefined && normalizeRecipientId(value) === recipient) {
      throw new ValidationError(
        [{ path: `utm.${key}`, message: 'must not be the recipient (UTM values are stored in the clear)' }],
        'tracked link',
      );
    }
    const name = `utm_${key}`;
    if (parsed.searchParams.has(name)) continue;
    pairs.push(`${name}=${encodeURIComponent(value)}`);
  }
  if (pairs.length === 0) return url;
  const hash = url.indexOf('#');
  const base = hash === -1 ? url : url.slice(0, hash);
  const fragment = hash === -1 ? '' : url.slice(hash);
  const separator = !base.includes('?') ? '?' : base.endsWith('?') || base.endsWith('&') ? '' : '&';
  return `${base}${separator}${pairs.join('&')}${fragment}`;
}
