/**
 * Memory event store figures on a 250,000-message campaign (~1.2 M events with repeats and disorder):
 * ingest rate, `computeCampaignMetrics` time (push-down and generic scan path), and the floor — the same
 * computation hand-rolled as plain loops over the stored events (sends, everything else, then the events
 * that name only their recipient).
 * Prints one JSON line per figure; `ratio` is memory / floor (goal ≤ 2).
 */

import { type EventStore, MemoryEventStore, type StoredEvent } from '../src/events/index.js';
import { computeCampaignMetrics } from '../src/metrics/index.js';
import { isOptOutText } from '../src/tracking/opt-out-keywords.js';
import { generateCampaign } from '../test/metrics/generate-campaign.js';

const MESSAGES = Number(process.env.BENCH_MESSAGES ?? 250_000);
const RUNS = 3;
const CAMPAIGN = 'launch';
const WINDOW_MS = 72 * 3_600_000;
const RATE_CARD: Record<string, number> = { marketing: 0.0613, utility: 0.008 };
const STOP_PAYLOADS = new Set(['STOP', 'STOP_PROMO', 'STOP_PROMOTIONS', 'UNSUBSCRIBE', 'OPT_OUT']);

function print(figure: string, value: number, unit: string, extra: Record<string, unknown> = {}): void {
  console.log(JSON.stringify({ bench: 'metrics', figure, value: Number(value.toFixed(3)), unit, ...extra }));
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

async function timed<T>(fn: () => Promise<T> | T, runs = RUNS): Promise<{ ms: number; result: T }> {
  const times: number[] = [];
  let result!: T;
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    result = await fn();
    times.push(performance.now() - start);
  }
  return { ms: median(times), result };
}

function canonical(id: string): string {
  let digits = true;
  for (let i = 0; i < id.length && digits; i++) {
    const c = id.charCodeAt(i);
    digits = c >= 48 && c <= 57;
  }
  return digits ? id : id.replace(/[^0-9]/g, '');
}

const USER_SOURCES = new Set(['user_preferences', 'keyword', 'quick_reply']);

/**
 * The floor: the campaign metrics (no groups) hand-rolled over a plain array. Events that name their
 * message are credited in the main loop; those that name only a recipient are kept and credited after
 * it, to the latest message not failed (statuses and named user actions decide which failed).
 */
function handRolled(events: readonly StoredEvent[]) {
  const index = new Map<string, number>();
  const sentAt: number[] = [];
  const ids: string[] = [];
  const byRecipient = new Map<string, number[]>();
  const rejected = new Map<string, number | undefined>();
  for (const e of events) {
    if (e.kind === 'outbound' && e.campaignId === CAMPAIGN && !index.has(e.messageId)) {
      index.set(e.messageId, ids.length);
      ids.push(e.messageId);
      sentAt.push(e.at.getTime());
      const key = canonical(e.recipientId);
      const list = byRecipient.get(key);
      if (list) list.push(ids.length - 1);
      else byRecipient.set(key, [ids.length - 1]);
    } else if (e.kind === 'send_failed' && e.campaignId === CAMPAIGN) {
      rejected.set(e.idempotencyKey ?? `${e.recipientId}|${e.at.getTime()}|${e.errorCode}`, e.errorCode);
    }
  }
  for (const list of byRecipient.values())
    list.sort((a, b) => sentAt[a]! - sentAt[b]! || (ids[a]! < ids[b]! ? -1 : 1));
  const n = ids.length;
  const rank = new Uint8Array(n);
  const failed = new Uint8Array(n);
  const proved = new Uint8Array(n);
  const code = new Float64Array(n).fill(Number.POSITIVE_INFINITY);
  const billable = new Uint8Array(n);
  const category: (string | undefined)[] = new Array(n);
  const categoryRank = new Int8Array(n).fill(-1);
  const flags = new Uint8Array(n); // 2 reply, 4 opt-out, 8 block, 16 conversion
  const clicks = new Uint32Array(n);
  const micros = new Float64Array(n);
  const conversions = new Set<string>();
  const clickKeys = new Set<string>();
  const unlinked: Array<{ e: StoredEvent; recipient: string; windowed: boolean }> = [];
  const isFailed = (m: number) => failed[m] === 1 && rank[m]! < 1 && proved[m] === 0;
  const latest = (recipient: string, at: number, windowed: boolean): number => {
    const list = byRecipient.get(canonical(recipient));
    if (!list) return -1;
    const sentBefore = Math.floor(at / 1000) * 1000 + 1000; // to the second: webhooks carry no milliseconds
    for (let i = list.length - 1; i >= 0; i--) {
      const m = list[i]!;
      if (sentAt[m]! < sentBefore && !isFailed(m)) return windowed && at - sentAt[m]! > WINDOW_MS ? -1 : m;
    }
    return -1;
  };
  const credit = (e: StoredEvent, m: number): void => {
    if (m < 0) return;
    switch (e.kind) {
      case 'click':
        clicks[m]!++;
        proved[m] = 1;
        return;
      case 'inbound': {
        const stop =
          e.buttonPayload !== undefined
            ? STOP_PAYLOADS.has(e.buttonPayload.trim().toUpperCase())
            : e.text !== undefined && isOptOutText(e.text);
        if (stop) {
          flags[m]! |= 4;
          proved[m] = 1;
        } else if (e.messageType !== 'system') {
          flags[m]! |= 2;
          proved[m] = 1;
        }
        return;
      }
      case 'opt_out':
        flags[m]! |= 4;
        if (e.source !== undefined && USER_SOURCES.has(e.source)) proved[m] = 1;
        return;
      case 'block':
        flags[m]! |= 8;
        return;
      case 'conversion':
        flags[m]! |= 16;
        if (e.value !== undefined) micros[m]! += Math.round(e.value * 1e6);
        return;
    }
  };
  for (const e of events) {
    switch (e.kind) {
      case 'status': {
        const m = index.get(e.messageId);
        if (m === undefined) break;
        const s = e.status;
        if (s === 'failed') {
          failed[m] = 1;
          if (e.errorCode !== undefined && e.errorCode < code[m]!) code[m] = e.errorCode;
          break;
        }
        const r = s === 'sent' ? 0 : s === 'delivered' ? 1 : s === 'read' || s === 'played' ? 2 : -1;
        if (r < 0) break;
        if (r > rank[m]!) rank[m] = r;
        const p = e.pricing;
        if (p && (p.billable === true || p.type === 'regular')) {
          billable[m] = 1;
          const pr = r === 0 ? 0 : 1;
          if (
            p.category !== undefined &&
            (pr > categoryRank[m]! || (pr === categoryRank[m] && p.category < category[m]!))
          ) {
            category[m] = p.category;
            categoryRank[m] = pr;
          }
        }
        break;
      }
      case 'inbound':
        if (e.contextMessageId !== undefined) credit(e, index.get(e.contextMessageId) ?? -1);
        else unlinked.push({ e, recipient: e.recipientId, windowed: true });
        break;
      case 'click': {
        const key = `${e.at.getTime()}|${e.messageId}|${e.recipientId}|${e.campaignId}|${e.url}`;
        if (clickKeys.has(key)) break;
        clickKeys.add(key);
        if (e.messageId !== undefined) credit(e, index.get(e.messageId) ?? -1);
        else if (e.recipientId !== undefined && e.campaignId === CAMPAIGN)
          unlinked.push({ e, recipient: e.recipientId, windowed: false });
        else if (e.recipientId !== undefined && e.campaignId === undefined)
          unlinked.push({ e, recipient: e.recipientId, windowed: true });
        break;
      }
      case 'opt_out':
      case 'block':
        if (e.kind === 'opt_out' && e.source === 'error_131050') break;
        if (e.messageId !== undefined) credit(e, index.get(e.messageId) ?? -1);
        else unlinked.push({ e, recipient: e.recipientId, windowed: true });
        break;
      case 'conversion': {
        const key = `${e.at.getTime()}|${e.messageId}|${e.recipientId}|${e.campaignId}|${e.value}|${e.currency}`;
        if (conversions.has(key)) break;
        conversions.add(key);
        if (e.messageId !== undefined) credit(e, index.get(e.messageId) ?? -1);
        else if (e.recipientId !== undefined && (e.campaignId === undefined || e.campaignId === CAMPAIGN))
          unlinked.push({ e, recipient: e.recipientId, windowed: true });
        break;
      }
    }
  }
  // Which messages failed is fixed before the unlinked events are credited (they never go to one).
  const failedBefore = new Uint8Array(n);
  for (let m = 0; m < n; m++) failedBefore[m] = isFailed(m) ? 1 : 0;
  for (const { e, recipient, windowed } of unlinked) credit(e, latest(recipient, e.at.getTime(), windowed));
  let delivered = 0;
  let read = 0;
  let failedCount = 0;
  let pending = 0;
  let clicked = 0;
  let clickCount = 0;
  let revenueMicros = 0;
  let alreadyOptedOut = 0;
  let limitedByMeta = 0;
  for (const c of rejected.values()) {
    if (c === 131050) alreadyOptedOut++;
    else if (c === 131049) limitedByMeta++;
  }
  const counts = [0, 0, 0, 0, 0];
  const perCategory = new Map<string, number>();
  const failures = new Map<number | null, number>();
  for (let m = 0; m < n; m++) {
    const isDelivered = rank[m]! >= 1 || proved[m] === 1;
    const messageFailed = failedBefore[m] === 1;
    if (isDelivered) delivered++;
    if (rank[m] === 2 || proved[m] === 1) read++;
    if (messageFailed) {
      failedCount++;
      const c = code[m] === Number.POSITIVE_INFINITY ? null : code[m]!;
      failures.set(c, (failures.get(c) ?? 0) + 1);
      if (c === 131050) alreadyOptedOut++;
      else if (c === 131049) limitedByMeta++;
    } else if (!isDelivered) pending++;
    if (clicks[m]! > 0) clicked++;
    clickCount += clicks[m]!;
    if (flags[m]! & 2) counts[1]!++;
    if (flags[m]! & 4 && isDelivered) counts[2]!++;
    if (flags[m]! & 8) counts[3]!++;
    if (flags[m]! & 16 && isDelivered) {
      counts[4]!++;
      revenueMicros += micros[m]!;
    }
    if (billable[m] && !messageFailed) {
      const cat = category[m] ?? '';
      perCategory.set(cat, (perCategory.get(cat) ?? 0) + 1);
    }
  }
  let cost = 0;
  for (const cat of [...perCategory.keys()].sort()) cost += perCategory.get(cat)! * (RATE_CARD[cat] ?? 0);
  return {
    sent: n,
    rejected: rejected.size,
    delivered,
    read,
    failed: failedCount,
    pending,
    clicked,
    clicks: clickCount,
    replied: counts[1],
    optedOut: counts[2],
    alreadyOptedOut,
    limitedByMeta,
    blocked: counts[3],
    converted: counts[4],
    revenue: revenueMicros / 1e6,
    cost,
    failures: failures.size,
  };
}

const generateStart = performance.now();
const events = generateCampaign({ messages: MESSAGES, seed: 2026 });
const generateMs = performance.now() - generateStart;

const BATCH = 1_000;
const store = new MemoryEventStore();
const ingestStart = performance.now();
for (let i = 0; i < events.length; i += BATCH) await store.append(events.slice(i, i + BATCH));
const ingestMs = performance.now() - ingestStart;
print('memory ingest', events.length / (ingestMs / 1000), 'events/s', {
  events: events.length,
  stored: store.size,
  batch: BATCH,
  validated: true,
  generateMs: Math.round(generateMs),
});

const query = { campaignId: CAMPAIGN, rateCard: RATE_CARD };
// The floor loops over what the store holds (repeats already dropped), so it does strictly less work.
const stored: StoredEvent[] = [];
for await (const event of store.scan({})) stored.push(event);
const floorTimes: number[] = [];
const memoryTimes: number[] = [];
let floorResult!: ReturnType<typeof handRolled>;
let memoryResult!: Awaited<ReturnType<typeof computeCampaignMetrics>>;
// Interleaved runs, so machine noise and GC hit both sides alike.
for (let run = 0; run < RUNS; run++) {
  let start = performance.now();
  floorResult = handRolled(stored);
  floorTimes.push(performance.now() - start);
  start = performance.now();
  memoryResult = await computeCampaignMetrics(store, query);
  memoryTimes.push(performance.now() - start);
}
const floor = { ms: median(floorTimes), result: floorResult };
const memory = { ms: median(memoryTimes), result: memoryResult };
const scanOnly: EventStore = { append: (e) => store.append(e), scan: (f) => store.scan(f) };
const generic = await timed(() => computeCampaignMetrics(scanOnly, query), 1);

const m = memory.result;
const f = floor.result;
const same =
  m.sent === f.sent &&
  m.rejected === f.rejected &&
  m.delivered === f.delivered &&
  m.read === f.read &&
  m.failed === f.failed &&
  m.pending === f.pending &&
  m.clicked === f.clicked &&
  m.clicks === f.clicks &&
  m.replied === f.replied &&
  m.optedOut === f.optedOut &&
  m.alreadyOptedOut === f.alreadyOptedOut &&
  m.limitedByMeta === f.limitedByMeta &&
  m.blocked === f.blocked &&
  m.converted === f.converted &&
  m.revenue === f.revenue &&
  m.cost === f.cost &&
  JSON.stringify(generic.result) === JSON.stringify(m);

print('hand-rolled floor computeCampaignMetrics', floor.ms, 'ms', {
  events: stored.length,
  messages: f.sent,
});
print('memory computeCampaignMetrics', memory.ms, 'ms', {
  events: stored.length,
  ratio: Number((memory.ms / floor.ms).toFixed(2)),
  goal: '<= 2x floor',
  resultsMatchFloor: same,
});
print('memory computeCampaignMetrics (generic scan path)', generic.ms, 'ms', {
  ratio: Number((generic.ms / floor.ms).toFixed(2)),
});
if (!same) {
  console.error('metrics bench: memory store and floor disagree', { memory: m, floor: f });
  process.exit(1);
}
