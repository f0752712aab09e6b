import type { Dispatcher } from 'undici';
import { z } from 'zod';
import { ConfigError } from '../errors/index.js';
import { objectRecord } from '../schemas/object-record.js';
import { invalidOption, optionsSchema, parseOptions } from '../schemas/validate-options.js';
import type { Logger } from './logger.js';
import { loggerSchema } from './logger-schema.js';
import type { WabaReadLimitOptions } from './waba-read-budget.js';

/** Options of {@link WhatsAppClient}. Every field falls back to an environment variable or a default. */
export interface WhatsAppClientOptions {
  /** System-user or business token. Env: `WHATSAPP_ACCESS_TOKEN`. Required. */
  accessToken?: string;
  /**
   * The sending phone number's id. Env: `WHATSAPP_PHONE_NUMBER_ID`. Required for messages, media
   * and phone-number calls; a client made only for template management may give `businessAccountId`
   * instead.
   */
  phoneNumberId?: string;
  /** WhatsApp Business Account id, needed by `templates`. Env: `WHATSAPP_BUSINESS_ACCOUNT_ID`. */
  businessAccountId?: string;
  /** Graph API version, e.g. `v23.0` (the default). Env: `WHATSAPP_API_VERSION`. */
  apiVersion?: string;
  /**
   * Graph host without the version, default `https://graph.facebook.com`. Point it at the simulator
   * for local runs. Env: `WHATSAPP_BASE_URL`.
   */
  baseUrl?: string;
  /** Deadline of one request attempt, in milliseconds (default 30000). Overridable per call. */
  timeoutMs?: number;
  /** How many times a safe-to-retry request is retried (default 2). Overridable per call. */
  maxRetries?: number;
  /** An undici dispatcher (Agent, Pool, MockAgent, ProxyAgent...) to use instead of the client's own. */
  dispatcher?: Dispatcher;
  /** Receives redacted request/response records. Nothing is logged without it. */
  logger?: Logger;
  /** Environment to read fallbacks from (default `process.env`); handy in tests. */
  env?: Record<string, string | undefined>;
  /** Base of the exponential retry backoff in milliseconds (default 500). */
  retryBaseDelayMs?: number;
  /**
   * Cap of one retry delay in milliseconds (default 30000). A `Retry-After` longer than this is not
   * waited for: the error is thrown instead.
   */
  retryMaxDelayMs?: number;
  /**
   * Largest Graph JSON answer read, in bytes (default 4 MiB). A longer body aborts the request with
   * `ResponseTooLargeError`, so a misbehaving server cannot grow the process without bound.
   */
  maxResponseBytes?: number;
  /** Largest media download, in bytes (default 100 MiB, Meta's largest media); past it the body errors. */
  maxMediaBytes?: number;
  /**
   * Extra hosts `media.download(url)` may send the access token to (https only), besides the Graph
   * origin and Meta's media hosts (`*.fbsbx.com`, e.g. `lookaside.fbsbx.com`, and `*.whatsapp.net`).
   * `'*.example.com'` matches its subdomains; `'*'` trusts every https host (not recommended). A URL on
   * any other host is refused with `ValidationError` before a request is made.
   */
  allowedMediaHosts?: readonly string[];
  /** Random source in [0, 1) for backoff jitter (default `Math.random`); inject for tests. */
  random?: () => number;
  /** How to wait between retries (default: a timer that honours the signal); inject for tests. */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  /** Hourly budget of WhatsApp Business Account reads spent by `insights` (default 200/h, throw when spent). */
  wabaReadLimit?: WabaReadLimitOptions;
}

/** The validated, defaulted configuration a client runs with. */
export interface ResolvedClientConfig {
  /** Bearer token (never logged). */
  readonly accessToken: string;
  /** Sending phone number id, when configured. */
  readonly phoneNumberId: string | undefined;
  /** WhatsApp Business Account id, when configured. */
  readonly businessAccountId: string | undefined;
  /** Graph API version, e.g. `v23.0`. */
  readonly apiVersion: string;
  /** Graph origin, e.g. `https://graph.facebook.com`. */
  readonly origin: string;
  /** Path prefix under the origin, including the version, e.g. `/v23.0`. */
  readonly versionPath: string;
  /** Attempt deadline in milliseconds. */
  readonly timeoutMs: number;
  /** Retries of safe requests. */
  readonly maxRetries: number;
  /** Injected dispatcher, if any. */
  readonly dispatcher: Dispatcher | undefined;
  /** Logger, if any. */
  readonly logger: Logger | undefined;
  /** Backoff base in milliseconds. */
  readonly retryBaseDelayMs: number;
  /** Backoff cap in milliseconds. */
  readonly retryMaxDelayMs: number;
  /** Largest Graph JSON answer, in bytes. */
  readonly maxResponseBytes: number;
  /** Largest media download, in bytes. */
  readonly maxMediaBytes: number;
  /** Extra trusted media hosts (lower case; `*.x` wildcards, `*` for any). */
  readonly allowedMediaHosts: readonly string[];
  /** Jitter source. */
  readonly random: () => number;
  /** Retry wait. */
  readonly sleep: ((ms: number, signal?: AbortSignal) => Promise<void>) | undefined;
  /** WABA read budget settings. */
  readonly wabaReadLimit: WabaReadLimitOptions;
}

/** Default Graph host (no version). */
export const DEFAULT_BASE_URL = 'https://graph.facebook.com';
/** Default Graph API version. */
export const DEFAULT_API_VERSION = 'v23.0';
/** Default per-attempt deadline in milliseconds. */
export const DEFAULT_TIMEOUT_MS = 30_000;
/** Default number of retries for requests that are safe to retry. */
export const DEFAULT_MAX_RETRIES = 2;
/** Default cap of a Graph JSON answer: 4 MiB. */
export const DEFAULT_MAX_RESPONSE_BYTES = 4 * 1024 * 1024;
/** Default cap of a media download: 100 MiB (Meta refuses larger media). */
export const DEFAULT_MAX_MEDIA_BYTES = 100 * 1024 * 1024;

const OWNER = 'WhatsAppClient';

const graphId = z
  .string()
  .min(1)
  .regex(/^[^\s/?#]+$/, 'must be an id without spaces, slashes, ? or #');
const fn = <T>(what: string) => z.custom<T>((v) => typeof v === 'function', { message: `must be ${what}` });

const clientOptionsSchema = optionsSchema<WhatsAppClientOptions>()({
  accessToken: z.string().min(1).optional(),
  phoneNumberId: graphId.optional(),
  businessAccountId: graphId.optional(),
  apiVersion: z
    .string()
    .regex(/^v\d+\.\d+$/, 'must look like v23.0')
    .optional(),
  baseUrl: z.string().min(1).optional(),
  timeoutMs: z.number().int().positive().optional(),
  maxRetries: z.number().int().min(0).max(10).optional(),
  dispatcher: z
    .custom<Dispatcher>(
      (v) => typeof v === 'object' && v !== null && typeof (v as Dispatcher).dispatch === 'function',
      { message: 'must be an undici Dispatcher' },
    )
    .optional(),
  logger: loggerSchema.optional(),
  env: objectRecord(z.string().optional()).optional(),
  retryBaseDelayMs: z.number().nonnegative().optional(),
  retryMaxDelayMs: z.number().nonnegative().optional(),
  maxResponseBytes: z.number().int().positive().optional(),
  maxMediaBytes: z.number().int().positive().optional(),
  allowedMediaHosts: z
    .array(z.string().regex(/^(\*|(\*\.)?[a-z0-9.-]+)$/i, 'must be host names, `*.domain` or `*`'))
    .optional(),
  random: fn<() => number>('a function returning a number in [0, 1)').optional(),
  sleep: fn<(ms: number, signal?: AbortSignal) => Promise<void>>('a function').optional(),
  wabaReadLimit: optionsSchema<WabaReadLimitOptions>()({
    requestsPerHour: z.number().int().positive().optional(),
    maxWaitMs: z
      .custom<number>((v) => typeof v === 'number' && v >= 0, {
        message: 'must be a number ≥ 0 (Infinity: always wait)',
      })
      .optional(),
  }).optional(),
});

/**
 * Validates client options, applies environment fallbacks (explicit options win) and defaults.
 * Throws {@link ConfigError} naming the offending option; never includes a value in the message.
 */
export function resolveClientConfig(options: WhatsAppClientOptions = {}): ResolvedClientConfig {
  const o = parseOptions(OWNER, clientOptionsSchema, options);
  const env = o.env ?? process.env;
  const fromEnv = (name: string) => {
    const value = env[name]?.trim();
    return value ? value : undefined;
  };

  const accessToken = o.accessToken ?? fromEnv('WHATSAPP_ACCESS_TOKEN');
  if (!accessToken) {
    throw invalidOption(
      OWNER,
      'accessToken',
      'is missing: pass it as an option or set WHATSAPP_ACCESS_TOKEN',
    );
  }
  const phoneNumberId = checkEnvId('phoneNumberId', o.phoneNumberId ?? fromEnv('WHATSAPP_PHONE_NUMBER_ID'));
  const businessAccountId = checkEnvId(
    'businessAccountId',
    o.businessAccountId ?? fromEnv('WHATSAPP_BUSINESS_ACCOUNT_ID'),
  );
  if (!phoneNumberId && !businessAccountId) {
    throw invalidOption(
      OWNER,
      'phoneNumberId',
      'is missing: pass it as an option or set WHATSAPP_PHONE_NUMBER_ID ' +
        '(a templates-only client may give businessAccountId instead)',
    );
  }
  const apiVersion = o.apiVersion ?? fromEnv('WHATSAPP_API_VERSION') ?? DEFAULT_API_VERSION;
  if (!/^v\d+\.\d+$/.test(apiVersion)) {
    throw invalidOption(OWNER, 'apiVersion', 'must look like v23.0 (from WHATSAPP_API_VERSION)');
  }
  const { origin, pathPrefix } = parseBaseUrl(o.baseUrl ?? fromEnv('WHATSAPP_BASE_URL') ?? DEFAULT_BASE_URL);
  const retryBaseDelayMs = o.retryBaseDelayMs ?? 500;
  return {
    accessToken,
    phoneNumberId,
    businessAccountId,
    apiVersion,
    origin,
    versionPath: `${pathPrefix}/${apiVersion}`,
    timeoutMs: o.timeoutMs ?? DEFAULT_TIMEOUT_MS,
    maxRetries: o.maxRetries ?? DEFAULT_MAX_RETRIES,
    dispatcher: o.dispatcher,
    logger: o.logger,
    retryBaseDelayMs,
    retryMaxDelayMs: Math.max(o.retryMaxDelayMs ?? 30_000, retryBaseDelayMs),
    maxResponseBytes: o.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES,
    maxMediaBytes: o.maxMediaBytes ?? DEFAULT_MAX_MEDIA_BYTES,
    allowedMediaHosts: (o.allowedMediaHosts ?? []).map((host) => host.toLowerCase()),
    random: o.random ?? Math.random,
    sleep: o.sleep,
    wabaReadLimit: o.wabaReadLimit ?? {},
  };
}

function checkEnvId(name: string, value: string | undefined): string | undefined {
  if (value !== undefined && !graphId.safeParse(value).success) {
    throw invalidOption(OWNER, name, 'must be an id without spaces, slashes, ? or #');
  }
  return value;
}

function parseBaseUrl(raw: string): { origin: string; pathPrefix: string } {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw invalidOption(OWNER, 'baseUrl', 'must be an absolute URL');
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw invalidOption(OWNER, 'baseUrl', 'must be an http(s) URL');
  }
  if (url.search || url.hash || url.username || url.password) {
    throw invalidOption(OWNER, 'baseUrl', 'must not carry a query, fragment or credentials');
  }
  const pathPrefix = url.pathname.replace(/\/+$/, '');
  if (/\/v\d+\.\d+$/.test(pathPrefix)) {
    throw invalidOption(
      OWNER,
      'baseUrl',
      'must be the host without the version (e.g. https://graph.facebook.com); set apiVersion',
    );
  }
  return { origin: url.origin, pathPrefix };
}
