import { ConfigError } from '../errors/index.js';
import { clickableUrls, openLoopbackLink, toClickPattern } from './clicks.js';
import { SimulatedGraphError, unknownObjectError, webhookErrorObject } from './graph-error.js';
import { inboundMessageId, outboundMessageId } from './ids.js';
import { InsightsLedger } from './insights/ledger.js';
import { MarketingLimit } from './limits/marketing-limit.js';
import { PairLimiter } from './limits/pair-token-bucket.js';
import { PortfolioReach, tierUsers } from './limits/portfolio-reach.js';
import { ThroughputWindow } from './limits/throughput-window.js';
import { MediaStore } from './media/media-store.js';
import { checkMessageBody } from './messages/check-message.js';
import { PendingWork } from './pending-work.js';
import { type PlannedEvent, planMessage } from './plan.js';
import { Prng } from './prng.js';
import type { ResolvedSimulatorOptions } from './simulator-options.js';
import { checkTemplateSend } from './templates/check-send.js';
import { SEED_TEMPLATES } from './templates/seed.js';
import { templateButtons } from './templates/simulator-template.js';
import { TemplateStore } from './templates/store.js';
import type {
  InboundInput,
  InboundOptions,
  SimulatedMessage,
  SimulatorFault,
  SimulatorStats,
} from './types.js';
import { contactIds, type SimulatedIdentity, senderFields, simulatedIdentity } from './user-identity.js';
import { WebhookDispatcher } from './webhooks/dispatcher.js';
import {
  inboundEnvelope,
  numberQualityEnvelope,
  type SimulatedContact,
  type StatusObject,
  templateStatusEnvelope,
  userActionsEnvelope,
  userPreferencesEnvelope,
  type WebhookPhone,
} from './webhooks/payloads.js';
import { StatusBatcher } from './webhooks/status-batcher.js';

const DAY_MS = 24 * 60 * 60 * 1000;
/** Meta's throughput after an upgrade, messages per second. */
const UPGRADED_MPS = 1000;
/** Account in maintenance mode: Meta's answer while a number's throughput is being upgraded. */
const MAINTENANCE = 131057;
const NAMES = [
  'Sheena Nelson',
  'Pablo Morales',
  'Aylin Yılmaz',
  'Chloé Martin',
  'Kenji Sato',
  'Amara Okafor',
];

/** A phone number served by the simulator, with defaults filled in. */
export type ServedPhoneNumber = ResolvedSimulatorOptions['phoneNumbers'][number];

/**
 * The simulated Cloud API behind the HTTP layer: stores, limits, the customer service windows,
 * the message log, and the webhooks each accepted message will produce.
 */
export class SimulatorEngine {
  /** Templates, seeded. */
  readonly templates: TemplateStore;
  /** Uploaded media. */
  readonly media = new MediaStore();
  /** Every accepted message, in acceptance order. */
  readonly messages: SimulatedMessage[] = [];
  /** Counters. */
  readonly stats: SimulatorStats = {
    requests: 0,
    accepted: 0,
    rejected: {},
    webhooksPosted: 0,
    webhooksRetried: 0,
    webhooksFailed: 0,
    statuses: 0,
    inboundMessages: 0,
    clicks: 0,
  };
  /** Timers and requests in progress. */
  readonly work = new PendingWork();
  /** What was sent and what happened to it, for the analytics endpoints. */
  readonly insights: InsightsLedger;

  readonly #ids: Prng;
  readonly #phones: Map<string, ServedPhoneNumber>;
  readonly #throughput = new Map<string, ThroughputWindow>();
  /** Numbers whose throughput upgrade is in progress: when it ends (simulated ms). */
  readonly #upgradingUntil = new Map<string, number>();
  readonly #pairLimiter: PairLimiter | undefined;
  readonly #marketingLimit: MarketingLimit;
  readonly #portfolioReach: PortfolioReach | undefined;
  readonly #lastInboundAt = new Map<string, number>();
  readonly #optedOutAt = new Map<string, number>();
  readonly #sendCounts = new Map<string, number>();
  readonly #faults: (SimulatorFault & { remaining: number })[] = [];
  readonly #dispatcher: WebhookDispatcher;
  readonly #batcher: StatusBatcher;
  readonly #clickPattern: RegExp | undefined;

  constructor(readonly options: ResolvedSimulatorOptions) {
    this.#ids = new Prng(options.seed);
    this.insights = new InsightsLedger(options.insights.enabled);
    this.#phones = new Map(options.phoneNumbers.map((p) => [p.id, p]));
    this.templates = new TemplateStore([...SEED_TEMPLATES, ...options.templates], () => this.#ids.digits(16));
    const { behaviour } = options;
    this.#pairLimiter = behaviour.pairLimit ? new PairLimiter(behaviour.pairLimit) : undefined;
    this.#marketingLimit = new MarketingLimit(behaviour.marketingLimitRate, options.seed);
    // The portfolio's limit is shared by its numbers; numbers listing different tiers get the highest.
    this.#portfolioReach = behaviour.enforceMessagingLimit
      ? new PortfolioReach(Math.max(...options.phoneNumbers.map((p) => tierUsers(p.messagingLimit))))
      : undefined;
    this.#dispatcher = new WebhookDispatcher({
      url: options.webhookUrl,
      appSecret: options.appSecret,
      concurrency: behaviour.webhookConcurrency,
      retry: behaviour.webhookRetry,
      work: this.work,
      counters: this.stats,
    });
    this.#batcher = new StatusBatcher(
      options.businessAccountId,
      behaviour.batchWindowMs,
      this.#dispatcher,
      this.work,
    );
    this.#clickPattern = toClickPattern(behaviour.clickUrlPattern);
  }

  /** Current simulated time in ms. */
  now(): number {
    return this.options.now();
  }

  /** A random id for new Graph objects (media, templates, trace ids). */
  get idSource(): Prng {
    return this.#ids;
  }

  /** The phone number with this id. */
  phone(id: string): ServedPhoneNumber | undefined {
    return this.#phones.get(id);
  }

  /** Counts a refused request under its code. */
  recordRejection(code: number): void {
    this.stats.rejected[code] = (this.stats.rejected[code] ?? 0) + 1;
  }

  /** Registers a fault for the next matching requests. */
  injectFault(fault: SimulatorFault): void {
    this.#faults.push({ ...fault, remaining: fault.times ?? 1 });
  }

  /** Takes the first fault matching this request, if any. */
  takeFault(edge: string, to: string | undefined): SimulatorFault | undefined {
    const index = this.#faults.findIndex(
      (f) =>
        (!f.edge || f.edge === edge) &&
        (!f.to || (to !== undefined && (f.to === to || f.to.replace(/\D/g, '') === to.replace(/\D/g, '')))),
    );
    const fault = this.#faults[index];
    if (!fault) return undefined;
    if (--fault.remaining <= 0) this.#faults.splice(index, 1);
    return fault;
  }

  /**
   * `POST /{phone-number-id}/marketing_messages` (Marketing Messages API): a template send whose
   * template must be a MARKETING one (134100 otherwise), priced `marketing_lite`, whose clicks also come
   * back as `user_actions` webhooks unless `message_activity_sharing` is `false`.
   */
  postMarketingMessages(phoneId: string, body: unknown): Record<string, unknown> {
    if (body === null || typeof body !== 'object' || Array.isArray(body)) {
      throw new SimulatedGraphError(100, { message: '(#100) Invalid parameter' });
    }
    const { product_policy, message_activity_sharing, ...message } = body as Record<string, unknown>;
    if (
      product_policy !== undefined &&
      product_policy !== 'CLOUD_API_FALLBACK' &&
      product_policy !== 'STRICT'
    ) {
      throw new SimulatedGraphError(100, {
        message: '(#100) Param product_policy must be one of {CLOUD_API_FALLBACK, STRICT}',
      });
    }
    if (message_activity_sharing !== undefined && typeof message_activity_sharing !== 'boolean') {
      throw new SimulatedGraphError(100, {
        message: '(#100) Param message_activity_sharing must be a boolean',
      });
    }
    if (message.recipient_type !== undefined && message.recipient_type !== 'individual') {
      throw new SimulatedGraphError(100, {
        message: '(#100) Param recipient_type must be one of {INDIVIDUAL}',
      });
    }
    if (message.status !== undefined || message.type !== 'template') throw new SimulatedGraphError(131055);
    return this.postMessages(phoneId, message, { activitySharing: message_activity_sharing !== false });
  }

  /** `POST /{phone-number-id}/messages`: a send or a mark-as-read. */
  postMessages(
    phoneId: string,
    body: unknown,
    marketingApi?: SimulatedMessage['marketingApi'],
  ): Record<string, unknown> {
    const phone = this.phone(phoneId);
    if (!phone) throw unknownObjectError('POST', phoneId);
    const now = this.now();
    if ((this.#upgradingUntil.get(phoneId) ?? Number.NEGATIVE_INFINITY) > now)
      throw new SimulatedGraphError(MAINTENANCE);
    const mps = this.options.mpsByNumber.get(phoneId) ?? this.options.behaviour.messagesPerSecond;
    let window = this.#throughput.get(phoneId);
    if (!window) {
      window = new ThroughputWindow(mps);
      this.#throughput.set(phoneId, window);
    }
    if (!window.tryAdmit(now)) throw new SimulatedGraphError(130429, { error_subcode: 2494055 });

    const checked = checkMessageBody(body, this.options.behaviour.validateMessages);
    if (checked.kind === 'mark_read') return { success: true };
    const template =
      checked.type === 'template' ? checkTemplateSend(this.templates, checked.payload) : undefined;
    const { behaviour } = this.options;
    const windowOpen = this.#isWindowOpen(checked.waId, now);
    const outsideWindow = !template && behaviour.enforceServiceWindow && !windowOpen;
    if (outsideWindow && behaviour.serviceWindowErrors === 'response') throw new SimulatedGraphError(131047);
    if (this.#pairLimiter && !this.#pairLimiter.tryConsume(`${phoneId}|${checked.waId}`, now)) {
      throw new SimulatedGraphError(131056);
    }
    const businessInitiated = template !== undefined && !windowOpen;
    if (businessInitiated && this.#portfolioReach && !this.#portfolioReach.admits(checked.waId, now))
      throw new SimulatedGraphError(131048);
    if (
      template?.template.category.toLowerCase() === 'marketing' &&
      this.#marketingLimit.refuses(checked.waId, now)
    )
      throw new SimulatedGraphError(131049);
    if (businessInitiated) this.#portfolioReach?.record(checked.waId, now);

    const countKey = `${phoneId}|${checked.waId}`;
    const nth = this.#sendCounts.get(countKey) ?? 0;
    this.#sendCounts.set(countKey, nth + 1);
    const rng = Prng.derive(this.options.seed, `${countKey}|${nth}`);
    const id = outboundMessageId(checked.waId, rng);
    const templateCategory = template ? template.template.category.toLowerCase() : 'service';
    const marketing = templateCategory === 'marketing';
    if (marketingApi && !marketing) throw new SimulatedGraphError(134100);
    // Meta prices Marketing Messages API deliveries as `marketing_lite`.
    const category = marketingApi ? 'marketing_lite' : templateCategory;
    const events: PlannedEvent[] = outsideWindow
      ? [{ kind: 'status', status: 'failed', atMs: 50, postAtMs: 50, errorCode: 131047, duplicate: false }]
      : planMessage(rng, {
          behaviour,
          marketing,
          optedOut: (this.#optedOutAt.get(checked.waId) ?? Number.POSITIVE_INFINITY) <= now,
          quickReplies: template?.quickReplies ?? [],
          clickUrls: clickableUrls(this.#clickPattern, checked.type, checked.payload, template),
        });
    const message: SimulatedMessage = {
      id,
      phoneNumberId: phoneId,
      to: checked.input,
      waId: checked.waId,
      type: checked.type,
      ...(template ? { templateName: template.template.name } : {}),
      category,
      body: body as Record<string, unknown>,
      ...(marketingApi ? { marketingApi } : {}),
      acceptedAt: new Date(now),
      events,
    };
    this.messages.push(message);
    this.stats.accepted++;
    const pricing =
      category === 'service' || (category === 'utility' && windowOpen)
        ? { billable: false, pricing_model: 'PMP' as const, type: 'free_customer_service', category }
        : { billable: true, pricing_model: 'PMP' as const, type: 'regular', category };
    const urlButtons = new Map<string, string>();
    if (template) {
      const buttons = templateButtons(template.template).filter(
        (b) => b.type.toUpperCase() === 'URL' && b.url,
      );
      buttons.forEach((button, i) => {
        const url = template.urls[i];
        if (url !== undefined) urlButtons.set(url, button.text ?? url);
      });
    }
    this.insights.accept({
      id,
      phoneNumberId: phoneId,
      displayPhoneNumber: phone.displayPhoneNumber,
      waId: checked.waId,
      acceptedAt: now,
      templateId: template?.template.id,
      category,
      pricingType: pricing.billable ? 'regular' : 'free_customer_service',
      urlButtons,
    });
    for (const event of events) {
      if (event.kind === 'opt_out') {
        const earlier = this.#optedOutAt.get(checked.waId) ?? Number.POSITIVE_INFINITY;
        this.#optedOutAt.set(checked.waId, Math.min(earlier, now + event.atMs));
      }
      this.work.schedule(this.#realDelay('postAtMs' in event ? event.postAtMs : event.atMs), () =>
        this.#fire(message, phone, event, pricing, checked.bizOpaqueCallbackData),
      );
    }
    const messageEntry: Record<string, unknown> = { id };
    if (template)
      messageEntry.message_status = this.#pacingHolds(marketing, id)
        ? 'held_for_quality_assessment'
        : 'accepted';
    return {
      messaging_product: 'whatsapp',
      // A BSUID send (`recipient` without `to`) gets no wa_id back, as Meta documents.
      contacts: [checked.usesTo ? { input: checked.input, wa_id: checked.waId } : { input: checked.input }],
      messages: [messageEntry],
    };
  }

  /** Whether template pacing holds this marketing message for quality assessment (`pacingHoldRate`). */
  #pacingHolds(marketing: boolean, messageId: string): boolean {
    const rate = this.options.behaviour.pacingHoldRate;
    return marketing && rate > 0 && Prng.derive(this.options.seed, `pacing|${messageId}`).chance(rate);
  }

  /** Makes a user write to the business: opens the 24 h window and posts the inbound webhook. Returns its id. */
  inbound(from: string, input: InboundInput, options: InboundOptions = {}): string {
    const phoneId = options.phoneNumberId ?? (this.options.phoneNumbers[0] as ServedPhoneNumber).id;
    const phone = this.phone(phoneId);
    if (!phone) throw new ConfigError(`inbound(): the simulator serves no phone number ${phoneId}`);
    const waId = from.replace(/\D/g, '') || from;
    const content = typeof input === 'string' ? { type: 'text', text: { body: input } } : input;
    const identity = this.#identity(waId);
    const contact = { waId, name: options.name ?? this.#contactName(waId), ids: contactIds(waId, identity) };
    const id = inboundMessageId(waId, this.#ids);
    this.#postInbound(phone, contact, {
      ...(options.contextMessageId
        ? { context: { from: phone.displayPhoneNumber, id: options.contextMessageId } }
        : {}),
      ...senderFields(waId, identity),
      id,
      timestamp: String(Math.floor(this.now() / 1000)),
      ...content,
    });
    return id;
  }

  /** Posts a `message_template_status_update` once a created template's approval delay has passed. */
  scheduleApproval(templateId: string): void {
    this.work.schedule(this.#realDelay(this.options.behaviour.templateApprovalMs), () => {
      const template = this.templates.get(templateId);
      if (template?.status !== 'PENDING') return;
      template.status = 'APPROVED';
      this.#dispatcher.post(
        templateStatusEnvelope(
          this.options.businessAccountId,
          template,
          'APPROVED',
          Math.floor(this.now() / 1000),
        ),
      );
    });
  }

  /**
   * Meta changes a template's status: `PAUSED` or `DISABLED` (sends then fail with 132015 / 132016),
   * `REINSTATED` (approved again). Posts the `message_template_status_update`; false when no template has
   * that name and language.
   */
  setTemplateStatus(name: string, language: string, event: 'PAUSED' | 'DISABLED' | 'REINSTATED'): boolean {
    const template = this.templates.find(name, language);
    if (!template) return false;
    this.templates.setStatus(template.id, event === 'REINSTATED' ? 'APPROVED' : event);
    this.#dispatcher.post(
      templateStatusEnvelope(this.options.businessAccountId, template, event, Math.floor(this.now() / 1000)),
    );
    return true;
  }

  /** Posts a `phone_number_quality_update` for a served number (`FLAGGED`, `UNFLAGGED`, `THROUGHPUT_UPGRADE`). */
  postNumberQuality(event: string, phoneNumberId?: string): void {
    const phone = this.#phones.get(phoneNumberId ?? (this.options.phoneNumbers[0] as ServedPhoneNumber).id);
    if (!phone) throw new Error(`The simulator serves no phone number ${String(phoneNumberId)}`);
    this.#dispatcher.post(
      numberQualityEnvelope(
        this.options.businessAccountId,
        phone.displayPhoneNumber,
        event,
        Math.floor(this.now() / 1000),
      ),
    );
  }

  /**
   * Meta upgrades a number's throughput to 1,000 messages per second: for `durationMs` (simulated)
   * its sends are refused with 131057 (maintenance), then its limit is 1,000 mps, its
   * `throughput.level` `HIGH`, and a `phone_number_quality_update` webhook (`THROUGHPUT_UPGRADE`) is
   * posted. Starting again while one runs moves its end.
   */
  startThroughputUpgrade(durationMs: number, phoneNumberId?: string): void {
    if (!Number.isFinite(durationMs) || durationMs < 0)
      throw new ConfigError('startThroughputUpgrade needs a duration of 0 ms or more');
    const phone = this.#phones.get(phoneNumberId ?? (this.options.phoneNumbers[0] as ServedPhoneNumber).id);
    if (!phone) throw new Error(`The simulator serves no phone number ${String(phoneNumberId)}`);
    const until = this.now() + durationMs;
    this.#upgradingUntil.set(phone.id, until);
    this.work.schedule(this.#realDelay(durationMs), () => {
      // A later start moved the end: that one's timer finishes the upgrade.
      if (this.#upgradingUntil.get(phone.id) !== until) return;
      this.#upgradingUntil.delete(phone.id);
      this.#throughput.set(phone.id, new ThroughputWindow(UPGRADED_MPS));
      phone.throughputLevel = 'HIGH';
      this.postNumberQuality('THROUGHPUT_UPGRADE', phone.id);
    });
  }

  /** Cancels what is scheduled and closes webhook connections. */
  async close(): Promise<void> {
    this.work.cancelAll();
    await this.#dispatcher.close();
  }

  #realDelay(simulatedMs: number): number {
    return simulatedMs / this.options.behaviour.speed;
  }

  #isWindowOpen(waId: string, now: number): boolean {
    const last = this.#lastInboundAt.get(waId);
    return last !== undefined && now - last < DAY_MS;
  }

  #identity(waId: string): SimulatedIdentity {
    return simulatedIdentity(this.options.seed, waId, this.options.behaviour.userIdOnlyRate);
  }

  #contactName(waId: string): string {
    return Prng.derive(this.options.seed, `name|${waId}`).pick(NAMES);
  }

  #fire(
    message: SimulatedMessage,
    phone: ServedPhoneNumber,
    event: PlannedEvent,
    pricing: NonNullable<StatusObject['pricing']>,
    bizOpaque: string | undefined,
  ): Promise<void> | undefined {
    const at = message.acceptedAt.getTime() + event.atMs;
    const seconds = Math.floor(at / 1000);
    const identity = this.#identity(message.waId);
    const contact = {
      waId: message.waId,
      name: this.#contactName(message.waId),
      ids: contactIds(message.waId, identity),
    };
    switch (event.kind) {
      case 'status': {
        const status: StatusObject = {
          id: message.id,
          status: event.status,
          timestamp: String(seconds),
          recipient_id: message.waId,
          ...(identity.userId === undefined || identity.userId === message.waId
            ? {}
            : { recipient_user_id: identity.userId }),
          ...(bizOpaque === undefined ? {} : { biz_opaque_callback_data: bizOpaque }),
        };
        // Pricing rides on `sent` and on one of `delivered`/`read` (whichever is posted).
        const priced =
          event.status === 'sent' ||
          event.status === 'delivered' ||
          (event.status === 'read' &&
            !message.events.some((e) => e.kind === 'status' && e.status === 'delivered'));
        if (priced) status.pricing = pricing;
        if (event.status === 'failed' && event.errorCode) {
          status.errors = [webhookErrorObject(event.errorCode)];
        }
        this.stats.statuses++;
        this.insights.status(message.id, event.status, at, event.errorCode);
        this.#batcher.add(toWebhookPhone(phone), status);
        return undefined;
      }
      case 'reply':
      case 'button': {
        const inboundId = inboundMessageId(message.waId, Prng.derive(this.options.seed, `in|${message.id}`));
        const quoted = event.kind === 'button' || event.quoted;
        if (event.kind === 'button') this.insights.click(message.id, 'quick_reply_button', event.reply.text);
        this.#postInbound(phone, contact, {
          ...(quoted ? { context: { from: phone.displayPhoneNumber, id: message.id } } : {}),
          ...senderFields(message.waId, identity),
          id: inboundId,
          timestamp: String(seconds),
          ...(event.kind === 'button'
            ? { type: 'button', button: { payload: event.reply.payload, text: event.reply.text } }
            : { type: 'text', text: { body: event.text } }),
        });
        return undefined;
      }
      case 'opt_out':
        this.#dispatcher.post(
          userPreferencesEnvelope(
            this.options.businessAccountId,
            toWebhookPhone(phone),
            contact,
            'stop',
            seconds,
          ),
        );
        return undefined;
      case 'click': {
        this.insights.click(message.id, 'url_button', event.url);
        let url = event.url;
        if (message.marketingApi?.activitySharing) {
          // Meta appends its click id to the URL it opens and reports the click as a `user_actions` webhook.
          const rng = Prng.derive(this.options.seed, `click|${message.id}|${event.atMs}`);
          const click = { clickComponent: 'cta' as const, clickId: rng.hex(32), trackingToken: rng.hex(40) };
          url = withClickId(url, click.clickId);
          this.#dispatcher.post(
            userActionsEnvelope(this.options.businessAccountId, toWebhookPhone(phone), click, seconds),
          );
        }
        return openLoopbackLink(url).then((opened) => {
          if (opened) this.stats.clicks++;
        });
      }
    }
  }

  #postInbound(phone: ServedPhoneNumber, contact: SimulatedContact, message: Record<string, unknown>): void {
    this.#lastInboundAt.set(contact.waId, Math.max(this.#lastInboundAt.get(contact.waId) ?? 0, this.now()));
    this.stats.inboundMessages++;
    this.#dispatcher.post(
      inboundEnvelope(this.options.businessAccountId, toWebhookPhone(phone), contact, message),
    );
  }
}

/** `url` with Meta's click id appended as `fbclid` (the parameter Meta's link tracking adds). */
function withClickId(url: string, clickId: string): string {
  try {
    const parsed = new URL(url);
    parsed.searchParams.append('fbclid', clickId);
    return parsed.href;
  } catch {
    return url;
  }
}

function toWebhookPhone(phone: ServedPhoneNumber): WebhookPhone {
  return { id: phone.id, displayPhoneNumber: phone.displayPhoneNumber };
}
