import { describe, expect, it } from 'vitest';
import { ValidationError, WhatsAppError } from '../../src/errors/index.js';
import type { StoredEvent } from '../../src/events/index.js';
import { type OutgoingMessageLike, type SendOutcome, SendQueue } from '../../src/queue/index.js';
import { scriptedClient } from './helpers/scripted-client.js';

const text = (to: string): OutgoingMessageLike & { text: { body: string } } => ({
  to,
  type: 'text',
  text: { body: 'x' },
});

/** A client whose sends wait until `release()` is called. */
function heldClient() {
  const { client, calls } = scriptedClient();
  const send = client.messages.send.bind(client.messages);
  const waiting: Array<() => void> = [];
  client.messages.send = async (message, options) => {
    await new Promise<void>((resolve) => waiting.push(resolve));
    return send(message, options);
  };
  return {
    client,
    calls,
    waiting,
    release: () => {
      for (const resolve of waiting.splice(0)) resolve();
    },
  };
}

describe('campaign bookkeeping', () => {
  it('stores a recipient whose build throws as a send_failed event and counts it', async () => {
    const events: StoredEvent[] = [];
    const { client, calls } = scriptedClient();
    const queue = new SendQueue({
      client,
      perRecipientIntervalMs: 0,
      store: { append: async (batch) => void events.push(...batch) },
    });
    const outcomes: SendOutcome[] = [];
    const handle = queue.sendCampaign({
      campaignId: 'c-build',
      recipients: [{ phone: '+90 (532) 555-0100' }, { phone: '+905325550101' }],
      build: (r) => {
        if (r.phone.startsWith('+90 (')) throw new Error('no template for this one');
        return text(r.phone);
      },
      variants: ['A', 'B'],
    });
    handle.on('outcome', (o) => outcomes.push(o));
    const result = await handle.done;
    await queue.close();
    expect(result).toMatchObject({ sent: 1, failed: 1, read: 2, remaining: 0 });
    expect(calls).toHaveLength(1);
    const failed = outcomes.find((o) => o.status === 'failed');
    expect(failed).toMatchObject({ recipientId: '905325550100', attempts: 0 });
    expect(failed?.error).toBeInstanceOf(WhatsAppError);
    expect(failed?.error?.message).toContain('no template for this one');
    const stored = events.filter((e) => e.kind === 'send_failed');
    expect(stored).toEqual([
      expect.objectContaining({ kind: 'send_failed', recipientId: '905325550100', campaignId: 'c-build' }),
    ]);
    expect(stored[0]).toHaveProperty('variant');
  });

  it('names the position of a recipient it cannot identify instead of recording an empty id', async () => {
    const { client } = scriptedClient();
    const queue = new SendQueue({ client, perRecipientIntervalMs: 0 });
    const outcomes: SendOutcome[] = [];
    const handle = queue.sendCampaign({
      campaignId: 'c-anon',
      recipients: [
        { name: 'a', number: '+90555' },
        { name: 'b', number: '+90556' },
      ] as Array<{
        name: string;
        number: string;
      }>,
      build: (r) => {
        if (r.name === 'b') throw new Error('bad row');
        return text(r.number);
      },
    });
    handle.on('outcome', (o) => outcomes.push(o));
    const result = await handle.done;
    await queue.close();
    expect(result).toMatchObject({ sent: 1, failed: 1 });
    const failed = outcomes.find((o) => o.status === 'failed')!;
    expect(failed.recipientId).not.toBe('');
    expect(failed.error).toBeInstanceOf(ValidationError);
    expect(failed.error).toMatchObject({ field: 'recipients[1]' });
    expect(failed.error?.message).toMatch(/recipients\[1\].*bad row/);
  });

  it('does not reject done while sends are in flight when the source throws', async () => {
    const { client, release, waiting } = heldClient();
    const queue = new SendQueue({ client, perRecipientIntervalMs: 0 });
    async function* recipients() {
      yield '+90555';
      yield '+90556';
      yield '+90557';
      throw new Error('cursor lost');
    }
    const handle = queue.sendCampaign({ campaignId: 'c-src', recipients: recipients(), build: text });
    let outcomes = 0;
    handle.on('outcome', () => outcomes++);
    let settled = false;
    const done = handle.done.finally(() => {
      settled = true;
    });
    done.catch(() => undefined);
    while (waiting.length < 3) await new Promise((resolve) => setTimeout(resolve, 1));
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(settled).toBe(false);
    release();
    await expect(done).rejects.toThrow('cursor lost');
    expect(outcomes).toBe(3);
    expect(handle.progress()).toMatchObject({ sent: 3, read: 3 });
    await queue.close();
  });

  it('does not reject done on a pre-flight failure before the sends already queued finish', async () => {
    const { client, release, waiting } = heldClient();
    client.templates = {
      async *list() {
        yield { name: 'ok', language: 'en', status: 'APPROVED', components: [{ type: 'BODY', text: 'Hi' }] };
        yield {
          name: 'paused',
          language: 'en',
          status: 'PAUSED',
          components: [{ type: 'BODY', text: 'Hi' }],
        };
      },
    };
    const queue = new SendQueue({ client, perRecipientIntervalMs: 0 });
    const handle = queue.sendCampaign({
      campaignId: 'c-pre',
      recipients: ['+90555', '+90556'],
      build: (to: string) => ({
        to,
        type: 'template',
        template: { name: to === '+90555' ? 'ok' : 'paused', language: { code: 'en' } },
      }),
      preflight: true,
    });
    let settled = false;
    const done = handle.done.finally(() => {
      settled = true;
    });
    done.catch(() => undefined);
    while (waiting.length < 1) await new Promise((resolve) => setTimeout(resolve, 1));
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(settled).toBe(false);
    release();
    await expect(done).rejects.toThrow(/PAUSED/);
    expect(handle.progress()).toMatchObject({ sent: 1 });
    await queue.close();
  });
});

describe('enqueue() arguments', () => {
  it('rejects a null or non-object message with a ValidationError naming it', async () => {
    const { client, calls } = scriptedClient();
    const queue = new SendQueue({ client });
    for (const message of [null, undefined, 'hi', 42, ['+90555']]) {
      const error = await queue.enqueue(message as never).catch((e: unknown) => e);
      expect(error, String(message)).toBeInstanceOf(ValidationError);
      expect(error).toMatchObject({ field: 'message' });
    }
    expect(calls).toHaveLength(0);
    await queue.close();
  });

  it('rejects unknown or misspelt option keys, and non-object options, naming the field', async () => {
    const { client, calls } = scriptedClient();
    const queue = new SendQueue({ client });
    const misspelt = await queue
      .enqueue(text('+90555'), { idempotencykey: 'k1' } as never)
      .catch((e: unknown) => e);
    expect(misspelt).toBeInstanceOf(ValidationError);
    expect(misspelt).toMatchObject({ field: 'options.idempotencykey' });
    await expect(queue.enqueue(text('+90555'), null as never)).rejects.toMatchObject({ field: 'options' });
    expect(calls).toHaveLength(0);
    await expect(
      queue.enqueue(text('+90555'), { idempotencyKey: 'k1', metadata: { a: 1 } }),
    ).resolves.toMatchObject({
      status: 'sent',
    });
    await queue.close();
  });
});
