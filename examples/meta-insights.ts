/**
 * Meta's own analytics beside yours: template analytics per day, pricing analytics with volume
 * tiers, messaging analytics and the message history, through `wa.insights`.
 * Run: `npx tsx examples/meta-insights.ts` (simulator) or with WHATSAPP_* env on a real account
 * where template analytics are already enabled (this script never enables them: it cannot be undone).
 */
import { tierProgress } from '../src/client/index.js';
import { ReadBudgetExhaustedError } from '../src/errors/index.js';
import { msg } from '../src/messages/index.js';
import { connect } from './lib/connect.js';

// On the simulator we start with analytics enabled, as on an account where someone turned them on.
const { client: wa, simulator, recipient, close } = await connect({ insights: { enabled: true } });

try {
  if (!(await wa.insights.templateAnalyticsEnabled())) {
    console.log('Template analytics are not enabled on this account; see docs/insights.md (irreversible).');
  } else {
    if (simulator) {
      // Something to measure: 60 order updates to 60 people.
      for (let i = 0; i < 60; i++) {
        const to = `+1650555${String(1000 + i)}`;
        await wa.messages.send(
          msg.template(to, 'order_update', 'en_US', [
            msg.templateComponents.body(msg.templateParams.text(`#${1000 + i}`)),
          ]),
        );
      }
      await simulator.flush();
    } else {
      console.log(`(real account: reporting on what was already sent; recipient ${recipient} unused)`);
    }

    const ids: Record<string, string> = {};
    for await (const t of wa.templates.list({ name: 'order_update', fields: ['name'] })) ids[t.id] = t.name;

    const end = new Date(Date.now() + 86_400_000);
    const start = new Date(end.getTime() - 7 * 86_400_000);
    for await (const point of wa.insights.templateAnalytics({ templateIds: Object.keys(ids), start, end })) {
      const day = new Date(point.start * 1000).toISOString().slice(0, 10);
      const spent = point.cost?.find((c) => c.type === 'amount_spent')?.value ?? 0;
      console.log(
        `template ${ids[point.template_id]} ${day}: sent ${point.sent}, delivered ${point.delivered}, read ${point.read}, spent ${spent.toFixed(3)}`,
      );
    }

    const today = new Date();
    const monthStart = new Date(Date.UTC(today.getUTCFullYear(), today.getUTCMonth(), 1));
    const pricing = [];
    for await (const point of wa.insights.pricingAnalytics({
      start: monthStart,
      end,
      granularity: 'MONTHLY',
      dimensions: ['COUNTRY', 'PRICING_CATEGORY', 'TIER'],
    })) {
      pricing.push(point);
    }
    for (const row of tierProgress(pricing)) {
      console.log(
        `tier ${row.country} ${row.pricingCategory}: ${row.volume} messages this month, ` +
          `${row.messagesToNextTier ?? 'no'} more to the next tier`,
      );
    }

    for await (const point of wa.insights.messagingAnalytics({ start, end, granularity: 'DAY' })) {
      console.log(
        `messaging ${new Date(point.start * 1000).toISOString().slice(0, 10)}: sent ${point.sent}, delivered ${point.delivered}`,
      );
    }

    for await (const entry of wa.insights.messageHistory({ limit: 1 })) {
      const statuses = (entry.events?.data ?? []).map((e) => e.delivery_status).join(' → ');
      console.log(`history ${entry.message_id}: ${statuses}`);
      break;
    }
  }
} catch (error) {
  if (error instanceof ReadBudgetExhaustedError) {
    console.log(`WABA read budget spent: retry in ${Math.ceil(error.retryAfterMs / 60_000)} min.`);
  } else throw error;
} finally {
  await wa.close();
  await close();
}
