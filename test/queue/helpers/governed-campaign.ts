import { WhatsAppClient } from '../../../src/client/index.js';
import { msg } from '../../../src/messages/index.js';
import { MemoryPortfolioBudget } from '../../../src/queue/governance/portfolio-budget.js';
import { type QueueClient, SendQueue, type SendStatus } from '../../../src/queue/index.js';
import { type SimulatedMessage, startSimulator } from '../../../src/simulator/index.js';
import { JumpingClock } from './jumping-clock.js';
import {
  type SecondRecord,
  SecondsLedger,
  type ThroughputWhileSendable,
  throughputWhileSendable,
} from './seconds-ledger.js';
import { warmUp } from './warm-up.js';

const DAY = 24 * 60 * 60 * 1000;
/** Turkey keeps one clock (UTC+3, no DST) and Meta applies 131049 there: a clear setting for the figures. */
const ISTANBUL_OFFSET_MIN = 180;
/** The run starts this long before the window opens (simulated ms). */
const LEAD_MS = 60_000;

/** A campaign through the simulator under every Meta limit the queue governs. */
export interface GovernedCampaignOptions {
  /** Number of recipients (Turkish mobile numbers). */
  recipients: number;
  /** The portfolio's tier, as the simulator's phone number reports it (`TIER_250`, `TIER_10K`...). */
  tier: string;
  /** Unique users the tier allows per moving 24 h. */
  limit: number;
  /** Share of users Meta holds back with 131049 on the first try. */
  marketingLimitRate: number;
  /** Throughput limit of the number, on both sides (simulated messages per second). */
  messagesPerSecond: number;
  /** How many times faster than real time the shared clock runs while sends are in flight (it jumps over waits). */
  speed: number;
  /** Quiet hours: sends only between these, recipient-local (Europe/Istanbul). */
  window: { start: string; end: string };
  /** Sends this many messages through a throwaway simulator first, to warm the process up (default 0). */
  warmUpMessages?: number;
}

/** What the run measured, all on simulated time. */
export interface GovernedCampaignFigures {
  recipients: number;
  /** Final outcomes by status. */
  outcomes: Record<SendStatus, number>;
  /** Recipients with exactly one final outcome. */
  recipientsWithOneOutcome: number;
  /** 131049 deferrals the queue emitted. */
  deferred: number;
  /** Requests the simulator refused with 131048 (over the tier) and 131049. */
  refused: { overTier: number; marketingLimit: number };
  /** The most unique users reached in any moving 24 h (the simulator's acceptances). */
  maxUsersPer24h: number;
  /** Accepted sends outside the window, recipient-local. */
  sendsOutsideWindow: number;
  /**
   * Unique users reached per simulated day from the start, every full day (the last day, with only
   * the 131049 retries left, is not full).
   */
  usersPerFullDay: number[];
  /** Peak accepted sends in one simulated second. */
  peakPerSecond: number;
  /** Median accepted sends per simulated second, over the seconds with at least one send. */
  medianPerActiveSecond: number;
  /** Median requests (accepted or refused) per simulated second, over the seconds with at least one request. */
  medianRequestsPerActiveSecond: number;
  /** Simulated days from the start to the last send. */
  simulatedDays: number;
  /**
   * Requests per simulated second over the seconds that began with at least a full second's worth
   * (`messagesPerSecond`) of sendable work: due, inside the window, with portfolio budget.
   */
  whileSendable: ThroughputWhileSendable;
  /** Every simulated second with a request or a sample. */
  seconds: SecondRecord[];
  /** Real seconds the run took. */
  realSeconds: number;
}

function minutesOf(hhmm: string): number {
  const [h, m] = hhmm.split(':').map(Number);
  return (h as number) * 60 + (m as number);
}

/** Runs the campaign to its end and measures it. */
export async function runGovernedCampaign(
  options: GovernedCampaignOptions,
): Promise<GovernedCampaignFigures> {
  if (options.warmUpMessages) await warmUp(options.warmUpMessages);
  // The window opens on 2026-06-01 at `window.start`, Istanbul time. The clock starts a simulated
  // minute earlier: the simulator starts, the campaign reads its recipients and holds them for their
  // window, and the burst begins when the window opens (not part-way into its first second, after
  // the set-up took some of it).
  const startAt = Date.UTC(2026, 5, 1) + (minutesOf(options.window.start) - ISTANBUL_OFFSET_MIN) * 60_000;
  const clock = new JumpingClock(startAt - LEAD_MS, options.speed);
  const realStart = performance.now();
  const simulator = await startSimulator({
    clock,
    phoneNumbers: [
      { id: '106540352242922', messagingLimit: options.tier, messagesPerSecond: options.messagesPerSecond },
    ],
    behaviour: {
      enforceMessagingLimit: true,
      marketingLimitRate: options.marketingLimitRate,
      pairLimit: false,
      failedRate: 0,
      deliveredRate: 0,
      duplicateRate: 0,
      outOfOrderRate: 0,
      userPreferencesStopRate: 0,
    },
  });
  const client = new WhatsAppClient({
    accessToken: 'test-token',
    phoneNumberId: simulator.phoneNumberId,
    businessAccountId: simulator.businessAccountId,
    baseUrl: simulator.url,
  });
  // Every request the queue makes, on the simulated clock: accepted or refused (131049), each uses the
  // number's throughput.
  const requestTimes: number[] = [];
  const window = { start: minutesOf(options.window.start), end: minutesOf(options.window.end) };
  const budget = new MemoryPortfolioBudget({ limit: options.limit });
  // 131049 deferrals, in time order: each waits until `until` and is not sendable before.
  const deferredUntil: number[] = [];
  let deferredDue = 0;
  let campaign: ReturnType<SendQueue['sendCampaign']> | undefined;
  // What the queue may send at this instant without waiting for anything but throughput: the sends
  // the adapter holds (budget taken), and as many of the other unfinished ones not in flight nor in a
  // 131049 wait as the portfolio budget has room for; nothing outside the window.
  const sendableNow = (): number => {
    const now = clock.now();
    if (!campaign || !inWindow(now, window)) return 0;
    while (deferredDue < deferredUntil.length && (deferredUntil[deferredDue] as number) <= now) deferredDue++;
    const { pending, inFlight } = queue.stats();
    const waitingOnTime = deferredUntil.length - deferredDue;
    const unbudgeted = Math.max(0, campaign.progress().remaining - inFlight - pending - waitingOnTime);
    const room = Math.max(0, options.limit - budget.reachedAt(now));
    return pending + Math.min(unbudgeted, room);
  };
  const ledger = new SecondsLedger(() => clock.now(), sendableNow);
  const counted: QueueClient = {
    phoneNumberId: client.phoneNumberId,
    messages: {
      send: (message, sendOptions) => {
        requestTimes.push(clock.now());
        ledger.request();
        return client.messages.send(message as Parameters<typeof client.messages.send>[0], sendOptions);
      },
    },
  };
  const queue = new SendQueue({
    client: counted,
    clock,
    messagesPerSecond: options.messagesPerSecond,
    // Enough to keep the simulator busy; more only queues requests in one loaded process until the
    // client's timeout turns them `unknown`.
    concurrency: 64,
    perRecipientIntervalMs: 0,
    portfolioBudget: budget,
    sendWindow: { ...options.window, timeZone: 'Europe/Istanbul' },
  });
  const outcomesByRecipient = new Map<string, number>();
  const outcomes: Record<SendStatus, number> = { sent: 0, failed: 0, skipped: 0, unknown: 0 };
  for (const status of ['sent', 'failed', 'skipped', 'unknown'] as const)
    queue.on(status, ({ outcome }) => {
      outcomes[status]++;
      outcomesByRecipient.set(outcome.recipientId, (outcomesByRecipient.get(outcome.recipientId) ?? 0) + 1);
    });
  let deferred = 0;
  queue.on('deferred', ({ until }) => {
    deferred++;
    deferredUntil.push(until.getTime());
  });
  const recipients = Array.from({ length: options.recipients }, (_, i) => `+90532${String(1_000_000 + i)}`);
  const ticker = setInterval(() => ledger.tick(), 1);
  try {
    const running = queue.sendCampaign({
      campaignId: 'governed',
      recipients,
      build: (to) => msg.template(to, 'welcome', 'en_US'),
    });
    campaign = running;
    // Everything unfinished waits (window, budget, deferral), nothing is in flight and the simulator
    // has answered every request it got: jump to the next wake-up. Checked twice, a few real ms apart,
    // so a send between two awaits is not missed.
    const allWaiting = () => {
      const progress = running.progress();
      const counts = queue.stats();
      const served = simulator.stats();
      const answered = served.accepted + Object.values(served.rejected).reduce((a, b) => a + b, 0);
      return (
        served.requests === answered &&
        !progress.done &&
        progress.read === recipients.length &&
        progress.remaining === progress.waiting &&
        counts.pending === 0 &&
        counts.inFlight === 0
      );
    };
    let finished = false;
    const driver = (async () => {
      while (!finished) {
        await new Promise((resolve) => setTimeout(resolve, 5));
        if (!allWaiting()) continue;
        await new Promise((resolve) => setTimeout(resolve, 5));
        const next = queue.waiting().nextAt;
        if (allWaiting() && next) {
          ledger.jumping(next.getTime());
          clock.jumpTo(next.getTime());
        }
      }
    })();
    try {
      await running.done;
    } finally {
      finished = true;
      await driver;
    }
    await queue.onIdle();
  } finally {
    clearInterval(ticker);
    await queue.close();
    await simulator.close();
  }
  const accepted = [...simulator.messages].sort((a, b) => a.acceptedAt.getTime() - b.acceptedAt.getTime());
  const stats = simulator.stats();
  const last = accepted.at(-1)?.acceptedAt.getTime() ?? startAt;
  const days = Math.floor((last - startAt) / DAY) + 1;
  return {
    recipients: options.recipients,
    outcomes,
    recipientsWithOneOutcome: [...outcomesByRecipient.values()].filter((n) => n === 1).length,
    deferred,
    refused: { overTier: stats.rejected[131048] ?? 0, marketingLimit: stats.rejected[131049] ?? 0 },
    maxUsersPer24h: maxUsersInMovingDay(accepted),
    sendsOutsideWindow: accepted.filter((m) => !inWindow(m.acceptedAt.getTime(), window)).length,
    usersPerFullDay: Array.from({ length: days - 1 }, (_, day) => {
      const from = startAt + day * DAY;
      return new Set(
        accepted
          .filter((m) => m.acceptedAt.getTime() >= from && m.acceptedAt.getTime() < from + DAY)
          .map((m) => m.waId),
      ).size;
    }),
    peakPerSecond: peakPerSecond(accepted),
    medianPerActiveSecond: medianPerActiveSecond(accepted.map((m) => m.acceptedAt.getTime())),
    medianRequestsPerActiveSecond: medianPerActiveSecond(requestTimes),
    simulatedDays: (last - startAt) / DAY,
    whileSendable: throughputWhileSendable(ledger.records(), options.messagesPerSecond),
    seconds: ledger.records(),
    realSeconds: (performance.now() - realStart) / 1000,
  };
}

function inWindow(at: number, window: { start: number; end: number }): boolean {
  const local = (((Math.floor(at / 60_000) + ISTANBUL_OFFSET_MIN) % 1440) + 1440) % 1440;
  return window.start <= window.end
    ? local >= window.start && local < window.end
    : local >= window.start || local < window.end;
}

/** The most unique users among acceptances in any moving 24 h (two pointers over the sorted log). */
function maxUsersInMovingDay(sorted: SimulatedMessage[]): number {
  const inside = new Map<string, number>();
  let most = 0;
  let tail = 0;
  for (const message of sorted) {
    const at = message.acceptedAt.getTime();
    while (tail < sorted.length && (sorted[tail] as SimulatedMessage).acceptedAt.getTime() <= at - DAY) {
      const old = (sorted[tail++] as SimulatedMessage).waId;
      const n = (inside.get(old) ?? 0) - 1;
      if (n === 0) inside.delete(old);
      else inside.set(old, n);
    }
    inside.set(message.waId, (inside.get(message.waId) ?? 0) + 1);
    most = Math.max(most, inside.size);
  }
  return most;
}

function peakPerSecond(sorted: SimulatedMessage[]): number {
  let peak = 0;
  let tail = 0;
  sorted.forEach((message, i) => {
    const at = message.acceptedAt.getTime();
    while ((sorted[tail] as SimulatedMessage).acceptedAt.getTime() <= at - 1000) tail++;
    peak = Math.max(peak, i - tail + 1);
  });
  return peak;
}

function medianPerActiveSecond(times: readonly number[]): number {
  const perSecond = new Map<number, number>();
  for (const at of times) {
    const second = Math.floor(at / 1000);
    perSecond.set(second, (perSecond.get(second) ?? 0) + 1);
  }
  const counts = [...perSecond.values()].sort((a, b) => a - b);
  return counts.length === 0 ? 0 : (counts[Math.floor(counts.length / 2)] as number);
}
