import { describe, expect, it } from 'vitest';
import { allErrorInfo, errorInfo } from '../../src/errors/index.js';

// Every code listed in ../shared/reference/cloud-api-notes.md §3.2 (ranges expanded).
const DOCUMENTED = [
  0, 1, 2, 3, 4, 10, 33, 100, 190, 200, 368, 80007, 130403, 130429, 130472, 130497, 131000, 131005, 131008,
  131009, 131016, 131021, 131026, 131030, 131031, 131037, 131042, 131044, 131045, 131047, 131048, 131049,
  131050, 131051, 131052, 131053, 131055, 131056, 131057, 131062, 131063, 131064, 132000, 132001, 132005,
  132007, 132008, 132012, 132015, 132016, 132018, 132068, 132069, 133000, 133004, 133005, 133006, 133008,
  133009, 133010, 133015, 133016, 134011, 134100, 134101, 134102, 135000, 137000, 139000, 139001, 139002,
  139003, 139004, 139100, 139101, 139102, 139103, 2494100,
];

describe('errorInfo', () => {
  it('has a row for every documented code', () => {
    const known = new Set(allErrorInfo().map((row) => row.code));
    expect(DOCUMENTED.filter((code) => !known.has(code))).toEqual([]);
  });

  it('gives the queue the retry advice it needs', () => {
    expect(errorInfo(130429)).toMatchObject({ retryable: true, scope: 'number', category: 'rate_limit' });
    expect(errorInfo(80007)).toMatchObject({ retryable: true, scope: 'number' });
    expect(errorInfo(4)).toMatchObject({ retryable: true, scope: 'number' });
    expect(errorInfo(131056)).toMatchObject({ retryable: true, scope: 'recipient' });
    expect(errorInfo(131057)).toMatchObject({ retryable: true, minDelayMs: 60_000 });
    for (const code of [1, 2, 131000, 131016])
      expect(errorInfo(code)).toMatchObject({ retryable: true, scope: 'request' });
    expect(errorInfo(131049)).toMatchObject({ retryable: false, minDelayMs: 24 * 3600_000 });
    for (const code of [131026, 131047, 131050, 132000, 132001, 190, 100])
      expect(errorInfo(code).retryable).toBe(false);
  });

  it('maps ranges and unknown codes to a usable row', () => {
    expect(errorInfo(273)).toMatchObject({ code: 273, category: 'permission' });
    expect(errorInfo(2388019)).toMatchObject({ code: 2388019, category: 'template', retryable: false });
    expect(errorInfo(424242)).toMatchObject({ code: 424242, category: 'unknown', retryable: false });
  });
});
