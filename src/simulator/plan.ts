import type { Prng } from './prng.js';
import type { LatencyRange, SimulatorBehaviour } from './simulator-options.js';
import type { QuickReply } from './templates/check-send.js';

/** Status a simulated message goes through. */
export type PlannedStatus = 'sent' | 'delivered' | 'read' | 'failed';

/** One thing that will happen to an accepted message; `atMs` is simulated time after acceptance. */
export type PlannedEvent =
  | {
      kind: 'status';
      status: PlannedStatus;
      /** Simulated ms after acceptance: the status `timestamp`. */
      atMs: number;
      /** When the webhook goes out (differs from `atMs` for out-of-order and duplicate posts). */
      postAtMs: number;
      /** Code of a `failed` status. */
      errorCode?: number;
      /** A second post of the same status. */
      duplicate: boolean;
    }
  | { kind: 'reply'; atMs: number; text: string; quoted: boolean }
  | { kind: 'button'; atMs: number; reply: QuickReply }
  | { kind: 'click'; atMs: number; url: string }
  | { kind: 'opt_out'; atMs: number };

/** What the planner knows about a message. */
export interface PlanInput {
  /** Rates and latencies. */
  behaviour: SimulatorBehaviour;
  /** A marketing template (131049/131050 and opt-outs apply). */
  marketing: boolean;
  /** The user has stopped marketing messages. */
  optedOut: boolean;
  quickReplies: readonly QuickReply[];
  /** URLs in the message that match `clickUrlPattern`. */
  clickUrls: readonly string[];
}

const REPLIES = [
  'Thanks!',
  'Is this still available?',
  'What time do you close today?',
  'Can I change my delivery address?',
  'Great, thank you 👍',
  '¿Tienen envío gratis?',
  'Merci beaucoup',
];

const STOP_REPLIES = ['STOP', 'stop', 'Stop', 'unsubscribe', 'Durdur', 'ARRÊT', 'PARAR', 'BAJA'];

const MARKETING_ONLY_CODES = new Set([131049, 131050]);

function draw(rng: Prng, [min, max]: LatencyRange): number {
  return Math.round(min + rng.next() * (max - min));
}

/**
 * Decides, from the message's own random stream, everything that will happen to it: statuses with
 * their latencies, failures, user replies, taps, clicks and opt-outs, duplicates and out-of-order
 * posts. Pure: the same stream and input give the same plan.
 */
export function planMessage(rng: Prng, input: PlanInput): PlannedEvent[] {
  const b = input.behaviour;
  const events: PlannedEvent[] = [];
  const status = (s: PlannedStatus, atMs: number, errorCode?: number) => {
    events.push({ kind: 'status', status: s, atMs, postAtMs: atMs, duplicate: false, errorCode });
  };
  const sentAt = draw(rng, b.latencyMs.sent);
  if (input.marketing && input.optedOut) {
    status('failed', sentAt, 131050);
  } else if (rng.chance(b.failedRate)) {
    let code = rng.pick(b.failureCodes);
    if (MARKETING_ONLY_CODES.has(code) && !input.marketing) code = 131026;
    status('failed', sentAt, code);
  } else {
    status('sent', sentAt);
    if (rng.chance(b.deliveredRate)) {
      const deliveredAt = sentAt + draw(rng, b.latencyMs.delivered);
      status('delivered', deliveredAt);
      if (rng.chance(b.readRate)) {
        const readAt = deliveredAt + draw(rng, b.latencyMs.read);
        status('read', readAt);
        if (rng.chance(b.readWithoutDeliveredRate)) {
          // The chat was open when it landed: Meta sends only `read`.
          events.splice(1, 1);
        } else if (rng.chance(b.outOfOrderRate)) {
          const delivered = events[1];
          const read = events[2];
          if (delivered?.kind === 'status' && read?.kind === 'status') {
            [delivered.postAtMs, read.postAtMs] = [read.postAtMs, delivered.postAtMs];
          }
        }
        planUserActions(rng, input, readAt, events);
      }
    }
  }
  for (const event of [...events]) {
    if (event.kind === 'status' && rng.chance(b.duplicateRate)) {
      events.push({ ...event, postAtMs: event.postAtMs + draw(rng, [10, 500]), duplicate: true });
    }
  }
  return events;
}

function planUserActions(rng: Prng, input: PlanInput, readAt: number, events: PlannedEvent[]): void {
  const b = input.behaviour;
  const actAt = readAt + draw(rng, b.latencyMs.reply);
  if (input.quickReplies.length > 0 && rng.chance(b.quickReplyRate)) {
    events.push({ kind: 'button', atMs: actAt, reply: rng.pick(input.quickReplies) });
  } else if (rng.chance(b.stopReplyRate)) {
    events.push({ kind: 'reply', atMs: actAt, text: rng.pick(STOP_REPLIES), quoted: false });
  } else if (rng.chance(b.replyRate)) {
    events.push({ kind: 'reply', atMs: actAt, text: rng.pick(REPLIES), quoted: rng.chance(0.3) });
  }
  if (input.clickUrls.length > 0 && rng.chance(b.clickRate)) {
    events.push({ kind: 'click', atMs: readAt + draw(rng, [200, 5000]), url: rng.pick(input.clickUrls) });
  }
  if (input.marketing && rng.chance(b.userPreferencesStopRate)) {
    events.push({ kind: 'opt_out', atMs: actAt + draw(rng, [100, 2000]) });
  }
}
