import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { MESSAGES_PATH, mockClient, sendResponse } from './helpers.js';

interface SpecExample {
  name: string;
  endpoint: string;
  kind: 'message' | 'mark_read';
  body: Record<string, unknown>;
}

// Meta's own request examples from the OpenAPI spec (extracted by the messages module).
const examples = JSON.parse(
  readFileSync(new URL('../fixtures/messages/spec-examples.json', import.meta.url), 'utf8'),
) as SpecExample[];
const sends = examples.filter((e) => e.endpoint === 'messages' && e.kind === 'message');

describe("Meta's send examples replayed through messages.send", () => {
  it('covers the spec examples', () => {
    expect(sends.length).toBeGreaterThan(40);
  });

  for (const example of sends) {
    it(example.name, async () => {
      const { pool, client, agent } = mockClient();
      let wire = '';
      pool.intercept({ path: MESSAGES_PATH, method: 'POST' }).reply((opts) => {
        wire = String(opts.body);
        return { statusCode: 200, data: sendResponse() };
      });
      const { messaging_product, ...message } = example.body;
      expect(messaging_product).toBe('whatsapp');
      await client.messages.send(message);
      const sent = JSON.parse(wire);
      expect(sent).toEqual(example.body);
      // Same keys in the same order, with messaging_product first (the only key the client adds).
      expect(wire).toBe(JSON.stringify({ messaging_product: 'whatsapp', ...message }));

      // Given with messaging_product, the body goes out byte for byte as Meta wrote it.
      pool.intercept({ path: MESSAGES_PATH, method: 'POST' }).reply((opts) => {
        wire = String(opts.body);
        return { statusCode: 200, data: sendResponse() };
      });
      await client.messages.send(example.body);
      expect(wire).toBe(JSON.stringify(example.body));
      await agent.close();
    });
  }

  it('markRead produces the spec read-receipt example', async () => {
    const example = examples.find((e) => e.kind === 'mark_read');
    expect(example).toBeDefined();
    const { pool, client, agent } = mockClient();
    let wire = '';
    pool.intercept({ path: MESSAGES_PATH, method: 'POST' }).reply((opts) => {
      wire = String(opts.body);
      return { statusCode: 200, data: { success: true } };
    });
    const body = example!.body as { message_id: string; typing_indicator?: unknown };
    await client.messages.markRead(body.message_id, { typing: body.typing_indicator !== undefined });
    expect(JSON.parse(wire)).toEqual(example!.body);
    await agent.close();
  });
});
