import type { SendFailedEvent, StoredEvent } from '../events/stored-event.js';
import type { LiveMessage } from './live-message.js';
import type { RejectionFacts } from './message-facts.js';

/**
 * Everything the live fold knows about one person of the campaign (one canonical recipient id), and
 * what of it is counted in the fold's running totals (advanced, internal).
 *
 * @internal
 */
export class LivePerson {
  /** Their key in the fold: their canonical recipient id. */
  key: string;
  /** Their accepted messages of the campaign, in the order they were learned. */
  readonly messages: LiveMessage<LivePerson>[] = [];
  /** Their refused sends (`send_failed`) of the campaign, by event key. */
  readonly refused = new Map<string, SendFailedEvent>();
  /**
   * The events other than statuses that may concern their messages, by event key (repeats fold away;
   * statuses are folded into each {@link LiveMessage} instead).
   */
  readonly events = new Map<string, StoredEvent>();
  /** Whether their earlier events were fetched from the store (done on their first message). */
  scanned = false;
  /** How many ids (phone number, user ids) they had when their events were last fetched by recipient. */
  aliasCount = 0;
  /** Their messages whose facts are counted (as of the last fold, or a status since). */
  counted: LiveMessage<LivePerson>[] = [];
  /** Their refused sends as counted at the last fold. */
  rejections: RejectionFacts[] = [];
  /**
   * As of the last fold: every event of theirs names its message (none is attributed by recipient, no
   * Meta click joins one by click id), so a status changes only its own message's facts.
   */
  ownEventsOnly = false;
  /** As of the last fold: a Meta click joins one of their clicks by click id. */
  metaJoined = false;
  /** As of the last fold: an opt-out or conversion of theirs may be hidden in an undelivered message's facts. */
  hiddenEngagement = true;
  /**
   * As of the last fold: a conversion without a message id went to them (by a code one of their
   * messages carries, or by recipient), so a message of theirs cannot be folded alone.
   */
  looseConversions = false;

  /** A person known by `key`, with nothing yet. */
  constructor(key: string) {
    this.key = key;
  }
}
