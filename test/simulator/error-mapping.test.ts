import { afterEach, describe, expect, it } from 'vitest';
import { createGraphApiError } from '../../src/errors/graph-api-error.js';
import { AuthError, RateLimitError, RecipientError, TemplateError } from '../../src/errors/index.js';
import { type Simulator, startSimulator } from '../../src/simulator/index.js';
import { graph, QUIET, send } from './helpers.js';

let sim: Simulator;
afterEach(async () => {
  await sim?.close();
});

describe('simulator errors through wacloud’s error factory', () => {
  it('map to the typed errors a client would throw', async () => {
    let now = Date.UTC(2026, 0, 1);
    sim = await startSimulator({
      behaviour: { ...QUIET, messagesPerSecond: 1, pairLimit: false },
      now: () => now,
    });
    const template = {
      to: '16505550100',
      type: 'template',
      template: { name: 'welcome', language: { code: 'en_US' } },
    };
    expect((await send(sim, template)).status).toBe(200);
    const cases = [
      { response: await send(sim, template), Class: RateLimitError, code: 130429 },
      {
        response: await graph(sim, `${sim.phoneNumberId}/messages`, { body: {}, token: 'wrong' }),
        Class: AuthError,
        code: 190,
      },
    ];
    now += 1000;
    cases.push({
      response: await send(sim, { ...template, template: { name: 'nope', language: { code: 'en_US' } } }),
      Class: TemplateError,
      code: 132001,
    });
    now += 1000;
    cases.push({
      response: await send(sim, { to: '16505550100', text: { body: 'hi' } }),
      Class: RecipientError,
      code: 131047,
    });
    for (const { response, Class, code } of cases) {
      const error = createGraphApiError({ status: response.status, body: response.json });
      expect(error).toBeInstanceOf(Class);
      expect(error.code).toBe(code);
      expect(error.fbtraceId).toBe(response.json.error.fbtrace_id);
    }
  });
});
