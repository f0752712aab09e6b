import { describe, expect, it } from 'vitest';
import { DEFAULT_BEHAVIOUR } from '../../src/simulator/index.js';
import { type PlannedEvent, planMessage } from '../../src/simulator/plan.js';
import { Prng } from '../../src/simulator/prng.js';

const quickReplies = [{ text: 'Stop promotions', payload: 'STOP_PROMO' }];

function planMany(count: number, marketing: boolean): PlannedEvent[][] {
  return Array.from({ length: count }, (_, i) =>
    planMessage(Prng.derive(42, `msg|${i}`), {
      behaviour: DEFAULT_BEHAVIOUR,
      marketing,
      optedOut: false,
      quickReplies: marketing ? quickReplies : [],
      clickUrls: [],
    }),
  );
}

const has = (plan: PlannedEvent[], status: string) =>
  plan.some((e) => e.kind === 'status' && e.status === status);

describe('planMessage with the default behaviour', () => {
  const plans = planMany(20_000, true);
  const share = (predicate: (plan: PlannedEvent[]) => boolean, of = plans) =>
    of.filter(predicate).length / of.length;

  it('gives a realistic campaign: ~2% failed, ~95% delivered, ~70% of those read', () => {
    expect(share((p) => has(p, 'failed'))).toBeCloseTo(0.02, 2);
    const notFailed = plans.filter((p) => !has(p, 'failed'));
    // `read` implies delivered, even when Meta posts no `delivered`.
    const reached = (p: PlannedEvent[]) => has(p, 'delivered') || has(p, 'read');
    expect(share(reached, notFailed)).toBeCloseTo(0.95, 2);
    const delivered = plans.filter(reached);
    expect(share((p) => has(p, 'read'), delivered)).toBeCloseTo(0.7, 1);
  });

  it('about 1% of reads come without a delivered status, and then carry the pricing', () => {
    const read = plans.filter((p) => has(p, 'read'));
    expect(share((p) => !has(p, 'delivered'), read)).toBeCloseTo(0.01, 2);
  });

  it('about 8% of readers tap a quick reply, and about 1% of statuses are duplicated', () => {
    const read = plans.filter((p) => has(p, 'read'));
    expect(share((p) => p.some((e) => e.kind === 'button'), read)).toBeCloseTo(0.08, 2);
    const statuses = plans.flat().filter((e) => e.kind === 'status');
    expect(statuses.filter((e) => e.kind === 'status' && e.duplicate).length / statuses.length).toBeCloseTo(
      0.01,
      2,
    );
  });

  it('keeps timestamps in lifecycle order even when posts are out of order', () => {
    for (const plan of plans) {
      const at = (s: string) => plan.find((e) => e.kind === 'status' && e.status === s && !e.duplicate)?.atMs;
      const sent = at('sent');
      const delivered = at('delivered');
      const read = at('read');
      if (sent !== undefined && delivered !== undefined) expect(delivered).toBeGreaterThanOrEqual(sent);
      if (delivered !== undefined && read !== undefined) expect(read).toBeGreaterThanOrEqual(delivered);
    }
    const swapped = plans.filter((p) => {
      const d = p.find((e) => e.kind === 'status' && e.status === 'delivered' && !e.duplicate);
      const r = p.find((e) => e.kind === 'status' && e.status === 'read' && !e.duplicate);
      return d?.kind === 'status' && r?.kind === 'status' && r.postAtMs < d.postAtMs;
    });
    expect(swapped.length).toBeGreaterThan(0);
  });

  it('fails marketing sends to an opted-out user with 131050, and never uses 131049/131050 for utility', () => {
    const optedOut = planMessage(new Prng(1), {
      behaviour: DEFAULT_BEHAVIOUR,
      marketing: true,
      optedOut: true,
      quickReplies: [],
      clickUrls: [],
    });
    expect(optedOut.length).toBeGreaterThan(0);
    for (const event of optedOut) {
      expect(event).toMatchObject({ kind: 'status', status: 'failed', errorCode: 131050 });
    }
    const utilityCodes = new Set(
      planMany(5_000, false)
        .flat()
        .flatMap((e) => (e.kind === 'status' && e.errorCode ? [e.errorCode] : [])),
    );
    expect([...utilityCodes]).toEqual([131026]);
  });

  it('is a pure function of the random stream', () => {
    const input = {
      behaviour: DEFAULT_BEHAVIOUR,
      marketing: true,
      optedOut: false,
      quickReplies,
      clickUrls: [],
    };
    expect(planMessage(new Prng(9), input)).toEqual(planMessage(new Prng(9), input));
  });
});
