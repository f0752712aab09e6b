import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDashboardHandler } from '../../src/dashboard/dashboard-handler.js';
import { nodeDashboardListener } from '../../src/dashboard/node-listener.js';
import { ConfigError } from '../../src/errors/index.js';
import type { StoredEvent } from '../../src/events/stored-event.js';
import { MemoryEventStore } from '../../src/events/stores/memory.js';
import { ChromiumPage } from '../helpers/chromium-cdp.js';
import { chromiumRequired } from '../helpers/test-services.js';

const AT = new Date(Date.UTC(2026, 4, 1, 9));
const HOSTILE = '<script>alert(1)</script>';

function sends(campaignId: string, count: number): StoredEvent[] {
  return Array.from({ length: count }, (_, i) => ({
    kind: 'outbound' as const,
    messageId: `wamid.${campaignId}.${i}`,
    recipientId: `1555000${i}`,
    at: AT,
    campaignId,
  }));
}

function status(campaignId: string, i: number, value: 'delivered' | 'read'): StoredEvent {
  return { kind: 'status', messageId: `wamid.${campaignId}.${i}`, status: value, at: AT };
}

async function firstChunk(response: Response): Promise<string> {
  const reader = response.body!.getReader();
  const { value } = await reader.read();
  await reader.cancel();
  return new TextDecoder().decode(value);
}

describe('createDashboardHandler', () => {
  const store = new MemoryEventStore();
  const handler = createDashboardHandler({ store, intervalMs: 50 });
  beforeAll(async () => {
    await store.append([...sends('spring', 4), ...sends(HOSTILE, 1), status('spring', 0, 'read')]);
  });

  it('lists the campaigns and serves their metrics as JSON', async () => {
    const list = (await (await handler(new Request('http://x/?view=campaigns'))).json()) as {
      campaigns: Array<{ campaignId: string; sends: number }>;
    };
    expect(list.campaigns.map((c) => c.campaignId).sort()).toEqual([HOSTILE, 'spring'].sort());
    expect(list.campaigns.find((c) => c.campaignId === 'spring')?.sends).toBe(4);
    const metrics = await (await handler(new Request('http://x/admin?view=metrics&campaign=spring'))).json();
    expect(metrics).toMatchObject({ sent: 4, delivered: 1, read: 1 });
  });

  it('serves one self-contained page with a strict CSP, escaping every value', async () => {
    const response = await handler(new Request('http://x/'));
    const csp = response.headers.get('content-security-policy')!;
    const body = await response.text();
    expect(csp).toContain("default-src 'none'");
    expect(csp).not.toContain("script-src 'unsafe-inline'");
    const nonce = /script-src 'nonce-([^']+)'/.exec(csp)?.[1];
    expect(body).toContain(`<script nonce="${nonce}">`);
    expect(body.match(/<script/g)).toHaveLength(1);
    expect(body).not.toMatch(/https?:\/\/(?!www\.w3\.org)/);
    expect(body).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    const page = await (await handler(new Request('http://x/?campaign=spring'))).text();
    expect(page).toMatch(/data-kpi="sent"[\s\S]*?>4</);
    expect(page).toContain('data-campaign="spring"');
  });

  it('streams the metrics as server-sent events, is read-only, and rejects unknown options', async () => {
    const stop = new AbortController();
    const response = await handler(
      new Request('http://x/?view=events&campaign=spring', { signal: stop.signal }),
    );
    expect(response.headers.get('content-type')).toContain('text/event-stream');
    const chunk = await firstChunk(response);
    stop.abort();
    expect(chunk).toMatch(/^event: metrics\ndata: /);
    expect(JSON.parse(chunk.split('data: ')[1]!).metrics).toMatchObject({ sent: 4, read: 1 });
    expect((await handler(new Request('http://x/', { method: 'POST', body: '{}' }))).status).toBe(405);
    expect((await handler(new Request('http://x/?view=events'))).status).toBe(400);
    const limited = createDashboardHandler({ store, campaigns: ['spring'] });
    expect((await limited(new Request('http://x/?view=metrics&campaign=other'))).status).toBe(404);
    expect(() => createDashboardHandler({ store, colour: 'red' } as never)).toThrow(ConfigError);
  });
});

const chromium = chromiumRequired();

describe.skipIf(!chromium)('the dashboard in headless Chromium', () => {
  const store = new MemoryEventStore();
  let server: Server;
  let base: string;
  const shots = mkdtempSync(join(tmpdir(), 'wacloud-dashboard-'));
  beforeAll(async () => {
    await store.append(sends('spring', 4));
    server = createServer(nodeDashboardListener(createDashboardHandler({ store, intervalMs: 100 })));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
    rmSync(shots, { recursive: true, force: true });
  });

  const kpi = (name: string) => `document.querySelector('[data-kpi="${name}"]')?.textContent ?? ''`;

  it('shows the numbers and updates them as events are appended', async () => {
    const page = await ChromiumPage.open(chromium!, `${base}?campaign=spring`);
    try {
      await page.waitFor<string>(`document.getElementById('live-status')?.textContent ?? ''`, (t) =>
        t.startsWith('Live'),
      );
      expect(await page.evaluate<string>(kpi('sent'))).toContain('4');
      expect(await page.evaluate<string>(kpi('delivered'))).toContain('0 messages');
      await store.append([status('spring', 0, 'delivered'), status('spring', 1, 'read')]);
      await page.waitFor<string>(kpi('delivered'), (t) => t.includes('50.0%') && t.includes('2 messages'));
      await store.append([status('spring', 2, 'read'), status('spring', 3, 'delivered')]);
      const delivered = await page.waitFor<string>(kpi('delivered'), (t) => t.includes('4 messages'));
      expect(delivered).toContain('100.0%');
      expect(await page.evaluate<string>(kpi('read'))).toContain('2 of delivered');
      const png = await page.screenshot();
      expect(png.length).toBeGreaterThan(30_000);
      // `WACLOUD_DASHBOARD_SCREENSHOTS=docs` refreshes the screenshots in docs/.
      const dir = process.env.WACLOUD_DASHBOARD_SCREENSHOTS;
      if (dir) writeFileSync(join(dir, 'dashboard.png'), png);
    } finally {
      await page.close();
    }
  });

  it('lists the campaigns and reads well at phone width', async () => {
    const page = await ChromiumPage.open(chromium!, base, 390, 844);
    try {
      await page.waitFor<string>(
        `document.querySelector('[data-campaign]')?.textContent ?? ''`,
        (t) => t === 'spring',
      );
      await store.append(sends('autumn', 2));
      await page.waitFor<string>(`document.getElementById('campaign-rows')?.textContent ?? ''`, (t) =>
        t.includes('autumn'),
      );
      // Nothing wider than the phone's viewport.
      expect(await page.evaluate<number>('document.documentElement.scrollWidth')).toBeLessThanOrEqual(390);
      const dir = process.env.WACLOUD_DASHBOARD_SCREENSHOTS;
      if (dir) writeFileSync(join(dir, 'dashboard-phone.png'), await page.screenshot());
    } finally {
      await page.close();
    }
  });
});
