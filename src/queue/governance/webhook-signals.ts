/**
 * A webhook event as the queue reads it: any event `parseWebhook()` or a `WebhookProcessor` produces
 * (the queue layer may not import the webhooks layer, so only `type` is required here; the fields each
 * signal needs are checked at run time).
 */
export interface ObservedWebhookEvent {
  /** The event's `type` (`template_status`, `phone_number_quality`, ...). */
  readonly type: string;
}

/** Why a campaign is paused: a template paused or disabled by Meta, the number flagged, or you. */
export type PauseReason = 'template_paused' | 'template_disabled' | 'quality_flagged' | 'manual';

/** The throughput Meta grants a number after `THROUGHPUT_UPGRADE` (messages per second). */
export const UPGRADED_MESSAGES_PER_SECOND = 1000;

/**
 * What a webhook means for the queue:
 * - `template_paused`: `message_template_status_update` with `PAUSED` or `DISABLED` (reason
 *   `template_paused` / `template_disabled`);
 * - `template_reinstated`: the same field with `REINSTATED` or `APPROVED` (Meta lifted its pause);
 * - `number_flagged` / `number_unflagged`: `phone_number_quality_update` with `FLAGGED` (quality RED) /
 *   `UNFLAGGED`, or a `quality_rating` / `new_quality_score` field of RED / GREEN or YELLOW;
 * - `throughput_upgrade`: `phone_number_quality_update` with `THROUGHPUT_UPGRADE` (1,000 mps).
 */
export type GovernanceSignal =
  | {
      kind: 'template_paused';
      reason: 'template_paused' | 'template_disabled';
      templateName: string;
      language: string | undefined;
      webhook: ObservedWebhookEvent;
    }
  | {
      kind: 'template_reinstated';
      templateName: string;
      language: string | undefined;
      webhook: ObservedWebhookEvent;
    }
  | { kind: 'number_flagged'; displayPhoneNumber: string | undefined; webhook: ObservedWebhookEvent }
  | { kind: 'number_unflagged'; displayPhoneNumber: string | undefined; webhook: ObservedWebhookEvent }
  | {
      kind: 'throughput_upgrade';
      displayPhoneNumber: string | undefined;
      messagesPerSecond: number;
      webhook: ObservedWebhookEvent;
    };

const TEMPLATE_PAUSES: Readonly<Record<string, 'template_paused' | 'template_disabled'>> = {
  PAUSED: 'template_paused',
  DISABLED: 'template_disabled',
};
const TEMPLATE_CLEARS = new Set(['REINSTATED', 'APPROVED']);

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/** The governance signal a webhook event carries, or `undefined` when it carries none. */
export function signalOf(webhook: ObservedWebhookEvent): GovernanceSignal | undefined {
  const fields = webhook as unknown as Record<string, unknown>;
  if (webhook.type === 'template_status') {
    const templateName = text(fields.templateName);
    const event = text(fields.event)?.toUpperCase();
    if (templateName === undefined || event === undefined) return undefined;
    const language = text(fields.language);
    const reason = TEMPLATE_PAUSES[event];
    if (reason) return { kind: 'template_paused', reason, templateName, language, webhook };
    if (TEMPLATE_CLEARS.has(event)) return { kind: 'template_reinstated', templateName, language, webhook };
    return undefined;
  }
  if (webhook.type === 'phone_number_quality') {
    const event = text(fields.event)?.toUpperCase();
    const displayPhoneNumber = text(fields.displayPhoneNumber);
    const details = (fields.details ?? {}) as Record<string, unknown>;
    const rating = text(details.quality_rating ?? details.new_quality_score)?.toUpperCase();
    if (event === 'THROUGHPUT_UPGRADE')
      return {
        kind: 'throughput_upgrade',
        displayPhoneNumber,
        messagesPerSecond: UPGRADED_MESSAGES_PER_SECOND,
        webhook,
      };
    if (event === 'FLAGGED' || rating === 'RED')
      return { kind: 'number_flagged', displayPhoneNumber, webhook };
    if (event === 'UNFLAGGED' || rating === 'GREEN' || rating === 'YELLOW')
      return { kind: 'number_unflagged', displayPhoneNumber, webhook };
  }
  return undefined;
}

/** Whether a webhook's `display_phone_number` names `own` (digits compared; either absent: yes). */
export function sameNumber(displayed: string | undefined, own: string | undefined): boolean {
  if (displayed === undefined || own === undefined) return true;
  return displayed.replace(/\D/g, '') === own.replace(/\D/g, '');
}
