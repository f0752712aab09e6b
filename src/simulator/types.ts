import type { PlannedEvent } from './plan.js';

/** Counters of a simulator run (see {@link Simulator.stats}). */
export interface SimulatorStats {
  /** HTTP requests received (any path). */
  requests: number;
  /** Messages accepted on `/messages` (mark-read calls excluded). */
  accepted: number;
  /** Refused requests by Graph error code, e.g. `{ "130429": 12, "131056": 1 }` (`0`: connection dropped by a fault). */
  rejected: Record<string, number>;
  /** Webhook POSTs the receiver acknowledged with 2xx. */
  webhooksPosted: number;
  /** Webhook POSTs that failed and were scheduled again. */
  webhooksRetried: number;
  /** Webhook POSTs given up after the last attempt. */
  webhooksFailed: number;
  /** Status updates generated (duplicates included). */
  statuses: number;
  /** Inbound user messages generated (replies, taps, `inbound()`). */
  inboundMessages: number;
  /** Tracked links the simulated users opened. */
  clicks: number;
}

/** One message the simulator accepted, with what was planned for it. */
export interface SimulatedMessage {
  /** The `wamid` returned to the sender. */
  id: string;
  /** The business number it was sent from. */
  phoneNumberId: string;
  /** `to` as given. */
  to: string;
  /** The recipient's WhatsApp id. */
  waId: string;
  /** Message type (`template`, `text`, `image`…). */
  type: string;
  /** Template name, for template sends. */
  templateName?: string;
  /** Pricing category (`marketing`, `utility`, `authentication`, `service`). */
  category: string;
  /** The request body as received. */
  body: Record<string, unknown>;
  /**
   * Sent through the Marketing Messages API (`/marketing_messages`); `activitySharing` is whether its
   * clicks are reported as `user_actions` webhooks (`message_activity_sharing` not `false`).
   */
  marketingApi?: { activitySharing: boolean };
  /** When the simulator accepted it (simulated clock). */
  acceptedAt: Date;
  /** Statuses, replies, taps, clicks and opt-outs planned for this message. */
  events: PlannedEvent[];
}

/** A message a simulated user writes to the business (see {@link Simulator.inbound}). */
export type InboundInput = string | ({ type: string } & Record<string, unknown>);

/** Options of {@link Simulator.inbound}. */
export interface InboundOptions {
  /** The business number written to; default the first one. */
  phoneNumberId?: string;
  /** Profile name in `contacts[]`; default a name drawn from the seed. */
  name?: string;
  /** Quote one of your messages (`context.id`). */
  contextMessageId?: string;
}

/**
 * A failure to inject into the next matching requests (see {@link Simulator.injectFault}): a Graph
 * error (`code`; 131000 when nothing else is given), a dropped connection (`disconnect`), or a slow
 * answer (`delayMs`).
 */
export interface SimulatorFault {
  /** Graph error code to answer with, e.g. 131000, 2, 130429. */
  code?: number;
  /** HTTP status of the error; default 400 (401 for 190). */
  status?: number;
  /** `error_data.details`. */
  details?: string;
  /** Destroy the socket after reading the request, without answering (the client cannot know whether it was sent). */
  disconnect?: boolean;
  /**
   * Wait this many real ms before answering. Alone, the request is then processed normally, so a
   * client that timed out meanwhile cannot know the message was accepted.
   */
  delayMs?: number;
  /** How many matching requests fail; default 1. */
  times?: number;
  /** Only requests whose path ends with this edge, e.g. `messages`, `media`, `message_templates`. */
  edge?: string;
  /** Only sends to this recipient (`to` as given, or its digits). */
  to?: string;
}
