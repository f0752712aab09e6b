import { describe, expect, it } from 'vitest';
import { NetworkError, RecipientError, ValidationError } from '../../src/errors/index.js';
import type { StoredEvent } from '../../src/events/stored-event.js';
import type { RetryInfo } from '../../src/queue/adapter.js';
import { SendQueue } from '../../src/queue/index.js';
import { fastRetry, graph, scriptedClient } from './helpers/scripted-client.js';

const text = (to: string) => ({ to, type: 'text', text: { body: 'hi' } });

function memoryStore() {
  const events: StoredEvent[] = [];
  return { events, append: async (batch: StoredEvent[]) => void events.push(...batch) };
}

function memorySuppression(initial: string[] = []) {
  const set = new Set(initial);
  return { set, isSuppressed: (id: string) => set.has(id), suppress: (id: string) => void set.add(id) };
}

function newQueue(answer: Parameters<typeof scriptedClient>[0], extra: Record<string, unknown> = {}) {
  const { client, calls } = scriptedClient(answer);
  const queue = new SendQueue({
    client,
    messagesPerSecond: 1000,
    perRecipientIntervalMs: 0,
    maxAttempts: 3,
    retry: fastRetry,
    ...extra,
  });
  return { queue, calls };
}

describe('SendQueue error policy', () => {
  it('sends and resolves the message id', async () => {
    const { queue, calls } = newQueue(undefined);
    const outcome = await queue.enqueue(text('+1 (650) 555-1234'));
    expect(outcome).toMatchObject({ status: 'sent', attempts: 1, recipientId: '16505551234' });
    expect(outcome.messageId).toMatch(/^wamid\./);
    expect(calls).toHaveLength(1);
    await queue.close();
  });

  it('pauses the whole number on 130429 and retries first', async () => {
    const retries: RetryInfo[] = [];
    const { queue, calls } = newQueue((to, attempt) =>
      to === 'a' && attempt === 1 ? graph(130429, 20) : undefined,
    );
    queue.on('retry', (info) => retries.push(info));
    const [a, b] = await Promise.all([queue.enqueue(text('a')), queue.enqueue(text('b'))]);
    expect(a).toMatchObject({ status: 'sent', attempts: 2 });
    expect(b.status).toBe('sent');
    expect(retries).toHaveLength(1);
    expect(retries[0]).toMatchObject({ scope: 'number', delayMs: 20, attempt: 1 });
    expect(calls.map((c) => c.to)).toEqual(['a', 'b', 'a']);
    await queue.close();
  });

  it('backs off only the recipient on 131056 with 4^X', async () => {
    const retries: RetryInfo[] = [];
    const { queue } = newQueue((to, attempt) => (to === 'a' && attempt <= 2 ? graph(131056) : undefined));
    queue.on('retry', (info) => retries.push(info));
    const outcome = await queue.enqueue(text('a'));
    expect(outcome).toMatchObject({ status: 'sent', attempts: 3 });
    expect(retries.map((r) => [r.scope, r.delayMs])).toEqual([
      ['recipient', 5],
      ['recipient', 20],
    ]);
    await queue.close();
  });

  it('retries transient errors up to maxAttempts, then fails with the typed error', async () => {
    const { queue, calls } = newQueue(() => graph(131000));
    const outcome = await queue.enqueue(text('a'));
    expect(outcome.status).toBe('failed');
    expect(outcome.attempts).toBe(3);
    expect(outcome.error).toMatchObject({ code: 131000 });
    expect(calls).toHaveLength(3);
    await queue.close();
  });

  it('fails at once on a non-retryable code', async () => {
    const { queue, calls } = newQueue(() => graph(131026));
    const outcome = await queue.enqueue(text('a'));
    expect(outcome.status).toBe('failed');
    expect(outcome.error).toBeInstanceOf(RecipientError);
    expect(calls).toHaveLength(1);
    await queue.close();
  });

  it('does not retry 131049', async () => {
    const { queue, calls } = newQueue(() => graph(131049));
    expect((await queue.enqueue(text('a'))).status).toBe('failed');
    expect(calls).toHaveLength(1);
    await queue.close();
  });

  it('suppresses the recipient on 131050 and skips them next time', async () => {
    const suppression = memorySuppression();
    const { queue, calls } = newQueue(() => graph(131050), { suppression });
    expect((await queue.enqueue(text('+15550001'))).status).toBe('failed');
    expect(suppression.set.has('15550001')).toBe(true);
    expect(await queue.enqueue(text('+15550001'))).toMatchObject({
      status: 'skipped',
      reason: 'suppressed',
      attempts: 0,
    });
    expect(calls).toHaveLength(1);
    await queue.close();
  });

  it('answers unknown, never re-sends, when the request may have reached Meta', async () => {
    const lost = new NetworkError('socket hang up', { requestMayHaveReachedServer: true });
    const { queue, calls } = newQueue(() => lost);
    const outcome = await queue.enqueue(text('a'));
    expect(outcome).toMatchObject({ status: 'unknown', attempts: 1 });
    expect(outcome.error).toBe(lost);
    expect(calls).toHaveLength(1);
    await queue.close();
  });

  it('retries a network error raised before the request was written', async () => {
    const { queue } = newQueue((_to, attempt) =>
      attempt === 1 ? new NetworkError('ECONNREFUSED', { requestMayHaveReachedServer: false }) : undefined,
    );
    expect(await queue.enqueue(text('a'))).toMatchObject({ status: 'sent', attempts: 2 });
    await queue.close();
  });

  it('skips a duplicate idempotency key but allows it again after a failure', async () => {
    let fail = true;
    const { queue, calls } = newQueue(() => (fail ? graph(100) : undefined));
    expect((await queue.enqueue(text('a'), { idempotencyKey: 'k1' })).status).toBe('failed');
    fail = false;
    expect((await queue.enqueue(text('a'), { idempotencyKey: 'k1' })).status).toBe('sent');
    expect(await queue.enqueue(text('a'), { idempotencyKey: 'k1' })).toMatchObject({
      status: 'skipped',
      reason: 'duplicate',
    });
    expect(calls).toHaveLength(2);
    await queue.close();
  });

  it('skips suppressed recipients before any request, also with an async list', async () => {
    const { queue, calls } = newQueue(undefined, {
      suppression: { isSuppressed: async (id: string) => id === '2', suppress: () => undefined },
    });
    const outcomes = await Promise.all(['1', '2', '3'].map((to) => queue.enqueue(text(to))));
    expect(outcomes.map((o) => o.status)).toEqual(['sent', 'skipped', 'sent']);
    expect(calls.map((c) => c.to).sort()).toEqual(['1', '3']);
    await queue.close();
  });

  it('records outbound and send_failed events in the store (batched, flushed on idle)', async () => {
    const store = memoryStore();
    const { queue } = newQueue((to) => (to === 'bad' ? graph(131026) : undefined), { store });
    await Promise.all([
      queue.enqueue(
        { to: 'ok', type: 'template', template: { name: 'promo', language: { code: 'en' } } },
        { campaignId: 'c1', variant: 'A', segment: 's', idempotencyKey: 'k', metadata: { x: 1 } },
      ),
      queue.enqueue(text('bad'), { campaignId: 'c1', idempotencyKey: 'k2' }),
    ]);
    await queue.onIdle();
    const outbound = store.events.find((e) => e.kind === 'outbound');
    expect(outbound).toMatchObject({
      kind: 'outbound',
      recipientId: 'ok',
      campaignId: 'c1',
      variant: 'A',
      segment: 's',
      templateName: 'promo',
      phoneNumberId: 'PN1',
      metadata: { x: 1, idempotencyKey: 'k' },
    });
    expect(outbound?.at).toBeInstanceOf(Date);
    expect(store.events.find((e) => e.kind === 'send_failed')).toMatchObject({
      recipientId: 'bad',
      errorCode: 131026,
      idempotencyKey: 'k2',
    });
    await queue.close();
  });

  it('emits typed outcome, progress and idle events', async () => {
    const { queue } = newQueue((to) => (to === 'bad' ? graph(100) : undefined));
    const seen: string[] = [];
    queue.on('sent', (e) => seen.push(`sent:${e.outcome.recipientId}`));
    queue.on('failed', (e) => seen.push(`failed:${e.outcome.recipientId}`));
    let progress = 0;
    queue.on('progress', () => progress++);
    const idle = new Promise<void>((resolve) => queue.once('idle', resolve));
    await Promise.all([queue.enqueue(text('ok')), queue.enqueue(text('bad'))]);
    await idle;
    expect(seen.sort()).toEqual(['failed:bad', 'sent:ok']);
    expect(progress).toBe(2);
    expect(queue.stats()).toMatchObject({ sent: 1, failed: 1, pending: 0, inFlight: 0 });
    await queue.close();
  });

  it('settles every promise on close: pending messages end skipped (closed)', async () => {
    const { queue, calls } = newQueue(undefined, { messagesPerSecond: 1, concurrency: 1 });
    const promises = ['1', '2', '3', '4'].map((to) => queue.enqueue(text(to)));
    await queue.close();
    const outcomes = await Promise.all(promises);
    expect(outcomes.filter((o) => o.status === 'sent')).toHaveLength(calls.length);
    expect(outcomes.filter((o) => o.status === 'skipped' && o.reason === 'closed')).toHaveLength(
      4 - calls.length,
    );
    expect(await queue.enqueue(text('5'))).toMatchObject({ status: 'skipped', reason: 'closed' });
  });

  it('pause stops new requests until resume', async () => {
    const { queue, calls } = newQueue(undefined);
    queue.pause();
    const p = queue.enqueue(text('a'));
    await new Promise((r) => setTimeout(r, 20));
    expect(calls).toHaveLength(0);
    queue.resume();
    expect((await p).status).toBe('sent');
    await queue.close();
  });

  it('rejects unknown options and messages without a recipient', async () => {
    const { client } = scriptedClient();
    expect(() => new SendQueue({ client, messagesPerSecond: 80, bogus: 1 } as never)).toThrow(/bogus/);
    expect(() => new SendQueue({ client, messagesPerSecond: 5000 })).toThrow(/messagesPerSecond/);
    const queue = new SendQueue({ client });
    await expect(queue.enqueue({ type: 'text' })).rejects.toBeInstanceOf(ValidationError);
    await queue.close();
  });
});
