import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BUILD_TIMEOUT_MS, ensureBuilt, REPO_ROOT } from '../helpers/built-package.js';
import { TEST_REDIS } from '../helpers/test-services.js';
import { deleteKeys, redisAvailable } from '../queue/helpers/redis-available.js';

const available = await redisAvailable();
const run = randomUUID().slice(0, 8);
const dist = (file: string) => pathToFileURL(join(REPO_ROOT, 'dist', file)).href;

beforeAll(async () => {
  if (available) await ensureBuilt();
}, BUILD_TIMEOUT_MS);

afterAll(async () => {
  if (available) await deleteKeys(`bull:wc-${run}*`);
});

describe.skipIf(!available)('BullMQAdapter from the built package, closed right after it was created', () => {
  it('closes cleanly: no unhandled error and no background error from a connection still connecting', () => {
    // A campaign whose every recipient is skipped never adds a job: the queue closes while BullMQ's
    // connections may still be connecting. In a process of its own, as users run it.
    const script = `
      const { SendQueue, WhatsAppClient } = await import(${JSON.stringify(dist('index.js'))});
      const { BullMQAdapter } = await import(${JSON.stringify(dist('bullmq.js'))});
      const wa = new WhatsAppClient({ accessToken: 't', phoneNumberId: '1', baseUrl: 'http://127.0.0.1:9', env: {} });
      for (let i = 0; i < 5; i++) {
        const adapter = new BullMQAdapter({ connection: ${JSON.stringify(TEST_REDIS)}, queueName: 'wc-${run}-' + i });
        await new SendQueue({ client: wa, adapter, onError: (e) => console.log('onError', e.message) }).close();
      }
      await wa.close();
      console.log('closed 5');
    `;
    const child = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(child.stderr).not.toMatch(/Connection is closed|Unhandled|Emitted 'error'/);
    expect(child.stdout).toContain('closed 5');
    expect(child.stdout).not.toContain('onError'); // a close asked for is no background error
    expect(child.status).toBe(0);
  });
});
