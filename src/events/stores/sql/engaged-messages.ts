import { normalizeRecipientId } from '../../recipient-id.js';
import type { StoredEvent } from '../../stored-event.js';

/** What identifies the campaign messages a set of engagement events can be credited to. */
export interface EngagedMessages {
  /** Messages named by id (the event's `messageId`, a reply's `contextMessageId`). */
  readonly messageIds: Set<string>;
  /** Recipients (as `recipient_key`) whose events name no message: any of their messages may get them. */
  readonly recipientKeys: Set<string>;
  /** Discount codes named by conversions: every message sent with one may get them. */
  readonly codes: Set<string>;
}

/** The `error_131050` opt-out: the suppression list's record of a failure, credited to no message. */
const ERROR_131050_SOURCE = 'error_131050';

/**
 * The messages `events` can be credited to by the shared fold (`CampaignFactsBuilder.addEvent`), as
 * the ids, recipients and codes that pick them out: the same cases the fold goes through, taken wide
 * (a message picked in vain is folded for nothing, never counted wrong). Meta's clicks name only a click
 * id, which leads to a message another click (named here) was credited to.
 */
export function engagedMessages(events: readonly StoredEvent[], campaignId: string): EngagedMessages {
  const messageIds = new Set<string>();
  const recipientKeys = new Set<string>();
  const codes = new Set<string>();
  const byRecipient = (recipientId: string | undefined) => {
    if (recipientId !== undefined) recipientKeys.add(normalizeRecipientId(recipientId));
  };
  for (const event of events) {
    switch (event.kind) {
      case 'inbound':
        if (event.contextMessageId !== undefined) messageIds.add(event.contextMessageId);
        else byRecipient(event.recipientId);
        break;
      case 'click':
        if (event.messageId !== undefined) messageIds.add(event.messageId);
        else if (event.campaignId === undefined || event.campaignId === campaignId)
          byRecipient(event.recipientId);
        break;
      case 'opt_out':
      case 'block':
        if (event.kind === 'opt_out' && event.source === ERROR_131050_SOURCE) break;
        if (event.messageId !== undefined) messageIds.add(event.messageId);
        else byRecipient(event.recipientId);
        break;
      case 'conversion':
        if (event.messageId !== undefined) messageIds.add(event.messageId);
        else if (event.campaignId === undefined || event.campaignId === campaignId) {
          byRecipient(event.recipientId);
          if (event.code !== undefined) codes.add(event.code);
        }
        break;
      default:
        break;
    }
  }
  return { messageIds, recipientKeys, codes };
}
