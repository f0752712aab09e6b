import type { EventCursor } from '../events/event-changes.js';
import type { EventStore } from '../events/event-store.js';
import type { StoredEvent } from '../events/stored-event.js';

/** One campaign as the dashboard lists it. */
export interface DashboardCampaign {
  /** The campaign id. */
  campaignId: string;
  /** How many sends (accepted or refused) the store holds for it. */
  sends: number;
  /** When its latest send was recorded. */
  lastSendAt: Date;
}

const FEED_PAGE = 5000;

/**
 * The campaigns in a store, from their `outbound`/`send_failed` events. With the store's change feed
 * (`readSince`) the list is read once and then kept up to date from what is appended; without it every
 * listing scans the sends again.
 *
 * @internal
 */
export class CampaignDirectory {
  readonly #store: EventStore;
  readonly #campaigns = new Map<string, DashboardCampaign>();
  #cursor: EventCursor | undefined;
  #reading: Promise<void> | undefined;

  constructor(store: EventStore) {
    this.#store = store;
  }

  /** Every campaign, the one sent to most recently first. */
  async list(): Promise<DashboardCampaign[]> {
    if (this.#store.readSince) {
      this.#reading ??= this.#catchUp().finally(() => {
        this.#reading = undefined;
      });
      await this.#reading;
    } else {
      this.#campaigns.clear();
      for await (const event of this.#store.scan({ kinds: ['outbound', 'send_failed'] })) this.#note(event);
    }
    return [...this.#campaigns.values()]
      .map((c) => ({ ...c }))
      .sort(
        (a, b) => b.lastSendAt.getTime() - a.lastSendAt.getTime() || (a.campaignId < b.campaignId ? -1 : 1),
      );
  }

  async #catchUp(): Promise<void> {
    for (;;) {
      const changes = await this.#store.readSince!(this.#cursor, FEED_PAGE);
      this.#cursor = changes.cursor;
      for (const event of changes.events) this.#note(event);
      if (!changes.more) return;
    }
  }

  #note(event: StoredEvent): void {
    if (event.kind !== 'outbound' && event.kind !== 'send_failed') return;
    if (event.campaignId === undefined) return;
    const known = this.#campaigns.get(event.campaignId);
    if (known === undefined) {
      this.#campaigns.set(event.campaignId, { campaignId: event.campaignId, sends: 1, lastSendAt: event.at });
      return;
    }
    known.sends++;
    if (event.at > known.lastSendAt) known.lastSendAt = event.at;
  }
}
