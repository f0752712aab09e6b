import { describe, expect, it } from 'vitest';
import { SecondsLedger, throughputWhileSendable } from '../helpers/seconds-ledger.js';

describe('the bench figure "throughput while sendable"', () => {
  it('samples the sendable work once per second, adding back the requests made before the sample', () => {
    let now = 5_000;
    let sendable = 1500;
    const ledger = new SecondsLedger(
      () => now,
      () => sendable,
    );
    ledger.tick();
    for (let i = 0; i < 3; i++) ledger.request();
    now = 6_040; // the run notices second 6 at a request 40 ms into it; 990 were sendable then
    sendable = 990;
    ledger.request();
    ledger.request();
    now = 6_500;
    sendable = 0;
    ledger.tick();
    expect(ledger.records()).toEqual([
      { second: 5, requests: 3, sendableAtStart: 1500, sampleLateMs: 0 },
      { second: 6, requests: 2, sendableAtStart: 991, sampleLateMs: 40 },
    ]);
  });

  it('gives a second the clock jumps into part-way nothing sendable at its start', () => {
    let now = 1_000;
    const ledger = new SecondsLedger(
      () => now,
      () => 5000,
    );
    ledger.jumping(9_400);
    now = 9_400;
    ledger.request();
    ledger.jumping(20_000); // a jump to a second's first millisecond: sampled after it
    now = 20_000;
    ledger.tick();
    expect(ledger.records().map((r) => [r.second, r.sendableAtStart])).toEqual([
      [1, 5000],
      [9, 0],
      [20, 5000],
    ]);
  });

  it('counts only the seconds that began with a full second of sendable work', () => {
    const figure = throughputWhileSendable(
      [
        { second: 1, requests: 940, sendableAtStart: 10_000, sampleLateMs: 0 },
        { second: 2, requests: 1000, sendableAtStart: 9_000, sampleLateMs: 3 },
        { second: 3, requests: 990, sendableAtStart: 1_000, sampleLateMs: 0 },
        { second: 4, requests: 400, sendableAtStart: 999, sampleLateMs: 0 },
        { second: 5, requests: 30, sendableAtStart: undefined, sampleLateMs: undefined },
      ],
      1000,
    );
    expect(figure).toEqual({
      seconds: 3,
      meanShare: 0.9766666666666667,
      median: 990,
      min: 940,
      maxSampleLateMs: 3,
      perSecond: [940, 1000, 990],
    });
  });
});
