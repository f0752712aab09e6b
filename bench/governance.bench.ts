/**
 * Governance benchmarks (`npm run bench -- governance`), in process with a fake client:
 *  1. memory and timers held by sends waiting for their recipients' send window: 200,000 marketing
 *     sends enqueued while their window is closed; RSS and heap after a full GC, per waiting send, and
 *     the number of live timers (one, whatever the number waiting);
 *  2. a 1,000,000-recipient campaign, half of them outside their window: RSS growth while it streams
 *     (the waiting half is held unbuilt by the campaign, the other half is sent and forgotten). The
 *     queue runs on a clock 20 times faster than real time, so the 500,000 sends
 *     paced at 1,000 per (simulated) second take seconds, not minutes; the window stays closed for hours
 *     of that clock.
 * `node --import tsx bench/governance.bench.ts [1|2] [recipients]` runs one figure.
 */
import v8 from 'node:v8';
import { runInNewContext } from 'node:vm';
import { MemoryQueueAdapter, type QueueClient, SendQueue } from '../src/queue/index.js';

const print = (figure: string, value: number, unit: string, extra: Record<string, unknown> = {}) =>
  console.log(
    JSON.stringify({ bench: 'governance', figure, value: Math.round(value * 100) / 100, unit, ...extra }),
  );

v8.setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

const client: QueueClient = {
  phoneNumberId: 'PN',
  messages: {
    send: async (message) => ({ messageId: `wamid.${String(message.to)}`, input: String(message.to) }),
  },
};
const promo = (to: string) => ({
  to,
  type: 'template',
  template: { name: 'promo', language: { code: 'en' } },
});

/** A zone whose 09:00–17:00 window is closed now (and one where it is open). */
function zones(): { open: string; closed: string } {
  const hour = new Date().getUTCHours();
  const offsetFor = (localHour: number) => {
    const offset = (((localHour - hour) % 24) + 24) % 24;
    const signed = offset > 12 ? offset - 24 : offset;
    // Etc/GMT signs are inverted: Etc/GMT-3 is UTC+3.
    return `Etc/GMT${signed > 0 ? '-' : '+'}${Math.abs(signed)}`;
  };
  return { open: offsetFor(12), closed: offsetFor(2) };
}

function timers(): number {
  return process.getActiveResourcesInfo().filter((kind) => kind === 'Timeout').length;
}

async function waitingMemory(count: number): Promise<void> {
  const { closed } = zones();
  const queue = new SendQueue({
    client,
    perRecipientIntervalMs: 0,
    sendWindow: { start: '09:00', end: '17:00', timeZone: () => closed },
  });
  gc();
  const before = process.memoryUsage();
  const timersBefore = timers();
  const outcomes: Promise<unknown>[] = [];
  for (let i = 0; i < count; i++) outcomes.push(queue.enqueue(promo(`90532${String(1_000_000 + i)}`)));
  await new Promise((resolve) => setTimeout(resolve, 50));
  gc();
  const after = process.memoryUsage();
  const waiting = queue.waiting().count;
  print('heap_per_waiting_send', (after.heapUsed - before.heapUsed) / waiting, 'bytes', { waiting });
  print('rss_growth_waiting_sends', (after.rss - before.rss) / 1024 / 1024, 'MB', { waiting });
  print('timers_for_waiting_sends', timers() - timersBefore, 'timers', { waiting });
  await queue.close();
  await Promise.all(outcomes);
}

async function halfWaitingCampaign(total: number): Promise<void> {
  const { open, closed } = zones();
  const started = Date.now();
  const queue = new SendQueue({
    client,
    now: () => started + (Date.now() - started) * 20,
    messagesPerSecond: 1000,
    perRecipientIntervalMs: 0,
    adapter: new MemoryQueueAdapter({ burstToleranceMs: 500 }),
    sendWindow: {
      start: '09:00',
      end: '17:00',
      timeZone: (to) => (Number(to.slice(-1)) % 2 === 0 ? closed : open),
    },
  });
  const campaign = queue.sendCampaign({
    campaignId: 'half',
    recipients: (function* () {
      for (let i = 0; i < total; i++) yield `90532${String(1_000_000 + i)}`;
    })(),
    build: promo,
  });
  // RSS is sampled after a full GC (as in the queue bench): memory the campaign retains, not collector slack.
  const checkpoint = Math.min(20_000, total / 10);
  let baseline = 0;
  let heapBaseline = 0;
  let peak = 0;
  let rawPeak = 0;
  campaign.on('progress', (p) => {
    const seen = p.sent + p.waiting;
    if (p.sent === checkpoint) {
      gc();
      baseline = process.memoryUsage().rss;
      heapBaseline = process.memoryUsage().heapUsed;
    }
    if (p.sent % 10_000 === 0) rawPeak = Math.max(rawPeak, process.memoryUsage().rss);
    if (p.sent % 100_000 === 0 && seen > checkpoint) {
      gc();
      peak = Math.max(peak, process.memoryUsage().rss);
    }
  });
  while (campaign.progress().sent + campaign.progress().waiting < total)
    await new Promise((resolve) => setTimeout(resolve, 100));
  gc();
  peak = Math.max(peak, process.memoryUsage().rss);
  const { sent, waiting } = campaign.progress();
  print(
    'heap_per_waiting_campaign_send',
    (process.memoryUsage().heapUsed - heapBaseline) / waiting,
    'bytes',
    {
      measured: 'heap after a full GC, from the checkpoint to the end of the source',
      waiting,
    },
  );
  print('rss_growth_half_waiting_campaign', (peak - baseline) / 1024 / 1024, 'MB', {
    measured: `RSS after a full GC, from ${checkpoint} sent to every recipient sent or waiting`,
    rawPeakGrowthMb: Math.round((rawPeak - baseline) / 1024 / 1024),
    recipients: total,
    sent,
    waiting,
    timers: timers(),
    realSeconds: Math.round((Date.now() - started) / 1000),
    clock: 'virtual x20',
  });
  await queue.close();
  await campaign.done;
}

const only = process.argv[2];
const count = process.argv[3] === undefined ? undefined : Number(process.argv[3]);
if (!only || only === '1') await waitingMemory(count ?? 200_000);
if (!only || only === '2') await halfWaitingCampaign(count ?? 1_000_000);
