import { ConfigError } from '../errors/index.js';
import { resolveClientConfig, type WhatsAppClientOptions } from './config.js';
import type { Logger } from './logger.js';
import { InsightsResource } from './resources/insights.js';
import { MediaResource } from './resources/media.js';
import { MessagesResource } from './resources/messages.js';
import { PhoneNumbersResource } from './resources/phone-numbers.js';
import { TemplatesResource } from './resources/templates.js';
import { sleep } from './retry.js';
import { Transport } from './transport.js';
import { WabaReadBudget } from './waba-read-budget.js';

/**
 * A client of the WhatsApp Business Cloud API for one phone number (and its WABA).
 *
 * ```ts
 * const wa = new WhatsAppClient({ accessToken, phoneNumberId });
 * const { messageId } = await wa.messages.send({ to: '+16505551234', text: { body: 'hi' } });
 * ```
 *
 * Each client owns its keep-alive connection pool (unless a `dispatcher` is injected); call
 * {@link WhatsAppClient.close} when done. The access token is kept in private fields and never
 * appears in `toJSON()`, `util.inspect`, errors or logs.
 */
export class WhatsAppClient {
  /** Send messages and mark messages as read. */
  readonly messages: MessagesResource;
  /** Upload, look up, download and delete media. */
  readonly media: MediaResource;
  /** List, read, create, edit and delete message templates (needs `businessAccountId`). */
  readonly templates: TemplatesResource;
  /** The phone number's quality rating, throughput level and messaging limit. */
  readonly phoneNumbers: PhoneNumbersResource;
  /**
   * Meta's analytics (template, pricing, messaging) and the message history, spending this client's
   * own hourly budget of WABA reads (option `wabaReadLimit`).
   */
  readonly insights: InsightsResource;
  /** The WhatsApp Business Account id, when configured. */
  readonly businessAccountId: string | undefined;
  /** The Graph API version in use, e.g. `v23.0`. */
  readonly apiVersion: string;
  /** The Graph origin in use, e.g. `https://graph.facebook.com`. */
  readonly baseUrl: string;
  /** The configured logger (a `SendQueue` on this client logs its background errors there). */
  readonly logger: Logger | undefined;
  #phoneNumberId: string | undefined;
  #transport: Transport;

  /** Validates options (unknown keys rejected) and applies env fallbacks; throws `ConfigError`. */
  constructor(options: WhatsAppClientOptions = {}) {
    const config = resolveClientConfig(options);
    this.#transport = new Transport(config);
    this.#phoneNumberId = config.phoneNumberId;
    this.businessAccountId = config.businessAccountId;
    this.apiVersion = config.apiVersion;
    this.logger = config.logger;
    this.baseUrl = `${config.origin}${config.versionPath.slice(0, -(config.apiVersion.length + 1))}`;
    this.messages = new MessagesResource(this.#transport, config.phoneNumberId);
    this.media = new MediaResource(this.#transport, config.phoneNumberId);
    this.templates = new TemplatesResource(this.#transport, config.businessAccountId);
    this.phoneNumbers = new PhoneNumbersResource(this.#transport, config.phoneNumberId);
    this.insights = new InsightsResource(
      this.#transport,
      new WabaReadBudget({ ...config.wabaReadLimit, sleep: config.sleep ?? sleep }),
      { businessAccountId: config.businessAccountId, phoneNumberId: config.phoneNumberId },
    );
  }

  /**
   * The sending phone number id. Send queues key their per-number limits on it. Throws
   * `ConfigError` on a templates-only client created without one.
   */
  get phoneNumberId(): string {
    if (this.#phoneNumberId === undefined) {
      throw new ConfigError('This client has no phoneNumberId (set the option or WHATSAPP_PHONE_NUMBER_ID).');
    }
    return this.#phoneNumberId;
  }

  /** Closes the client's own connection pool (an injected dispatcher is left open). */
  close(): Promise<void> {
    return this.#transport.close();
  }

  /** A secret-free description of the client. */
  toJSON(): Record<string, unknown> {
    return {
      phoneNumberId: this.#phoneNumberId,
      businessAccountId: this.businessAccountId,
      apiVersion: this.apiVersion,
      baseUrl: this.baseUrl,
    };
  }

  /** Same as `toJSON()`, for `console.log` / `util.inspect`. */
  [Symbol.for('nodejs.util.inspect.custom')](): Record<string, unknown> {
    return this.toJSON();
  }
}
