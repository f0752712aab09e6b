import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { WhatsAppClient } from '../../src/client/whatsapp-client.js';
import { ConfigError } from '../../src/errors/index.js';
import { hashRecipients } from '../../src/events/hash-recipients.js';
import { GroupCommitEventStore } from '../../src/events/stores/group-commit-store.js';
import { MemoryEventStore } from '../../src/events/stores/memory.js';
import { PostgresEventStore } from '../../src/events/stores/postgres.js';
import { SqliteEventStore } from '../../src/events/stores/sqlite.js';
import { BullMQAdapter } from '../../src/queue/adapters/bullmq/bullmq-adapter.js';
import { MemoryQueueAdapter } from '../../src/queue/adapters/memory/memory-adapter.js';
import { SendQueue } from '../../src/queue/send-queue.js';
import type { SendQueueOptions } from '../../src/queue/send-queue-options.js';
import {
  assertKnownOptions,
  optionKeys,
  optionsSchema,
  parseOptions,
} from '../../src/schemas/validate-options.js';
import { startSimulator } from '../../src/simulator/start.js';
import { createLinkTracker } from '../../src/tracking/link-tracker.js';
import { StoreSuppressionList } from '../../src/tracking/store-suppression-list.js';
import { createWebhookHandler } from '../../src/webhooks/frameworks/fetch.js';
import { WebhookProcessor } from '../../src/webhooks/processor.js';

const SECRET = 'a-link-secret-of-32-bytes-length';
const client = new WhatsAppClient({ accessToken: 'token', phoneNumberId: '1', env: {} });
const store = () => new MemoryEventStore();

interface Case {
  owner: string;
  /** Builds the thing with these options merged over a valid set. */
  make: (extra: Record<string, unknown>) => unknown;
  /** One option with a bad value. */
  bad: Record<string, unknown>;
}

const CASES: Case[] = [
  {
    owner: 'WhatsAppClient',
    make: (o) => new WhatsAppClient({ accessToken: 't', phoneNumberId: '1', env: {}, ...o }),
    bad: { timeoutMs: -1 },
  },
  { owner: 'SendQueue', make: (o) => new SendQueue({ client, ...o }), bad: { messagesPerSecond: 5000 } },
  { owner: 'MemoryQueueAdapter', make: (o) => new MemoryQueueAdapter({ ...o }), bad: { onError: 1 } },
  {
    owner: 'BullMQAdapter',
    make: (o) => new BullMQAdapter({ connection: { host: '127.0.0.1' }, ...o }),
    bad: { onError: 'log' },
  },
  { owner: 'MemoryEventStore', make: (o) => new MemoryEventStore({ ...o }), bad: { validate: 'yes' } },
  {
    owner: 'SqliteEventStore',
    make: (o) => new SqliteEventStore({ database: new Database(':memory:'), ...o }),
    bad: { cacheSizeMiB: 0 },
  },
  {
    owner: 'PostgresEventStore',
    make: (o) => new PostgresEventStore({ connectionString: 'postgres://127.0.0.1:1/none', ...o }),
    bad: { batchSize: 0 },
  },
  {
    owner: 'GroupCommitEventStore',
    make: (o) => new GroupCommitEventStore(store(), { ...o }),
    bad: { maxBatch: 0 },
  },
  {
    owner: 'createWebhookHandler',
    make: (o) => createWebhookHandler({ appSecret: 's', verifyToken: 'v', ...o }),
    bad: { maxBodyBytes: 0 },
  },
  { owner: 'WebhookProcessor', make: (o) => new WebhookProcessor({ ...o }), bad: { dedupeWindowSize: -1 } },
  {
    owner: 'createLinkTracker',
    make: (o) => createLinkTracker({ secret: SECRET, baseUrl: 'https://t.example.com', ...o }),
    bad: { baseUrl: 'ftp://t.example.com' },
  },
  {
    owner: 'StoreSuppressionList',
    make: (o) => new StoreSuppressionList({ store: store(), ...o }),
    bad: { store: undefined },
  },
  {
    owner: 'hashRecipients',
    make: (o) => hashRecipients(store(), { key: SECRET, ...o }),
    bad: { key: 'short' },
  },
];

function thrown(make: () => unknown): ConfigError {
  try {
    make();
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return error as ConfigError;
  }
  throw new Error('expected a ConfigError');
}

describe('every options constructor validates through one helper, with one message format', () => {
  it.each(CASES)('$owner: an unknown option names it and lists the known ones', ({ owner, make }) => {
    const error = thrown(() => make({ bogusOption: 1 }));
    expect(error.message).toMatch(new RegExp(`^${owner}: unknown option "bogusOption" \\(known: \\w+`));
    expect(error.option).toBe('bogusOption');
    expect(error.toJSON()).toMatchObject({ name: 'ConfigError', option: 'bogusOption' });
  });

  it.each(CASES)('$owner: a bad value names the option, never the value', ({ owner, make, bad }) => {
    const [option] = Object.keys(bad) as [string];
    const error = thrown(() => make(bad));
    expect(error.message).toMatch(new RegExp(`^${owner}: option "${option}" (must|is|needs|cannot) `));
    expect(error.option).toBe(option);
    const value = bad[option];
    if (typeof value === 'string') expect(error.message).not.toContain(value);
  });

  it('startSimulator: the same format for an unknown option and a bad value', async () => {
    await expect(startSimulator({ bogusOption: 1 } as never)).rejects.toThrow(
      /^startSimulator: unknown option "bogusOption" \(known: port, /,
    );
    await expect(startSimulator({ port: -1 })).rejects.toMatchObject({
      name: 'ConfigError',
      option: 'port',
      message: expect.stringMatching(/^startSimulator: option "port" /),
    });
  });

  it('names a nested unknown option by its path, with the keys known at that level', () => {
    const error = thrown(() => new SendQueue({ client, retry: { baseDelayMS: 5 } } as never));
    expect(error.message).toBe(
      'SendQueue: unknown option "retry.baseDelayMS" (known: baseDelayMs, maxDelayMs, pairBackoffUnitMs, longDelayMs, maxRetryAfterMs)',
    );
    expect(error.option).toBe('retry.baseDelayMS');
  });

  it('refuses options that are not an object', () => {
    expect(() => new SendQueue(null as never)).toThrow('SendQueue: options must be an object');
    expect(() => new WebhookProcessor([] as never)).toThrow('WebhookProcessor: options must be an object');
  });
});

describe('key lists are typed against the option interfaces', () => {
  interface Sample {
    required: string;
    optional?: number;
  }

  it('optionKeys returns exactly the listed keys, and assertKnownOptions accepts only them', () => {
    const keys = optionKeys<Sample>()({ required: true, optional: true });
    expect(keys).toEqual(['required', 'optional']);
    expect(() => assertKnownOptions('Sample', { required: 'x' }, keys)).not.toThrow();
    expect(() => assertKnownOptions('Sample', { requird: 'x' }, keys)).toThrow(
      'Sample: unknown option "requird" (known: required, optional)',
    );
  });

  it('a missing or extra key does not compile', () => {
    // @ts-expect-error `optional` is missing
    optionKeys<Sample>()({ required: true });
    // @ts-expect-error `extra` is not an option of Sample
    optionKeys<Sample>()({ required: true, optional: true, extra: true });
    // @ts-expect-error a zod shape must name every option too
    optionsSchema<Sample>()({ required: optionsSchema<object>()({}) });
    const schema = optionsSchema<Pick<SendQueueOptions, 'messagesPerSecond'>>()({
      messagesPerSecond: optionsSchema<object>()({}).optional(),
      // @ts-expect-error `messagesPerSec` is not an option of SendQueueOptions
      messagesPerSec: optionsSchema<object>()({}).optional(),
    });
    expect(() => parseOptions('Sample', schema, {})).not.toThrow();
  });
});
