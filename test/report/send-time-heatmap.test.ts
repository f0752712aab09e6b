import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { ValidationError } from '../../src/errors/index.js';
import type { StoredEvent } from '../../src/events/stored-event.js';
import { MemoryEventStore } from '../../src/events/stores/memory.js';
import { SqliteEventStore } from '../../src/events/stores/sqlite.js';
import { computeCampaignMetrics } from '../../src/metrics/compute-campaign-metrics.js';
import { renderCampaignReport } from '../../src/report/render-campaign-report.js';
import { sendTimeHeatmap } from '../../src/report/send-time-heatmap.js';
import { chromiumRequired } from '../helpers/test-services.js';
import { sampleReportInput } from './sample-report-input.js';

const MINUTE = 60_000;

/** `count` German recipients sent at `utc`; `read` of them read, `clicked` of the read ones clicked, one reply. */
function cohort(id: string, utc: Date, count: number, read: number, clicked: number): StoredEvent[] {
  const events: StoredEvent[] = [];
  for (let i = 0; i < count; i++) {
    const messageId = `wamid.${id}.${i}`;
    const at = new Date(utc.getTime() + i * 1000);
    events.push({
      kind: 'outbound',
      messageId,
      recipientId: `49151${id}${String(i).padStart(5, '0')}`,
      at,
      campaignId: 'spring',
    });
    events.push({ kind: 'status', messageId, status: 'delivered', at: new Date(at.getTime() + MINUTE) });
    if (i < read)
      events.push({ kind: 'status', messageId, status: 'read', at: new Date(at.getTime() + 2 * MINUTE) });
    if (i < clicked) events.push({ kind: 'click', messageId, at: new Date(at.getTime() + 3 * MINUTE) });
  }
  events.push({
    kind: 'inbound',
    messageId: `wamid.in.${id}`,
    recipientId: `49151${id}00000`,
    at: new Date(utc.getTime() + 9 * MINUTE),
    contextMessageId: `wamid.${id}.0`,
    messageType: 'text',
    text: 'When does it start?',
  });
  return events;
}

// Berlin is UTC+1 in January: Monday 10:00Z is Mon 11:00, Tuesday 17:00Z is Tue 18:00, Wednesday 08:00Z is Wed 09:00.
const EVENTS = [
  ...cohort('1', new Date(Date.UTC(2026, 0, 5, 10)), 40, 20, 10),
  ...cohort('2', new Date(Date.UTC(2026, 0, 6, 17)), 40, 35, 0),
  ...cohort('3', new Date(Date.UTC(2026, 0, 7, 8)), 5, 5, 5),
  {
    kind: 'outbound',
    messageId: 'wamid.other',
    recipientId: '4915100000001',
    at: new Date(Date.UTC(2026, 0, 5, 10)),
    campaignId: 'summer',
  },
] as StoredEvent[];

describe('sendTimeHeatmap', () => {
  it('tallies by local weekday × hour with Wilson intervals; a small lucky cell is never best', async () => {
    const store = new MemoryEventStore();
    await store.append(EVENTS);
    const heatmap = await sendTimeHeatmap(store, 'spring');
    expect(
      heatmap.cells.map((c) => `${c.weekday} ${c.hour}:${c.sent}/${c.read}/${c.clicked}/${c.replied}`),
    ).toEqual(['1 Mon 11:40/20/10/1', '2 Tue 18:40/35/0/1', '3 Wed 09:5/5/5/1']);
    const wed = heatmap.cells[2]!;
    expect(wed.enough).toBe(false);
    expect(wed.rates.readRate.rate).toBe(1);
    expect(heatmap.best.readRate).toMatchObject({ weekday: '2 Tue', hour: '18' });
    expect(heatmap.best.clickThroughRate).toMatchObject({ weekday: '1 Mon', hour: '11' });
    const interval = heatmap.best.readRate!.estimate.interval!;
    expect(interval.low).toBeLessThan(35 / 40);
    expect(interval.high).toBeGreaterThan(35 / 40);
    // The same messages and states as the campaign's metrics.
    const metrics = await computeCampaignMetrics(store, { campaignId: 'spring' });
    const sum = (key: 'sent' | 'delivered' | 'read' | 'clicked' | 'replied') =>
      heatmap.cells.reduce((total, c) => total + c[key], 0);
    expect([sum('sent'), sum('delivered'), sum('read'), sum('clicked'), sum('replied')]).toEqual([
      metrics.sent,
      metrics.delivered,
      metrics.read,
      metrics.clicked,
      metrics.replied,
    ]);
    // With a lower minimum the lucky cell counts, and wins the click-through rate.
    const lenient = await sendTimeHeatmap(store, ['spring', 'summer'], { minSample: 5 });
    expect(lenient.best.clickThroughRate).toMatchObject({ weekday: '3 Wed', hour: '09' });
    expect(lenient.cells.find((c) => c.weekday === '1 Mon')!.sent).toBe(41);
    await expect(sendTimeHeatmap(store, 'spring', { minSample: 0 })).rejects.toBeInstanceOf(ValidationError);
  });

  it('gives the same heatmap on SQLite', async () => {
    const memory = new MemoryEventStore();
    const sqlite = new SqliteEventStore({ filename: ':memory:' });
    await memory.append(EVENTS);
    await sqlite.append(EVENTS);
    expect(await sendTimeHeatmap(sqlite, 'spring', { timeZone: 'Asia/Tokyo' })).toEqual(
      await sendTimeHeatmap(memory, 'spring', { timeZone: 'Asia/Tokyo' }),
    );
    await sqlite.close();
  });
});

const chromium = chromiumRequired();

describe.skipIf(!chromium)('the send-time heatmaps in headless Chromium', () => {
  const dir = mkdtempSync(join(tmpdir(), 'wacloud-heatmap-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('draws one weekday × hour grid per rate and names the best cells', async () => {
    const store = new MemoryEventStore();
    await store.append(EVENTS);
    const file = join(dir, 'report.html');
    writeFileSync(
      file,
      renderCampaignReport({ ...sampleReportInput(), sendTimes: await sendTimeHeatmap(store, 'spring') }),
    );
    const result = spawnSync(
      chromium!,
      [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--no-first-run',
        '--disable-background-networking',
        `--user-data-dir=${join(dir, 'profile')}`,
        '--dump-dom',
        pathToFileURL(file).href,
      ],
      { encoding: 'utf8', timeout: 60_000, maxBuffer: 20 * 1024 * 1024 },
    );
    expect(result.status).toBe(0);
    const dom = result.stdout;
    expect(dom).toContain('When to send');
    for (const rate of ['readRate', 'clickThroughRate', 'replyRate'])
      expect(dom).toContain(`data-rate-grid="${rate}"`);
    expect(dom.match(/<td class="heat/g)).toHaveLength(3 * 7 * 24);
    expect(dom).toMatch(/data-best="readRate">Tue 18:00</);
    expect(dom).toMatch(/data-best="clickThroughRate">Mon 11:00</);
    expect(dom).toMatch(/class="heat heat-few"[^>]*data-weekday="3 Wed" data-hour="09"/);
  });
});
