/**
 * Memory event store figures on a 250,000-message campaign (~1.2 M events with repeats and disorder):
 * ingest rate, `computeCampaignMetrics` time (push-down and generic scan path), and the floor — the same
 * computation hand-rolled as two plain loops over the stored events (sends, then everything else).
 * Prints one JSON line per figure; `ratio` is memory / floor (goal ≤ 2).
 */
import {
  computeCampaignMetrics,
  type EventStore,
  MemoryEventStore,
  type StoredEvent,
} from '../src/metrics/index.js';
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

/** The floor: the campaign metrics (no groups) hand-rolled over a plain array. */
function handRolled(events: readonly StoredEvent[]) {
  const index = new Map<string, number>();
  const sentAt: number[] = [];
  const ids: string[] = [];
  const byRecipient = new Map<string, number[]>();
  const rejected = new Set<string>();
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
      rejected.add(e.idempotencyKey ?? `${e.recipientId}|${e.at.getTime()}|${e.errorCode}`);
    }
  }
  for (const list of byRecipient.values())
    list.sort((a, b) => sentAt[a]! - sentAt[b]! || (ids[a]! < ids[b]! ? -1 : 1));
  const n = ids.length;
  const rank = new Uint8Array(n);
  const failed = new Uint8Array(n);
  const code = new Float64Array(n).fill(Number.POSITIVE_INFINITY);
  const billable = new Uint8Array(n);
  const category: (string | undefined)[] = new Array(n);
  const categoryRank = new Int8Array(n).fill(-1);
  const flags = new Uint8Array(n); // 1 click, 2 reply, 4 opt-out, 8 block, 16 conversion
  const micros = new Float64Array(n);
  const conversions = new Set<string>();
  const latest = (recipient: string, at: number, windowed: boolean): number => {
    const list = byRecipient.get(canonical(recipient));
    if (!list) return -1;
    for (let i = list.length - 1; i >= 0; i--) {
      const m = list[i]!;
      if (sentAt[m]! <= at) return windowed && at - sentAt[m]! > WINDOW_MS ? -1 : m;
    }
    return -1;
  };
  for (const e of events) {
    switch (e.kind) {
      case 'status': {
        const m = index.get(e.messageId);
        if (m === undefined) break;
        const s = e.status;
        if (s === 'failed') {
          failed[m] = 1;
          if (e.errorCode !== undefined) {
            if (e.errorCode < code[m]!) code[m] = e.errorCode;
            if (e.errorCode === 131050) flags[m]! |= 4;
          }
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
      case 'inbound': {
        const m =
          e.contextMessageId !== undefined
            ? (index.get(e.contextMessageId) ?? -1)
            : latest(e.recipientId, e.at.getTime(), true);
        if (m < 0) break;
        const stop =
          (e.buttonPayload !== undefined && STOP_PAYLOADS.has(e.buttonPayload.trim().toUpperCase())) ||
          (e.text !== undefined && isOptOutText(e.text));
        if (stop) flags[m]! |= 4;
        else if (e.messageType !== 'system') flags[m]! |= 2;
        break;
      }
      case 'click': {
        let m = -1;
        if (e.messageId !== undefined) m = index.get(e.messageId) ?? -1;
        else if (e.recipientId !== undefined && e.campaignId === CAMPAIGN)
          m = latest(e.recipientId, e.at.getTime(), false);
        else if (e.recipientId !== undefined && e.campaignId === undefined)
          m = latest(e.recipientId, e.at.getTime(), true);
        if (m >= 0) flags[m]! |= 1;
        break;
      }
      case 'opt_out':
      case 'block': {
        const m =
          e.messageId !== undefined
            ? (index.get(e.messageId) ?? -1)
            : latest(e.recipientId, e.at.getTime(), true);
        if (m >= 0) flags[m]! |= e.kind === 'opt_out' ? 4 : 8;
        break;
      }
      case 'conversion': {
        let m = -1;
        if (e.messageId !== undefined) m = index.get(e.messageId) ?? -1;
        else if (e.recipientId !== undefined && (e.campaignId === undefined || e.campaignId === CAMPAIGN)) {
          m = latest(e.recipientId, e.at.getTime(), true);
        }
        if (m < 0) break;
        const key = `${e.at.getTime()}|${e.messageId}|${e.recipientId}|${e.campaignId}|${e.value}|${e.currency}`;
        if (conversions.has(key)) break;
        conversions.add(key);
        flags[m]! |= 16;
        if (e.value !== undefined) micros[m]! += Math.round(e.value * 1e6);
        break;
      }
    }
  }
  let delivered = 0;
  let read = 0;
  let failedCount = 0;
  let revenueMicros = 0;
  const counts = [0, 0, 0, 0, 0];
  const perCategory = new Map<string, number>();
  const failures = new Map<number | null, number>();
  for (let m = 0; m < n; m++) {
    const isDelivered = rank[m]! >= 1;
    const isFailed = failed[m] === 1 && !isDelivered;
    if (isDelivered) delivered++;
    if (rank[m] === 2) read++;
    if (isFailed) {
      failedCount++;
      const c = code[m] === Number.POSITIVE_INFINITY ? null : code[m]!;
      failures.set(c, (failures.get(c) ?? 0) + 1);
    }
    for (let bit = 0; bit < 5; bit++) if (flags[m]! & (1 << bit)) counts[bit]!++;
    revenueMicros += micros[m]!;
    if (billable[m] && !isFailed) {
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
    clicked: counts[0],
    replied: counts[1],
    optedOut: counts[2],
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
  m.clicked === f.clicked &&
  m.replied === f.replied &&
  m.optedOut === f.optedOut &&
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
