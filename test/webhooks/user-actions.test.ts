import { describe, expect, it } from 'vitest';
import { MemoryEventStore } from '../../src/events/stores/memory.js';
import type { UserActionWebhookEvent } from '../../src/webhooks/index.js';
import { parseWebhook, toStoredEvents, WebhookProcessor } from '../../src/webhooks/index.js';
import { fixture, fixtureText, messagesEnvelope } from './helpers.js';

describe('Marketing Messages API user_actions', () => {
  it("parses Meta's documented link click into a typed user_action event", () => {
    const payload = fixture('mm-api/link-click.json');
    const events = parseWebhook(payload);
    expect(events).toEqual([
      {
        type: 'user_action',
        action: 'marketing_messages_link_click',
        timestamp: new Date(1753000000 * 1000),
        clickComponent: 'cta',
        clickId: 'click_id',
        trackingToken: 'example_token',
        productId: 'sku_id',
        phoneNumberId: '106540352242922',
        businessAccountId: '102290129340398',
        raw: (payload as { entry: Array<{ changes: Array<{ value: { user_actions: unknown[] } }> }> })
          .entry[0]!.changes[0]!.value.user_actions[0],
      },
    ]);
    expect(parseWebhook(fixtureText('mm-api/link-click.json'))).toEqual(events);
  });

  it('stores a link click as a click with source meta and no message, and a landing page view as nothing', () => {
    expect(parseWebhook(fixture('mm-api/link-click.json')).flatMap(toStoredEvents)).toEqual([
      {
        kind: 'click',
        at: new Date(1753000000 * 1000),
        source: 'meta',
        clickId: 'click_id',
        trackingToken: 'example_token',
        component: 'cta',
        productId: 'sku_id',
      },
    ]);
    const view = parseWebhook(fixture('mm-api/landing-page-view.json'));
    expect(view).toMatchObject([{ type: 'user_action', action: 'landing_page_view', clickId: 'click_id' }]);
    expect((view[0] as UserActionWebhookEvent).clickComponent).toBeUndefined();
    expect(view.flatMap(toStoredEvents)).toEqual([]);
  });

  it('keeps an action type Meta adds later, and numeric product ids as strings', () => {
    const [event] = parseWebhook(
      messagesEnvelope({
        user_actions: [
          {
            action_type: 'something_new',
            timestamp: 1753000000,
            marketing_messages_link_click_data: { product_id: 12345 },
          },
        ],
      }),
    );
    expect(event).toMatchObject({ type: 'user_action', action: 'something_new', productId: '12345' });
    expect(toStoredEvents(event!)).toEqual([]);
  });

  it('a malformed element becomes unknown and its neighbours are still parsed', () => {
    const good = {
      action_type: 'marketing_messages_link_click',
      timestamp: '1753000001',
      marketing_messages_link_click_data: { click_component: 'body', click_id: 'c2' },
    };
    const events = parseWebhook(
      messagesEnvelope({
        user_actions: [
          { action_type: 'marketing_messages_link_click' },
          { action_type: 'marketing_messages_link_click', timestamp: 'yesterday' },
          {
            action_type: 'marketing_messages_link_click',
            timestamp: '1',
            marketing_messages_link_click_data: 'x',
          },
          null,
          good,
        ],
      }),
    );
    expect(events.map((e) => e.type)).toEqual(['unknown', 'unknown', 'unknown', 'unknown', 'user_action']);
    expect(events[0]).toMatchObject({ field: 'messages', reason: expect.stringContaining('timestamp') });
    expect(events[4]).toMatchObject({ clickComponent: 'body', clickId: 'c2' });
    const [notArray] = parseWebhook(messagesEnvelope({ user_actions: { action_type: 'x' } }));
    expect(notArray).toMatchObject({ type: 'unknown', reason: 'value.user_actions is not an array' });
  });

  it('the processor emits user_action and stores the click once, however often Meta resends it', async () => {
    const store = new MemoryEventStore();
    const processor = new WebhookProcessor({ store });
    const seen: string[] = [];
    processor.on('user_action', (e) => {
      seen.push(e.action);
    });
    await processor.process(parseWebhook(fixture('mm-api/link-click.json')));
    await processor.process(parseWebhook(fixture('mm-api/link-click.json')));
    expect(seen).toContain('marketing_messages_link_click');
    const clicks = [];
    for await (const e of store.scan({ kinds: ['click'] })) clicks.push(e);
    expect(clicks).toMatchObject([{ kind: 'click', source: 'meta', clickId: 'click_id' }]);
  });
});
