import { describe, expect, it } from 'vitest';
import { MemoryEventStore } from '../../src/events/stores/memory.js';
import { collectCampaignFacts } from '../../src/metrics/compute-campaign-metrics.js';
import { FactsSummary, summarizeMessageFacts } from '../../src/metrics/metrics-from-facts.js';
import type { MetricsQuery } from '../../src/metrics/metrics-types.js';
import { mulberry32 } from './generate-campaign.js';
import { randomCase } from './random-event-set.js';

const SEED = Number(process.env.WACLOUD_PROPERTY_SEED ?? 20261205);

/*
 * The running summary behind live metrics: after adding facts and taking some back in any order, it
 * equals a fresh summary of what is left (groups that emptied, failure codes and billing categories
 * that dropped to zero leave no trace).
 */
describe('FactsSummary', () => {
  it('equals a fresh summary after facts are added and taken back', async () => {
    const random = mulberry32(SEED);
    let checked = 0;
    for (let index = 0; index < 300; index++) {
      const c = randomCase(index, random);
      const { blockInference: _b, now: _n, ...query } = c.query as MetricsQuery;
      const store = new MemoryEventStore();
      await store.append(c.events);
      const facts = await collectCampaignFacts(store, query);
      const options = {
        timeZone: query.timeZone ?? 'UTC',
        ...(query.groupBy ? { groupBy: query.groupBy } : {}),
        ...(query.rateCard ? { rateCard: query.rateCard } : {}),
      };
      const summary = new FactsSummary(options);
      for (const m of facts.messages) summary.addMessage(m);
      for (const r of facts.rejections) summary.addRejection(r);
      const keptMessages = facts.messages.filter(() => random() < 0.5);
      const keptRejections = facts.rejections.filter(() => random() < 0.5);
      for (const m of facts.messages) if (!keptMessages.includes(m)) summary.addMessage(m, -1);
      for (const r of facts.rejections) if (!keptRejections.includes(r)) summary.addRejection(r, -1);
      const expected = summarizeMessageFacts({ messages: keptMessages, rejections: keptRejections }, options);
      expect(summary.metrics(), `case ${index} (seed ${SEED})`).toEqual(expected);
      checked += facts.messages.length + facts.rejections.length;
    }
    expect(checked).toBeGreaterThan(500);
  });

  it('is empty again once everything is taken back', () => {
    const summary = new FactsSummary({ groupBy: 'variant', rateCard: { marketing: 0.05 } });
    const empty = summary.metrics();
    const message = {
      messageId: 'w1',
      recipientId: '15550001',
      sentAt: new Date(0),
      variant: 'A',
      segment: undefined,
      templateName: undefined,
      recipientTimeZone: undefined,
      delivered: false,
      read: false,
      failed: true,
      pending: false,
      errorCode: 131026,
      alreadyOptedOut: false,
      limitedByMeta: false,
      billable: false,
      pricingCategory: undefined,
      clicked: false,
      clicks: 0,
      replied: false,
      optedOut: false,
      optedOutAt: undefined,
      blocked: false,
      converted: false,
      revenue: 0,
    };
    summary.addMessage(message);
    summary.addRejection({ recipientId: '15550002', at: new Date(0), variant: 'B', errorCode: 131049 });
    expect(summary.metrics().groups?.map((g) => g.key)).toEqual(['A', 'B']);
    expect(summary.metrics().failuresByCode).toHaveLength(1);
    summary.addMessage(message, -1);
    summary.addRejection({ recipientId: '15550002', at: new Date(0), variant: 'B', errorCode: 131049 }, -1);
    expect(summary.metrics()).toEqual(empty);
  });
});
