import { z } from 'zod';
import { clockSchema } from '../clock/clock-schema.js';
import type { Clock } from '../clock/index.js';
import type { ConfigError } from '../errors/index.js';
import { invalidOption, optionsSchema, parseOptions } from '../schemas/validate-options.js';
import type { TemplateInput } from './templates/simulator-template.js';

/** A `[min, max]` range of simulated milliseconds; a value is drawn uniformly from it. */
export type LatencyRange = readonly [min: number, max: number];

/** A business phone number served by the simulator (`GET /{phone-number-id}` answers with these fields). */
export interface SimulatorPhoneNumber {
  /** Phone number id, used in paths (`/{id}/messages`). */
  id: string;
  /** Digits only, as webhooks' `metadata.display_phone_number` carries it. Default `15550783881`. */
  displayPhoneNumber?: string;
  /** Default `Wacloud Simulator`. */
  verifiedName?: string;
  /** Default `GREEN`. */
  qualityRating?: 'GREEN' | 'YELLOW' | 'RED' | 'UNKNOWN';
  /** `throughput.level`. Default `STANDARD`. */
  throughputLevel?: 'STANDARD' | 'HIGH' | 'NOT_APPLICABLE';
  /** `whatsapp_business_manager_messaging_limit`. Default `TIER_10K`. */
  messagingLimit?: string;
  /** Throughput limit of this number; overrides `behaviour.messagesPerSecond`. */
  messagesPerSecond?: number;
}

/** The per-recipient pair limit: a token bucket of `burst` sends that refills one per `intervalMs`. */
export interface PairLimitOptions {
  /** Milliseconds to earn back one send. Meta: 6000 (one message per 6 s). */
  intervalMs: number;
  /** Sends allowed back to back before the limit bites. Meta: about 45. */
  burst: number;
}

/** How the simulated users and the simulated platform behave. Every rate is a probability in [0, 1]. */
export interface SimulatorBehaviour {
  /** Share of accepted (not failed) messages that reach `delivered`. */
  deliveredRate: number;
  /** Share of delivered messages that reach `read`. */
  readRate: number;
  /** Share of read messages for which only `read` is posted, no `delivered` (the user had the chat open). */
  readWithoutDeliveredRate: number;
  /** Share of accepted messages that fail asynchronously with one of `failureCodes`. */
  failedRate: number;
  /** Codes of asynchronous failures (131049 and 131050 apply to marketing templates only; others get 131026). */
  failureCodes: number[];
  /** Share of read messages the user answers with a text. */
  replyRate: number;
  /** Share of read messages the user answers with a STOP-like text ("STOP", "Durdur", "ARRÊT"...). */
  stopReplyRate: number;
  /** Share of read template messages with quick-reply buttons on which the user taps one. */
  quickReplyRate: number;
  /** Share of read messages carrying a URL that matches `clickUrlPattern` whose link the user opens. */
  clickRate: number;
  /** URLs (in text bodies, interactive bodies, template parameters and URL buttons) that users may "click". Only loopback URLs are ever fetched. */
  clickUrlPattern: RegExp | string | undefined;
  /** Share of read marketing messages after which the user stops marketing (a `user_preferences` webhook; later marketing sends fail with 131050). */
  userPreferencesStopRate: number;
  /**
   * Share of users known by their business-scoped user id only (2026): their replies and preference
   * changes carry an empty `wa_id`/`from` and a `user_id`/`from_user_id`. Above 0, every user has a user
   * id, and statuses of sends to a phone number carry `recipient_user_id` beside it. Default 0 (no user ids).
   */
  userIdOnlyRate: number;
  /** Share of status webhooks posted twice. */
  duplicateRate: number;
  /** Share of messages whose `read` webhook is posted before their `delivered` one. */
  outOfOrderRate: number;
  /** Simulated latency from acceptance to each event. */
  latencyMs: { sent: LatencyRange; delivered: LatencyRange; read: LatencyRange; reply: LatencyRange };
  /**
   * Time acceleration: real delays are the simulated latencies divided by this (timestamps stay
   * realistic). To make the simulator's clock itself run faster (24 h rules in seconds), give
   * `clock: acceleratedClock({ speed })` instead, and the same clock to the queue.
   */
  speed: number;
  /** Statuses that fall due within this many real ms of each other go out in one POST (Meta batches too). 0 = never batch. */
  batchWindowMs: number;
  /**
   * Share of users Meta's per-user marketing limit holds back: their marketing templates are refused
   * with 131049 (as the response) until 24 h of simulated time after the first refusal; a retry from
   * then on goes through. Drawn per user from the seed. Default 0.
   */
  marketingLimitRate: number;
  /**
   * Share of marketing template sends Meta's template pacing holds: answered with `message_status:
   * 'held_for_quality_assessment'` instead of `accepted` (drawn per message from the seed). The held
   * messages are then released, as Meta does when the template's feedback is good; to simulate bad
   * feedback, pause the template (`setTemplateStatus`): later sends fail with 132015. Default 0.
   */
  pacingHoldRate: number;
  /**
   * Enforce the portfolio messaging limit: at most the served numbers' highest `messagingLimit`
   * (default `TIER_10K`) unique users reached by templates outside the customer service window in any
   * moving 24 h; a template to one more user is refused with 131048 (Meta documents no code for this;
   * 131048 is its "restrictions on how many messages can be sent from this phone number"). Default false.
   */
  enforceMessagingLimit: boolean;
  /** Throughput limit per phone number: accepted requests in any sliding second (over → 130429). */
  messagesPerSecond: number;
  /** Pair limit per recipient (over → 131056), or `false` for none. */
  pairLimit: PairLimitOptions | false;
  /** Reject free-form messages to users who have not written in the last 24 h (131047). */
  enforceServiceWindow: boolean;
  /** Whether 131047 comes back as the HTTP response (`response`) or as a `failed` status webhook (`webhook`). */
  serviceWindowErrors: 'response' | 'webhook';
  /** Run `validateOutgoingMessage` from wacloud's messages module on every send (errors → code 100). */
  validateMessages: boolean;
  /** Webhook redelivery when the receiver does not answer 2xx: attempts in all, and the first backoff (doubling). */
  webhookRetry: { maxAttempts: number; baseDelayMs: number };
  /** Webhook POSTs in flight at once. */
  webhookConcurrency: number;
  /** Simulated ms until a created template is approved (then a `message_template_status_update` webhook). */
  templateApprovalMs: number;
}

/** Overrides of {@link SimulatorBehaviour}: any subset, including part of `latencyMs` or `webhookRetry`. */
export type SimulatorBehaviourOptions = Partial<Omit<SimulatorBehaviour, 'latencyMs' | 'webhookRetry'>> & {
  latencyMs?: Partial<SimulatorBehaviour['latencyMs']>;
  webhookRetry?: Partial<SimulatorBehaviour['webhookRetry']>;
};

/** Options of {@link startSimulator}. */
export interface SimulatorOptions {
  /** TCP port on 127.0.0.1; 0 (the default) picks a free one. */
  port?: number;
  /** App secret that signs webhooks (`X-Hub-Signature-256`). Required with `webhookUrl`. */
  appSecret?: string;
  /** Where signed webhooks are POSTed. Without it nothing is posted (events are still counted). */
  webhookUrl?: string;
  /** Access token(s) the simulator accepts as `Authorization: Bearer …`. Default `test-token`. */
  accessToken?: string | string[];
  /** WhatsApp Business Account id (`entry[].id`, `/{waba-id}/message_templates`). Default `102290129340398`. */
  businessAccountId?: string;
  /** Phone numbers served (ids, or full descriptions). Default: one number, id `106540352242922`. */
  phoneNumbers?: (string | SimulatorPhoneNumber)[];
  /** Overrides of the default behaviour. */
  behaviour?: SimulatorBehaviourOptions;
  /** Seed of every random choice. Default 42. */
  seed?: number;
  /** Clock in ms since the epoch (timestamps, windows, rate limits). Default `Date.now`. */
  now?: () => number;
  /**
   * The clock, with its speed: `acceleratedClock({ speed: 3600 })` makes a simulated day pass in 24
   * real seconds (timestamps, the 24 h rules, and latencies all follow it). Give the same clock to the
   * `SendQueue`. Excludes `now` and `behaviour.speed`.
   */
  clock?: Clock;
  /** Templates added to the built-in seeded ones. */
  templates?: TemplateInput[];
  /** Meta's analytics endpoints (template, pricing, messaging analytics). */
  insights?: SimulatorInsightsOptions;
}

/** Options of the simulated analytics endpoints. */
export interface SimulatorInsightsOptions {
  /**
   * Whether template analytics start enabled (`is_enabled_for_insights`). Default false, as on a new
   * Meta account: `template_analytics` fails until `POST /{waba-id}?is_enabled_for_insights=true`.
   */
  enabled?: boolean;
  /** WABA analytics reads allowed in a sliding hour before 80007. Default 200, Meta's figure. */
  readsPerHour?: number;
}

/** The behaviour used when none is given: a plausible campaign. */
export const DEFAULT_BEHAVIOUR: SimulatorBehaviour = {
  deliveredRate: 0.95,
  readRate: 0.7,
  readWithoutDeliveredRate: 0.01,
  failedRate: 0.02,
  failureCodes: [131026, 131049, 131050],
  replyRate: 0.05,
  stopReplyRate: 0.01,
  quickReplyRate: 0.08,
  clickRate: 0.1,
  clickUrlPattern: undefined,
  userPreferencesStopRate: 0.002,
  userIdOnlyRate: 0,
  duplicateRate: 0.01,
  outOfOrderRate: 0.02,
  latencyMs: { sent: [20, 200], delivered: [100, 1500], read: [500, 8000], reply: [1000, 15000] },
  speed: 1,
  batchWindowMs: 5,
  marketingLimitRate: 0,
  pacingHoldRate: 0,
  enforceMessagingLimit: false,
  messagesPerSecond: 80,
  pairLimit: { intervalMs: 6000, burst: 45 },
  enforceServiceWindow: true,
  serviceWindowErrors: 'response',
  validateMessages: true,
  webhookRetry: { maxAttempts: 5, baseDelayMs: 100 },
  webhookConcurrency: 16,
  templateApprovalMs: 1000,
};

const rate = z.number().min(0).max(1);
const range = z
  .tuple([z.number().nonnegative(), z.number().nonnegative()])
  .refine(([min, max]) => min <= max, 'min must not exceed max');

const behaviourSchema = optionsSchema<SimulatorBehaviour>()({
  deliveredRate: rate,
  readRate: rate,
  readWithoutDeliveredRate: rate,
  failedRate: rate,
  failureCodes: z.array(z.number().int()).min(1),
  replyRate: rate,
  stopReplyRate: rate,
  quickReplyRate: rate,
  clickRate: rate,
  clickUrlPattern: z.union([z.instanceof(RegExp), z.string()]).optional(),
  userPreferencesStopRate: rate,
  userIdOnlyRate: rate,
  duplicateRate: rate,
  outOfOrderRate: rate,
  latencyMs: optionsSchema<SimulatorBehaviour['latencyMs']>()({
    sent: range,
    delivered: range,
    read: range,
    reply: range,
  }).partial(),
  speed: z.number().positive(),
  batchWindowMs: z.number().nonnegative(),
  marketingLimitRate: rate,
  pacingHoldRate: rate,
  enforceMessagingLimit: z.boolean(),
  messagesPerSecond: z.number().positive(),
  pairLimit: z.union([
    z.literal(false),
    optionsSchema<PairLimitOptions>()({
      intervalMs: z.number().nonnegative(),
      burst: z.number().int().positive(),
    }),
  ]),
  enforceServiceWindow: z.boolean(),
  serviceWindowErrors: z.enum(['response', 'webhook']),
  validateMessages: z.boolean(),
  webhookRetry: optionsSchema<SimulatorBehaviour['webhookRetry']>()({
    maxAttempts: z.number().int().positive(),
    baseDelayMs: z.number().nonnegative(),
  }).partial(),
  webhookConcurrency: z.number().int().positive(),
  templateApprovalMs: z.number().nonnegative(),
});

const phoneNumberSchema = optionsSchema<SimulatorPhoneNumber>()({
  id: z.string().regex(/^\d+$/, 'phone number ids are numeric'),
  displayPhoneNumber: z.string().optional(),
  verifiedName: z.string().optional(),
  qualityRating: z.enum(['GREEN', 'YELLOW', 'RED', 'UNKNOWN']).optional(),
  throughputLevel: z.enum(['STANDARD', 'HIGH', 'NOT_APPLICABLE']).optional(),
  messagingLimit: z
    .enum(['TIER_50', 'TIER_250', 'TIER_2K', 'TIER_10K', 'TIER_100K', 'TIER_UNLIMITED', 'TIER_NOT_SET'])
    .optional(),
  messagesPerSecond: z.number().positive().optional(),
});

const simulatorOptionsSchema = optionsSchema<SimulatorOptions>()({
  port: z.number().int().min(0).max(65535).optional(),
  appSecret: z.string().min(1).optional(),
  webhookUrl: z.url({ protocol: /^https?$/ }).optional(),
  accessToken: z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]).optional(),
  businessAccountId: z.string().regex(/^\d+$/).optional(),
  phoneNumbers: z
    .array(z.union([z.string().regex(/^\d+$/, 'phone number ids are numeric'), phoneNumberSchema]))
    .min(1)
    .optional(),
  behaviour: behaviourSchema.partial().optional(),
  seed: z.number().int().optional(),
  now: z.function().optional(),
  clock: clockSchema.optional(),
  templates: z.array(z.looseObject({ name: z.string(), language: z.string() })).optional(),
  insights: optionsSchema<SimulatorInsightsOptions>()({
    enabled: z.boolean().optional(),
    readsPerHour: z.number().int().positive().optional(),
  }).optional(),
});

/** Options with every default filled in. */
export interface ResolvedSimulatorOptions {
  port: number;
  appSecret: string | undefined;
  webhookUrl: string | undefined;
  accessTokens: ReadonlySet<string>;
  businessAccountId: string;
  phoneNumbers: Required<Omit<SimulatorPhoneNumber, 'messagesPerSecond'>>[];
  mpsByNumber: ReadonlyMap<string, number>;
  behaviour: SimulatorBehaviour;
  seed: number;
  now: () => number;
  templates: TemplateInput[];
  insights: Required<SimulatorInsightsOptions>;
}

// `{ speed: undefined }` means "default", not "override with undefined".
function defined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}

/** Validates the options (unknown keys rejected) and fills in defaults; throws {@link ConfigError}. */
export function resolveSimulatorOptions(options: SimulatorOptions = {}): ResolvedSimulatorOptions {
  parseOptions('startSimulator', simulatorOptionsSchema, options);
  if (options.webhookUrl && !options.appSecret) {
    throw invalidOption('startSimulator', 'appSecret', 'is required to sign webhooks sent to webhookUrl');
  }
  const clock = options.clock;
  if (clock && options.now)
    throw invalidOption('startSimulator', 'now', 'cannot be given with clock (use clock.now)');
  if (clock && options.behaviour?.speed !== undefined)
    throw invalidOption('startSimulator', 'behaviour.speed', 'cannot be given with clock (use clock.speed)');
  const given = defined({ ...options.behaviour, ...(clock ? { speed: clock.speed } : {}) });
  const behaviour: SimulatorBehaviour = {
    ...DEFAULT_BEHAVIOUR,
    ...given,
    clickUrlPattern: given.clickUrlPattern,
    latencyMs: { ...DEFAULT_BEHAVIOUR.latencyMs, ...defined(given.latencyMs ?? {}) },
    webhookRetry: { ...DEFAULT_BEHAVIOUR.webhookRetry, ...defined(given.webhookRetry ?? {}) },
  };
  const described = (options.phoneNumbers ?? ['106540352242922']).map((p) =>
    typeof p === 'string' ? { id: p } : p,
  );
  const phoneNumbers = described.map((p) => ({
    id: p.id,
    displayPhoneNumber: p.displayPhoneNumber ?? '15550783881',
    verifiedName: p.verifiedName ?? 'Wacloud Simulator',
    qualityRating: p.qualityRating ?? 'GREEN',
    throughputLevel: p.throughputLevel ?? 'STANDARD',
    messagingLimit: p.messagingLimit ?? 'TIER_10K',
  }));
  const mpsByNumber = new Map(
    described.flatMap((p) => (p.messagesPerSecond ? [[p.id, p.messagesPerSecond] as const] : [])),
  );
  const tokens = options.accessToken ?? 'test-token';
  return {
    port: options.port ?? 0,
    appSecret: options.appSecret,
    webhookUrl: options.webhookUrl,
    accessTokens: new Set(Array.isArray(tokens) ? tokens : [tokens]),
    businessAccountId: options.businessAccountId ?? '102290129340398',
    phoneNumbers,
    mpsByNumber,
    behaviour,
    seed: options.seed ?? 42,
    now: clock ? () => clock.now() : (options.now ?? Date.now),
    templates: options.templates ?? [],
    insights: {
      enabled: options.insights?.enabled ?? false,
      readsPerHour: options.insights?.readsPerHour ?? 200,
    },
  };
}
