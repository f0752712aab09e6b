import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import * as client from '../../src/client/index.js';
import * as clock from '../../src/clock/index.js';
import * as dashboard from '../../src/dashboard/index.js';
import * as errors from '../../src/errors/index.js';
import * as events from '../../src/events/index.js';
import * as root from '../../src/index.js';
import * as insights from '../../src/insights/index.js';
import * as messages from '../../src/messages/index.js';
import * as metrics from '../../src/metrics/index.js';
import * as queue from '../../src/queue/index.js';
import * as report from '../../src/report/index.js';
import * as tracking from '../../src/tracking/index.js';
import * as webhooks from '../../src/webhooks/index.js';
import { importBuiltPackage, REPO_ROOT } from '../helpers/built-package.js';

/** The module barrels the root entry lists its names from. */
const MODULES = [
  client,
  clock,
  dashboard,
  errors,
  events,
  insights,
  messages,
  metrics,
  queue,
  report,
  tracking,
  webhooks,
];

function indexFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return indexFiles(path);
    return name === 'index.ts' ? [path] : [];
  });
}

describe('public surface (source)', () => {
  it('every index.ts and entry lists its names: no `export *` or `export type *`', () => {
    const files = [...indexFiles(join(REPO_ROOT, 'src')), join(REPO_ROOT, 'src/adapters.ts')];
    const offenders = files.filter((file) => /^export (type )?\*(?! as )/m.test(readFileSync(file, 'utf8')));
    expect(offenders).toEqual([]);
  });

  it("the root exports every runtime value of the module barrels, and nothing they don't", () => {
    const fromModules = new Set(MODULES.flatMap((barrel) => Object.keys(barrel)));
    expect(Object.keys(root).sort()).toEqual([...fromModules].sort());
  });
});

describe('public surface (built package)', () => {
  it('the root has the builders under `msg`, and no bare builder names', async () => {
    const root = await importBuiltPackage<Record<string, unknown>>();
    const msg = root.msg as Record<string, (...args: unknown[]) => unknown>;
    expect(msg.text?.('+16505551234', 'hi')).toEqual({
      to: '+16505551234',
      type: 'text',
      text: { body: 'hi' },
    });
    expect(Object.keys(msg)).toEqual(
      expect.arrayContaining(['image', 'template', 'buttons', 'list', 'document']),
    );
    for (const bare of ['text', 'image', 'document', 'list', 'flow', 'template', 'buttons']) {
      expect(root, bare).not.toHaveProperty(bare);
    }
  });

  it.each([
    [
      'index.js',
      [
        'PairLimiter',
        'ThroughputLimiter',
        'decideRetry',
        'fullJitterDelay',
        'equalJitterDelay',
        'retryDelayMs',
        'TRANSIENT_GRAPH_CODES',
        'nextPagePath',
        'USER_AGENT',
        'resolveMetricsQuery',
        'storedEventSchema',
        'outgoingMessageSchema',
        'messageSchemas',
        'CampaignFactsBuilder',
        'collectCampaignFacts',
        'summarizeMessageFacts',
        'createGraphApiError',
        'redact',
      ],
    ],
    ['bullmq.js', ['RedisLimits', 'encodeOutcome', 'decodeOutcome']],
    ['simulator.js', ['TemplateStore', 'runSimulateCommand', 'signatureHeader']],
  ])('dist/%s keeps internals out', async (entry, internals) => {
    const mod = await importBuiltPackage<Record<string, unknown>>(entry);
    expect(internals.filter((name) => name in mod)).toEqual([]);
  });

  it('wacloud/adapters has the store-author helpers', async () => {
    const adapters = await importBuiltPackage<Record<string, unknown>>('adapters.js');
    expect(Object.keys(adapters).sort()).toEqual([
      'IdentityLinks',
      'assertStoredEvents',
      'eventKey',
      'identityPairs',
      'messageIdsOf',
      'normalizeRecipientId',
      'planErasure',
      'resolveErasureKey',
      'tombstoneOf',
    ]);
  });
});
