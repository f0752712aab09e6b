import { describe, expect, it } from 'vitest';
import { importBuiltPackage } from '../helpers/built-package.js';
import { utcDay, yesterdayNoonUtc } from '../helpers/utc-day.js';

type Root = typeof import('../../src/index.js');
type SimulatorEntry = typeof import('../../src/simulator/index.js');

const TOKEN = 'EAAGbuiltPackageSECRET0123456789';

async function collect<T>(iterable: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of iterable) out.push(item);
  return out;
}

describe('wa.insights from the built package, against the built simulator on loopback', () => {
  it('reads analytics, refuses hostile queries, and spends the read budget with a typed, secret-free error', async () => {
    const wacloud = await importBuiltPackage<Root>('index.js');
    const { startSimulator } = await importBuiltPackage<SimulatorEntry>('simulator.js');
    const start = yesterdayNoonUtc();
    const sim = await startSimulator({
      accessToken: TOKEN,
      insights: { enabled: true, readsPerHour: 3 },
      // Starts at yesterday's noon: the fast clock cannot carry the sends past midnight.
      clock: wacloud.acceleratedClock({ speed: 1000, startAt: start }),
      behaviour: { deliveredRate: 1, readRate: 1, failedRate: 0, duplicateRate: 0 },
    });
    const wa = new wacloud.WhatsAppClient({
      accessToken: TOKEN,
      phoneNumberId: sim.phoneNumberId,
      businessAccountId: sim.businessAccountId,
      baseUrl: sim.url,
      env: {},
    });
    try {
      for (let i = 0; i < 5; i++) {
        await wa.messages.send({
          to: `+1650555${1000 + i}`,
          type: 'template',
          template: {
            name: 'order_update',
            language: { code: 'en_US' },
            components: [{ type: 'body', parameters: [{ type: 'text', text: `#${i}` }] }],
          },
        });
      }
      await sim.flush();
      const day = utcDay(start);
      const nextDay = utcDay(start + 86_400_000);
      const points = await collect(
        wa.insights.templateAnalytics({ templateIds: ['1689556908129832'], start: day, end: nextDay }),
      );
      expect(points.map((p) => [p.sent, p.delivered, p.read])).toEqual([[5, 5, 5]]);

      for (const hostile of [
        { templateIds: ['1689556908129832]&template_ids=[1'], start: day, end: nextDay },
        { templateIds: ['1'], start: day, end: nextDay, metricTypes: ['SENT,COST&access_token=x'] },
        { templateIds: ['1'], start: `${day}T00:00`, end: nextDay },
      ]) {
        expect(() => wa.insights.templateAnalytics(hostile)).toThrow(wacloud.ValidationError);
      }
      expect(() =>
        wa.insights.pricingAnalytics({
          start: day,
          end: nextDay,
          granularity: 'DAILY',
          countryCodes: ['US"]).analytics.start(0'],
        }),
      ).toThrow(wacloud.ValidationError);

      // Reads 2 and 3 of the simulator's 3 per hour, then its 80007.
      await collect(wa.insights.messagingAnalytics({ start: day, end: nextDay, granularity: 'DAY' }));
      await collect(wa.insights.messagingAnalytics({ start: day, end: nextDay, granularity: 'DAY' }));
      const error = await collect(
        wa.insights.messagingAnalytics({ start: day, end: nextDay, granularity: 'DAY' }),
      ).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(wacloud.ReadBudgetExhaustedError);
      expect(((error as Error).cause as InstanceType<Root['RateLimitError']>).code).toBe(80007);
      const serialized = `${(error as Error).message} ${JSON.stringify(error)} ${(error as Error).stack}`;
      expect(serialized).not.toContain(TOKEN);
    } finally {
      await wa.close();
      await sim.close();
    }
  });
});
