import { describe, expect, it } from 'vitest';
import { ListenStats } from '../../src/cli/listen-stats.js';
import type { WebhookEvent } from '../../src/webhooks/webhook-events.js';

const status = (s: string) => ({ type: 'status', status: s }) as unknown as WebhookEvent;
const message = { type: 'message' } as unknown as WebhookEvent;

describe('ListenStats', () => {
  it('prints the rate and the events by kind, most frequent first', () => {
    const stats = new ListenStats(0);
    for (let i = 0; i < 3; i++) stats.countEvent(status('delivered'));
    stats.countEvent(status('read'));
    stats.countEvent(message);
    stats.countEvent(message);
    stats.countAnswer(200);
    stats.countAnswer(401);
    stats.countAnswer(500);
    stats.countAnswer(404);
    expect(stats.changed()).toBe(true);
    expect(stats.line(1000)).toBe(
      '6 events/s · 6 events (status.delivered 3, message 2, status.read 1) · 1 accepted · ' +
        '1 rejected signatures · 1 store failures · 1 other refused',
    );
    expect(stats.changed()).toBe(false);
    stats.countEvent(status('read'));
    expect(stats.line(2000)).toMatch(
      /^1 events\/s · 7 events \(status\.delivered 3, status\.read 2, message 2\)/,
    );
  });
});
