/**
 * What a reconciliation costs in Meta's WABA read budget (~200 requests per hour per account): a
 * campaign of 10 templates sent every day for 30 days (the simulator's clock moved day by day), then
 * `reconcileCampaign` over the whole month against the simulator. Counts every request the
 * reconciliation made (`stats().requests`) and checks it stays within the budget and that each of the
 * 300 day × template cells has Meta's counts equal to ours. Prints one JSON line per figure.
 *
 * Usage: `node --expose-gc --import tsx bench/reconcile-budget.bench.ts` (BENCH_PER_CELL messages per
 * day and template, default 3).
 */
import { loadavg } from 'node:os';
import { WhatsAppClient } from '../src/client/index.js';
import { recordOutbound } from '../src/events/record-outbound.js';
import { MemoryEventStore } from '../src/events/stores/memory.js';
import { reconcileCampaign } from '../src/insights/index.js';
import { template } from '../src/messages/builders/template-builders.js';
import { startSimulator } from '../src/simulator/index.js';
import { QUIET } from '../test/simulator/helpers.js';

const DAYS = 30;
const TEMPLATES = Array.from({ length: 10 }, (_, i) => `offer_${String(i).padStart(2, '0')}`);
const PER_CELL = Number(process.env.BENCH_PER_CELL ?? 3);
const BUDGET = 200;
const DAY_MS = 86_400_000;
const CAMPAIGN = 'month';

function line(figure: string, value: number, unit: string, extra: Record<string, unknown> = {}): void {
  const load1 = Number((loadavg()[0] ?? 0).toFixed(2));
  console.log(JSON.stringify({ bench: 'reconcile-budget', figure, value, unit, ...extra, load1 }));
}

// The month ends 8 days ago, so every day is settled (Meta's 7-day accrual is over).
const start = Math.floor((Date.now() - 38 * DAY_MS) / DAY_MS) * DAY_MS;
let clock = start;
const sim = await startSimulator({
  now: () => clock,
  insights: { enabled: true },
  templates: TEMPLATES.map((name) => ({ name, language: 'en_US', category: 'MARKETING' })),
  behaviour: { ...QUIET, readRate: 0.6, pairLimit: false, speed: 1000 },
});
const wa = new WhatsAppClient({
  accessToken: 'test-token',
  phoneNumberId: sim.phoneNumberId,
  businessAccountId: sim.businessAccountId,
  baseUrl: sim.url,
  env: {},
});
const store = new MemoryEventStore();
try {
  let n = 0;
  for (let day = 0; day < DAYS; day++) {
    clock = start + day * DAY_MS + 10 * 3_600_000;
    for (const name of TEMPLATES) {
      for (let i = 0; i < PER_CELL; i++) {
        const message = template(`+1650555${String(1000 + (n++ % 9000))}`, name, 'en_US');
        const sent = await wa.messages.send(message);
        await recordOutbound(store, sent, message, { campaignId: CAMPAIGN, at: new Date(clock) });
      }
    }
    await sim.flush();
  }
  clock = start + DAYS * DAY_MS + 8 * DAY_MS;
  const before = sim.stats().requests;
  const started = performance.now();
  const r = await reconcileCampaign(store, wa, { campaignId: CAMPAIGN, now: new Date(clock) });
  const ms = performance.now() - started;
  const requests = sim.stats().requests - before;
  const cells = r.cells.length;
  const agreeing = r.cells.filter((c) => c.meta !== null && c.meta.sent === c.ours.sent).length;
  if (cells !== DAYS * TEMPLATES.length || agreeing !== cells) {
    throw new Error(
      `expected ${DAYS * TEMPLATES.length} cells with Meta's sent equal to ours, got ${agreeing}/${cells}`,
    );
  }
  line('requests', requests, 'requests', {
    budget: BUDGET,
    withinBudget: requests <= BUDGET,
    cells,
    messages: n,
  });
  line('duration', Number(ms.toFixed(1)), 'ms', { cells });
  if (requests > BUDGET) process.exitCode = 1;
} finally {
  await wa.close();
  await sim.close();
}
