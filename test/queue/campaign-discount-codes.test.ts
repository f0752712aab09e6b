import { describe, expect, it } from 'vitest';
import type { ConfigError } from '../../src/errors/index.js';
import type { StoredEvent } from '../../src/events/stored-event.js';
import { MemoryEventStore } from '../../src/events/stores/memory.js';
import {
  template,
  templateComponents,
  templateParams,
} from '../../src/messages/builders/template-builders.js';
import { computeCampaignMetrics } from '../../src/metrics/compute-campaign-metrics.js';
import { READABLE_CODE_ALPHABET, randomCode, SendQueue } from '../../src/queue/index.js';
import { scriptedClient } from './helpers/scripted-client.js';

const RECIPIENTS = ['+90532550001', '+90532550002', '+90532550003', '+90532550004'];

async function runCampaign(issueCodes: Parameters<SendQueue['sendCampaign']>[0]['issueCodes']) {
  const { client } = scriptedClient();
  const built: string[] = [];
  const store = new MemoryEventStore();
  const queue = new SendQueue({ client, store, messagesPerSecond: 1000, perRecipientIntervalMs: 0 });
  const handle = queue.sendCampaign({
    campaignId: 'spring',
    recipients: RECIPIENTS,
    variants: ['A', 'B'],
    issueCodes,
    // The code goes into the template's body parameter.
    build: (to, ctx) => {
      const message = template(to, 'spring_sale', 'en', [
        templateComponents.body(templateParams.text(ctx.code ?? 'none')),
      ]);
      built.push(JSON.stringify(message));
      return message;
    },
    metadata: () => ({ list: 'newsletter' }),
  });
  await handle.done;
  await queue.close();
  const outbound: Extract<StoredEvent, { kind: 'outbound' }>[] = [];
  for await (const e of store.scan({ kinds: ['outbound'] })) if (e.kind === 'outbound') outbound.push(e);
  return { built, store, outbound };
}

describe('issueCodes', () => {
  it('gives each recipient a unique readable code, in the template and recorded with the send', async () => {
    const { built, outbound } = await runCampaign(true);
    const codes = outbound.map((e) => e.metadata?.discountCode as string);
    expect(new Set(codes).size).toBe(RECIPIENTS.length);
    for (const code of codes) expect(code).toMatch(new RegExp(`^[${READABLE_CODE_ALPHABET}]{8}$`));
    // Your own metadata is kept beside the code.
    expect(outbound.every((e) => e.metadata?.list === 'newsletter')).toBe(true);
    for (const code of codes) expect(built.filter((m) => m.includes(`"text":"${code}"`))).toHaveLength(1);
  });

  it('a conversion naming an issued code is attributed to that message', async () => {
    const { store, outbound } = await runCampaign({ prefix: 'SPR-', length: 6 });
    const first = outbound[0]!;
    const code = first.metadata?.discountCode as string;
    expect(code).toMatch(/^SPR-[2-9A-Z]{6}$/);
    await store.append([
      { kind: 'status', messageId: first.messageId, status: 'delivered', at: new Date() },
      { kind: 'conversion', at: new Date(Date.now() + 1000), value: 25, code },
    ]);
    const m = await computeCampaignMetrics(store, { campaignId: 'spring', groupBy: 'variant' });
    expect(m).toMatchObject({ converted: 1, revenue: 25, campaignOnlyConversions: 0 });
    expect(m.groups?.find((g) => g.key === first.variant)?.metrics.converted).toBe(1);
  });

  it('a shared code per variant: the variant gets it, and a conversion with it counts for that variant', async () => {
    const { store, outbound } = await runCampaign({ shared: { A: 'SPRING10', B: 'SPRING15' } });
    for (const e of outbound)
      expect(e.metadata?.discountCode).toBe(e.variant === 'A' ? 'SPRING10' : 'SPRING15');
    const variantOf15 = outbound.filter((e) => e.variant === 'B');
    await store.append([
      ...outbound.map(
        (e): StoredEvent => ({
          kind: 'status',
          messageId: e.messageId,
          status: 'delivered',
          at: new Date(),
        }),
      ),
      { kind: 'conversion', at: new Date(Date.now() + 1000), value: 9, code: 'SPRING15' },
    ]);
    const m = await computeCampaignMetrics(store, { campaignId: 'spring', groupBy: 'variant' });
    expect(m.revenue).toBe(9);
    // One message of the variant carries it: then it is that message's; several: the variant's.
    if (variantOf15.length === 1) expect(m).toMatchObject({ converted: 1, campaignOnlyConversions: 0 });
    else {
      expect(m).toMatchObject({ converted: 0, campaignOnlyConversions: 1 });
      expect(m.groups?.find((g) => g.key === 'B')?.metrics.campaignOnlyRevenue).toBe(9);
    }
  });

  it('your generator supplies the codes', async () => {
    const { outbound } = await runCampaign({
      generate: (to, ctx) => `X-${ctx.index}-${String(to).slice(-2)}`,
    });
    expect(outbound.map((e) => e.metadata?.discountCode).sort()).toEqual([
      'X-0-01',
      'X-1-02',
      'X-2-03',
      'X-3-04',
    ]);
  });

  it('rejects bad options with a ConfigError naming the option', async () => {
    const { client } = scriptedClient();
    const queue = new SendQueue({ client });
    expect(() =>
      queue.sendCampaign({
        campaignId: 'c',
        recipients: [],
        build: (to) => template(to, 't', 'en'),
        issueCodes: { length: 2 },
      }),
    ).toThrow(expect.objectContaining({ name: 'ConfigError', option: 'length' }) as ConfigError);
    await queue.close();
  });

  it('randomCode draws every symbol of the alphabet', () => {
    const seen = new Set(randomCode(3000));
    expect(seen.size).toBe(READABLE_CODE_ALPHABET.length);
  });
});
