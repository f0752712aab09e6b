import type { EventStore } from '../events/event-store.js';
import type { MetricsQuery } from '../metrics/metrics-types.js';
import type { SendingCampaign } from '../metrics/send-progress.js';
import { type LiveCampaign, watchCampaign } from '../metrics/watch-campaign.js';

/** What a subscriber of {@link LiveCampaignHub} is handed: one server-sent event, encoded once for all. */
export type LiveChunk = Uint8Array;

/** How the hub reaches one subscriber. */
interface Subscriber {
  /** Takes each update's event. */
  send(chunk: LiveChunk): void;
  /** Told once when the feed failed; the subscriber is dropped. */
  fail(chunk: LiveChunk): void;
}

/** One campaign's shared watch. */
interface Channel {
  readonly subscribers: Set<Subscriber>;
  readonly stop: AbortController;
  /** The last update's event, handed at once to a subscriber joining later. */
  latest: LiveChunk | undefined;
}

/** What the hub needs from the dashboard. */
export interface LiveCampaignHubOptions {
  /** The store watched. */
  store: EventStore;
  /** The query of a campaign. */
  queryFor(campaignId: string): MetricsQuery;
  /** How often to look for changes, in ms. */
  intervalMs: number;
  /** The campaign's handle when it is being sent in this process. */
  sendingOf?: ((campaignId: string) => SendingCampaign | undefined) | undefined;
  /** The event data of one update (rendered once, whatever the number of subscribers). */
  render(update: LiveCampaign): string;
}

const encoder = new TextEncoder();

/**
 * One live fold per campaign, shared by every page open on it: the first subscriber starts the
 * campaign's `watchCampaign` loop, each update is rendered and encoded once and handed to every
 * subscriber, a later subscriber gets the last update at once, and the loop stops when the last one
 * leaves. So ten open tabs cost the store what one does.
 */
export class LiveCampaignHub {
  readonly #options: LiveCampaignHubOptions;
  readonly #channels = new Map<string, Channel>();

  /** A hub with no campaign followed yet. */
  constructor(options: LiveCampaignHubOptions) {
    this.#options = options;
  }

  /** How many campaigns are followed now (one fold each). */
  get size(): number {
    return this.#channels.size;
  }

  /** Follows `campaignId` for one subscriber; returns the function that unsubscribes it. */
  subscribe(campaignId: string, subscriber: Subscriber): () => void {
    let channel = this.#channels.get(campaignId);
    if (channel === undefined) {
      channel = { subscribers: new Set([subscriber]), stop: new AbortController(), latest: undefined };
      this.#channels.set(campaignId, channel);
      void this.#run(campaignId, channel);
    } else {
      channel.subscribers.add(subscriber);
      if (channel.latest !== undefined) subscriber.send(channel.latest);
    }
    const joined = channel;
    return () => {
      joined.subscribers.delete(subscriber);
      if (joined.subscribers.size > 0) return;
      joined.stop.abort();
      if (this.#channels.get(campaignId) === joined) this.#channels.delete(campaignId);
    };
  }

  async #run(campaignId: string, channel: Channel): Promise<void> {
    const { store, queryFor, intervalMs, sendingOf, render } = this.#options;
    const sending = sendingOf ? () => sendingOf(campaignId) : undefined;
    try {
      const updates = watchCampaign(store, queryFor(campaignId), {
        intervalMs,
        signal: channel.stop.signal,
        ...(sending ? { sending } : {}),
      });
      for await (const update of updates) {
        const chunk = encoder.encode(`event: metrics\ndata: ${render(update)}\n\n`);
        channel.latest = chunk;
        for (const subscriber of channel.subscribers) subscriber.send(chunk);
      }
    } catch (error) {
      // The error's name only: its message may quote the store's connection details.
      const chunk = encoder.encode(`event: failure\ndata: ${JSON.stringify((error as Error).name)}\n\n`);
      if (this.#channels.get(campaignId) === channel) this.#channels.delete(campaignId);
      for (const subscriber of channel.subscribers) subscriber.fail(chunk);
      channel.subscribers.clear();
    }
  }
}
