import { z } from 'zod';
import { ValidationError } from '../errors/index.js';
import { objectRecord } from '../schemas/object-record.js';
import { optionsSchema } from '../schemas/validate-options.js';
import { DEFAULT_OPT_OUT_PAYLOADS } from '../tracking/opt-out-keywords.js';
import type { AttributionWindowStart, MetricsGroupBy, MetricsQuery, RateCard } from './metrics-types.js';

/** 72 hours: how long unlinked replies, opt-outs, blocks and conversions are credited to a message. */
export const DEFAULT_ATTRIBUTION_WINDOW_MS = 72 * 60 * 60 * 1000;

// Keys typed against MetricsQuery; a bad query is a per-call argument error (ValidationError), not configuration.
const metricsQuerySchema = optionsSchema<MetricsQuery>()({
  campaignId: z.string().min(1),
  from: z.date().optional(),
  to: z.date().optional(),
  groupBy: z.enum(['variant', 'segment', 'day', 'hour', 'weekday', 'template', 'country']).optional(),
  attributionWindowMs: z.number().nonnegative().optional(),
  attributionWindowFrom: z.enum(['send', 'click']).optional(),
  rateCard: objectRecord(z.number().finite().nonnegative()).optional(),
  timeZone: z
    .string()
    .refine(
      (zone) => {
        try {
          new Intl.DateTimeFormat('en-CA', { timeZone: zone });
          return true;
        } catch {
          return false;
        }
      },
      { message: 'unknown IANA time zone' },
    )
    .optional(),
  optOut: z
    .strictObject({
      keywords: z.array(z.string()).readonly().optional(),
      quickReplyPayloads: z.array(z.string()).readonly().optional(),
    })
    .optional(),
  blockInference: z.strictObject({ afterMs: z.number().positive() }).optional(),
  now: z.date().optional(),
});

/** A {@link MetricsQuery} checked and with its defaults filled in. */
export interface ResolvedMetricsQuery {
  /** The campaign measured. */
  campaignId: string;
  /** Messages sent at or after this epoch-ms (or -Infinity). */
  fromMs: number;
  /** Messages sent before this epoch-ms (or +Infinity). */
  toMs: number;
  /** Breakdown, if any. */
  groupBy: MetricsGroupBy | undefined;
  /** Attribution window in ms. */
  attributionWindowMs: number;
  /** Where a recipient-only conversion's window starts: the send, or the send or the latest click. */
  attributionWindowFrom: AttributionWindowStart;
  /** Prices per category, if any. */
  rateCard: RateCard | undefined;
  /** Time zone of day groups. */
  timeZone: string;
  /** STOP keywords to use (undefined: the built-in list). */
  optOutKeywords: readonly string[] | undefined;
  /** Quick-reply payloads meaning stop. */
  optOutPayloads: readonly string[];
  /** Block inference delay, or undefined when off. */
  blockInferenceAfterMs: number | undefined;
  /** Current time in epoch-ms, for block inference. */
  nowMs: number;
}

/** Validates a {@link MetricsQuery} (unknown keys rejected) and fills in the defaults; throws `ValidationError`. */
export function resolveMetricsQuery(query: MetricsQuery): ResolvedMetricsQuery {
  const result = metricsQuerySchema.safeParse(query);
  if (!result.success) {
    throw new ValidationError(
      result.error.issues.map((issue) => ({
        path: issue.path.map(String).join('.'),
        message: issue.message,
        code: issue.code,
      })),
      'metrics query',
    );
  }
  const q = result.data;
  return {
    campaignId: q.campaignId,
    fromMs: q.from ? q.from.getTime() : Number.NEGATIVE_INFINITY,
    toMs: q.to ? q.to.getTime() : Number.POSITIVE_INFINITY,
    groupBy: q.groupBy,
    attributionWindowMs: q.attributionWindowMs ?? DEFAULT_ATTRIBUTION_WINDOW_MS,
    attributionWindowFrom: q.attributionWindowFrom ?? 'send',
    rateCard: q.rateCard,
    timeZone: q.timeZone ?? 'UTC',
    optOutKeywords: q.optOut?.keywords,
    optOutPayloads: q.optOut?.quickReplyPayloads ?? DEFAULT_OPT_OUT_PAYLOADS,
    blockInferenceAfterMs: q.blockInference?.afterMs,
    nowMs: q.now ? q.now.getTime() : Date.now(),
  };
}
