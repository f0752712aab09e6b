import type { SendJob } from '../adapter.js';
import type { GovernanceSignal, ObservedWebhookEvent, PauseReason } from './webhook-signals.js';

/** Details of a campaign pause or resume (the `campaign_paused` / `campaign_resumed` events). */
export interface CampaignPauseInfo {
  /** The campaign. */
  campaignId: string;
  /** Why it was paused (for `campaign_resumed`: why it had been paused). */
  reason: PauseReason;
  /** The paused or disabled template, for the `template_*` reasons. */
  templateName?: string;
  /** Its language, when the webhook named one. */
  language?: string;
  /** The webhook event that paused (or, resuming automatically, resumed) the campaign; absent for `manual`. */
  webhook?: ObservedWebhookEvent;
  /** For `campaign_resumed`: `manual` (`resume()`) or `automatic` (Meta lifted the cause). */
  resumedBy?: 'manual' | 'automatic';
}

/** One cause of pausing: a paused template, the flagged number, or a manual pause. */
interface Cause {
  reason: PauseReason;
  templateName?: string;
  language?: string;
  webhook?: ObservedWebhookEvent;
}

interface CampaignState {
  /** The cause it is paused for, if it is. */
  pausedBy: Cause | undefined;
  /** Causes `resume()` overrode: they do not pause this campaign again. */
  readonly overridden: Set<Cause>;
  /** Templates (`name|language`) its sends used. */
  readonly templates: Set<string>;
  /** Whether a campaign handle is running (`sendCampaign`): paused eagerly, on the signal. */
  running: boolean;
}

/** What {@link CampaignPauses} reports to. */
export interface CampaignPauseHooks {
  /** A campaign was paused. */
  onPaused(info: CampaignPauseInfo): void;
  /** A campaign was resumed: its parked sends may go. */
  onResumed(info: CampaignPauseInfo): void;
}

function templateKey(name: string, language: string | undefined): string {
  return `${name}|${language ?? ''}`;
}

function jobTemplateKey(job: SendJob): string | undefined {
  const template = job.message.template;
  return template ? templateKey(template.name, template.language?.code) : undefined;
}

function describe(campaignId: string, cause: Cause): CampaignPauseInfo {
  return {
    campaignId,
    reason: cause.reason,
    ...(cause.templateName === undefined ? {} : { templateName: cause.templateName }),
    ...(cause.language === undefined ? {} : { language: cause.language }),
    ...(cause.webhook === undefined ? {} : { webhook: cause.webhook }),
  };
}

/**
 * Quality pauses of campaigns. A paused or disabled template pauses every campaign whose sends use it; a
 * flagged number pauses every campaign of the queue. Sends of a paused campaign wait (none is lost); sends
 * without a `campaignId` are never held. `resume()` continues a campaign despite the causes it was paused
 * for; when Meta lifts a cause (`REINSTATED` / `APPROVED`, `UNFLAGGED`), campaigns paused only by it resume
 * on their own. A disabled template is never lifted by Meta: such a campaign waits for `resume()`.
 */
export class CampaignPauses {
  readonly #hooks: CampaignPauseHooks;
  readonly #campaigns = new Map<string, CampaignState>();
  readonly #templates = new Map<string, Cause>();
  #number: Cause | undefined;

  /** @param hooks where pauses and resumes are reported. */
  constructor(hooks: CampaignPauseHooks) {
    this.#hooks = hooks;
  }

  /** Whether the campaign is paused. */
  isPaused(campaignId: string): boolean {
    return this.#campaigns.get(campaignId)?.pausedBy !== undefined;
  }

  /** Marks a campaign handle as running (paused at once by later signals) or finished. */
  setRunning(campaignId: string, running: boolean): void {
    if (running) this.#state(campaignId).running = true;
    else {
      const state = this.#campaigns.get(campaignId);
      if (state && state.pausedBy === undefined) this.#campaigns.delete(campaignId);
      else if (state) state.running = false;
    }
  }

  /**
   * Whether `job` must wait: its campaign is paused, or a cause applies to it now (its template paused,
   * the number flagged), in which case the campaign is paused here.
   */
  holds(job: SendJob): boolean {
    const campaignId = job.options.campaignId;
    if (campaignId === undefined) return false;
    const state = this.#state(campaignId);
    const key = jobTemplateKey(job);
    if (key !== undefined) state.templates.add(key);
    if (state.pausedBy) return true;
    const cause = (key === undefined ? undefined : this.#templates.get(key)) ?? this.#number;
    if (cause === undefined || state.overridden.has(cause)) return false;
    this.#pause(campaignId, state, cause);
    return true;
  }

  /** Pauses a campaign by hand (`campaign.pause()`). */
  pause(campaignId: string): void {
    const state = this.#state(campaignId);
    if (!state.pausedBy) this.#pause(campaignId, state, { reason: 'manual' });
  }

  /** Continues a campaign, overriding the cause it was paused for; false when it was not paused. */
  resume(campaignId: string): boolean {
    const state = this.#campaigns.get(campaignId);
    const cause = state?.pausedBy;
    if (!state || !cause) return false;
    if (cause.reason !== 'manual') state.overridden.add(cause);
    state.pausedBy = undefined;
    this.#hooks.onResumed({ ...describe(campaignId, cause), resumedBy: 'manual' });
    return true;
  }

  /** Applies a template or number signal (throughput upgrades are the queue's). */
  apply(signal: GovernanceSignal): void {
    switch (signal.kind) {
      case 'template_paused': {
        const key = templateKey(signal.templateName, signal.language);
        const cause: Cause = {
          reason: signal.reason,
          templateName: signal.templateName,
          webhook: signal.webhook,
          ...(signal.language === undefined ? {} : { language: signal.language }),
        };
        this.#templates.set(key, cause);
        for (const [campaignId, state] of this.#campaigns)
          if (state.running && !state.pausedBy && state.templates.has(key))
            this.#pause(campaignId, state, cause);
        return;
      }
      case 'template_reinstated': {
        const key = templateKey(signal.templateName, signal.language);
        const cause = this.#templates.get(key);
        this.#templates.delete(key);
        if (cause) this.#lift(cause, signal.webhook);
        return;
      }
      case 'number_flagged': {
        if (this.#number) return;
        const cause: Cause = { reason: 'quality_flagged', webhook: signal.webhook };
        this.#number = cause;
        for (const [campaignId, state] of this.#campaigns)
          if (state.running && !state.pausedBy) this.#pause(campaignId, state, cause);
        return;
      }
      case 'number_unflagged': {
        const cause = this.#number;
        this.#number = undefined;
        if (cause) this.#lift(cause, signal.webhook);
        return;
      }
      default:
        return;
    }
  }

  #state(campaignId: string): CampaignState {
    let state = this.#campaigns.get(campaignId);
    if (!state) {
      state = { pausedBy: undefined, overridden: new Set(), templates: new Set(), running: false };
      this.#campaigns.set(campaignId, state);
    }
    return state;
  }

  #pause(campaignId: string, state: CampaignState, cause: Cause): void {
    state.pausedBy = cause;
    this.#hooks.onPaused(describe(campaignId, cause));
  }

  /** Meta lifted `cause`: campaigns paused by it resume; overrides of it are forgotten. */
  #lift(cause: Cause, webhook: ObservedWebhookEvent): void {
    for (const [campaignId, state] of this.#campaigns) {
      state.overridden.delete(cause);
      if (state.pausedBy !== cause) continue;
      state.pausedBy = undefined;
      this.#hooks.onResumed({ ...describe(campaignId, cause), webhook, resumedBy: 'automatic' });
      if (!state.running) this.#campaigns.delete(campaignId);
    }
  }
}
