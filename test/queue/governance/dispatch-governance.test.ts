import { describe, expect, it } from 'vitest';
import { createGraphApiError } from '../../../src/errors/graph-api-error.js';
import type { SendJob } from '../../../src/queue/adapter.js';
import { DispatchGovernance } from '../../../src/queue/governance/dispatch-governance.js';
import { MemoryFrequencyCapLedger } from '../../../src/queue/governance/frequency-cap.js';
import { resolveGovernance } from '../../../src/queue/governance/governance-options.js';
import type { SendOutcome } from '../../../src/queue/outcome.js';

const HOUR = 3_600_000;
const NOW = Date.UTC(2026, 5, 1, 3, 0); // 06:00 in Istanbul

function job(overrides: Partial<SendJob> = {}): SendJob {
  return {
    id: 'j1',
    message: { to: '+905321000001', type: 'template', template: { name: 'promo' } },
    recipientId: '905321000001',
    options: {},
    attempts: 0,
    pairRateHits: 0,
    ...overrides,
  };
}

const refused = (attempts: number): SendOutcome => ({
  status: 'failed',
  attempts,
  recipientId: '905321000001',
  error: createGraphApiError({ status: 400, body: { error: { code: 131049, message: 'limit' } } }),
});

describe('DispatchGovernance', () => {
  it('reads notBefore as a Date or as its JSON string (a job back from Redis), then the window', () => {
    const governance = new DispatchGovernance(
      resolveGovernance({ sendWindow: { start: '09:00', end: '20:00' } }, undefined),
    );
    const later = new Date(NOW + HOUR);
    expect(governance.dueAt(job({ options: { notBefore: later } }), NOW)).toBe(Date.UTC(2026, 5, 1, 6, 0));
    const fromJson = JSON.parse(JSON.stringify(job({ options: { notBefore: later }, message: { to: 'x' } })));
    expect(governance.dueAt(fromJson, NOW)).toBe(later.getTime()); // a service message ignores the window
  });

  it('uses the adapter’s shared ledger when none is given, and takes one slot per recipient', async () => {
    const shared = new MemoryFrequencyCapLedger();
    const settings = resolveGovernance({ frequencyCap: { max: 1, perMs: HOUR } }, undefined, {
      sharedFrequencyCapLedger: () => shared,
    } as never);
    expect(settings.frequencyCapLedger).toBe(shared);
    const governance = new DispatchGovernance(settings);
    const first = await governance.reserve(job(), NOW, () => undefined);
    expect(first).toEqual({ kind: 'go', reservation: { recipientId: '905321000001', at: NOW } });
    expect(await governance.reserve(job(), NOW + 1, () => undefined)).toEqual({ kind: 'capped' });
    governance.settle(job(), refused(1), first.kind === 'go' ? first.reservation : undefined, NOW, () => {});
    await Promise.resolve();
    expect(shared.size).toBe(0); // a refused send gave its slot back
  });

  it('turns a 131049 into a deferral carrying the requests made, until the last one', () => {
    const governance = new DispatchGovernance(
      resolveGovernance({ maxDeferrals: 1, deferralDelayMs: HOUR }, undefined),
    );
    const deferral = governance.settle(job({ attempts: 2 }), refused(2), undefined, NOW, () => undefined);
    expect(deferral).toMatchObject({ deferral: 1, until: NOW + HOUR });
    expect(deferral?.job).toMatchObject({ attempts: 0, deferrals: 1, priorAttempts: 2 });
    expect(governance.settle(deferral!.job, refused(1), undefined, NOW, () => undefined)).toBeUndefined();
  });
});
