import { afterEach, describe, expect, it } from 'vitest';
import { msg } from '../../../src/messages/index.js';
import { HeldRecipients } from '../../../src/queue/held-recipients.js';
import { SendQueue } from '../../../src/queue/index.js';
import { scriptedClient } from '../helpers/scripted-client.js';

const BERLIN = (n: number) => `+4915112${String(100_000 + n)}`;
const US = '+16505551234';

const queues: SendQueue[] = [];
afterEach(async () => {
  for (const queue of queues.splice(0)) await queue.close();
});

describe('HeldRecipients', () => {
  it('keeps recipients by due time in shared buckets and gives them back in time order once due', async () => {
    let dueCalls = 0;
    const held = new HeldRecipients<string>({ onDue: () => dueCalls++, now: Date.now });
    const soon = Date.now() + 20;
    const later = Date.now() + 60;
    held.add('b1', 1, later);
    held.add('a1', 2, soon);
    held.add('a2', 3, soon);
    expect(held.size).toBe(3);
    expect(held.take()).toBeUndefined();
    expect(held.nextAt(Date.now())).toBe(soon);
    while (dueCalls < 1) await new Promise((resolve) => setTimeout(resolve, 5));
    expect([held.take(), held.take(), held.take()]).toEqual([
      { recipient: 'a1', index: 2 },
      { recipient: 'a2', index: 3 },
      undefined,
    ]);
    held.releaseAll();
    expect(held.take()).toEqual({ recipient: 'b1', index: 1 });
    expect(held.size).toBe(0);
    expect(held.nextAt(Date.now())).toBeUndefined();
  });
});

describe('campaign recipients outside their window', () => {
  it('are held unbuilt (counted as waiting) and built and sent when their window opens', async () => {
    // The clock reads 08:59:59 in Berlin (CEST); the window opens at 09:00, a second later.
    const target = Date.UTC(2026, 5, 1, 6, 59, 59);
    const shift = target - Date.now();
    const now = () => Date.now() + shift;
    const sentAt: number[] = [];
    const { client } = scriptedClient(() => {
      sentAt.push(now());
      return undefined;
    });
    const queue = new SendQueue({
      client,
      now,
      perRecipientIntervalMs: 0,
      sendWindow: { start: '09:00', end: '20:00' },
    });
    queues.push(queue);
    const built: string[] = [];
    const campaign = queue.sendCampaign({
      campaignId: 'morning',
      recipients: Array.from({ length: 5 }, (_, i) => BERLIN(i)),
      build: (to) => {
        built.push(to);
        return msg.template(to, 'promo', 'de');
      },
    });
    while (campaign.progress().read < 5) await new Promise((resolve) => setTimeout(resolve, 2));
    // Only the first was built (it showed the campaign's messages are marketing); the others wait unbuilt.
    expect(built).toEqual([BERLIN(0)]);
    expect(campaign.progress()).toMatchObject({ waiting: 5, sent: 0, done: false });
    expect(queue.waiting()).toEqual({ count: 5, nextAt: new Date(Date.UTC(2026, 5, 1, 7, 0)) });
    const final = await campaign.done;
    expect(final).toMatchObject({ sent: 5, waiting: 0, done: true });
    expect(built).toHaveLength(5);
    for (const at of sentAt) expect(at).toBeGreaterThanOrEqual(Date.UTC(2026, 5, 1, 7, 0));
  });

  it('fall due when a fast clock reaches their window, not after the real-time wait', async () => {
    // A clock that stands still until moved, and says it runs a billion times faster than real time:
    // waits on it last about a millisecond and re-read it. The window opens an hour after it starts.
    const opensAt = Date.UTC(2026, 5, 1, 7, 0); // 09:00 in Berlin (CEST)
    let time = opensAt - 60 * 60_000;
    const clock = { now: () => time, speed: 1e9 };
    const sentAt: number[] = [];
    const { client } = scriptedClient(() => {
      sentAt.push(time);
      return undefined;
    });
    const queue = new SendQueue({
      client,
      clock,
      perRecipientIntervalMs: 0,
      sendWindow: { start: '09:00', end: '20:00' },
    });
    queues.push(queue);
    const campaign = queue.sendCampaign({
      campaignId: 'fast-clock',
      recipients: Array.from({ length: 4 }, (_, i) => BERLIN(i)),
      build: (to) => msg.template(to, 'promo', 'de'),
    });
    while (campaign.progress().read < 4) await new Promise((resolve) => setTimeout(resolve, 2));
    expect(campaign.progress()).toMatchObject({ waiting: 4, sent: 0 });
    time = opensAt;
    // Held for an hour of that clock: a timer of an hour of real time would never let this resolve.
    const final = await campaign.done;
    expect(final).toMatchObject({ sent: 4, waiting: 0, done: true });
    expect(sentAt).toEqual([opensAt, opensAt, opensAt, opensAt]);
  });

  it('are read with turns of the event loop between, so timers and responses are not held back', async () => {
    const target = Date.UTC(2026, 5, 1, 1, 0); // 03:00 in Berlin: every recipient waits for 09:00
    const shift = target - Date.now();
    const { client } = scriptedClient();
    const queue = new SendQueue({
      client,
      now: () => Date.now() + shift,
      perRecipientIntervalMs: 0,
      sendWindow: { start: '09:00', end: '20:00' },
    });
    const total = 5000;
    const campaign = queue.sendCampaign({
      campaignId: 'long-read',
      recipients: Array.from({ length: total }, (_, i) => BERLIN(i)),
      build: (to) => msg.template(to, 'promo', 'de'),
    });
    // Reading held recipients is promise continuations only: without turns, all 5,000 would be read
    // before this timer could run.
    const readWhenTimerRan = await new Promise<number>((resolve) =>
      setTimeout(() => resolve(campaign.progress().read), 0),
    );
    expect(readWhenTimerRan).toBeGreaterThan(0);
    expect(readWhenTimerRan).toBeLessThan(total);
    while (campaign.progress().read < total) await new Promise((resolve) => setTimeout(resolve, 2));
    await queue.close();
    expect(await campaign.done).toMatchObject({ skipped: total, done: true });
  });

  it('end skipped (closed) without being built when the queue closes', async () => {
    const target = Date.UTC(2026, 5, 1, 1, 0); // 03:00 in Berlin
    const shift = target - Date.now();
    const { client, calls } = scriptedClient();
    const queue = new SendQueue({
      client,
      now: () => Date.now() + shift,
      perRecipientIntervalMs: 0,
      sendWindow: { start: '09:00', end: '20:00' },
    });
    let builds = 0;
    const campaign = queue.sendCampaign({
      campaignId: 'night',
      recipients: Array.from({ length: 50 }, (_, i) => BERLIN(i)),
      build: (to) => {
        builds++;
        return msg.template(to, 'promo', 'de');
      },
    });
    while (campaign.progress().read < 50) await new Promise((resolve) => setTimeout(resolve, 2));
    expect(builds).toBe(1);
    await queue.close();
    const final = await campaign.done;
    expect(final).toMatchObject({ skipped: 50, sent: 0, waiting: 0, done: true });
    expect(builds).toBe(1);
    expect(calls).toEqual([]);
  });
});

describe('the US marketing rule', () => {
  it('is on by default: marketing to US numbers ends skipped (region); skipUsMarketing: false turns it off', async () => {
    const on = scriptedClient();
    const queue = new SendQueue({ client: on.client, perRecipientIntervalMs: 0 });
    queues.push(queue);
    expect(await queue.enqueue(msg.template(US, 'promo', 'en'))).toMatchObject({
      status: 'skipped',
      reason: 'region',
    });
    expect((await queue.enqueue(msg.text(US, 'your code is 1234'))).status).toBe('sent');
    expect(on.calls).toHaveLength(1);

    const off = scriptedClient();
    const open = new SendQueue({ client: off.client, perRecipientIntervalMs: 0, skipUsMarketing: false });
    queues.push(open);
    expect((await open.enqueue(msg.template(US, 'promo', 'en'))).status).toBe('sent');
  });
});
