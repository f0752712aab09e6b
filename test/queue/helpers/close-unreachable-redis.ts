/**
 * A process that attaches a BullMQAdapter to a Redis port nothing listens on, enqueues, closes the
 * queue and prints what it saw as one JSON line: `node --import tsx test/queue/helpers/close-unreachable-redis.ts`.
 * It must then exit by itself: nothing of the adapter may keep reconnecting after close().
 */
import { createServer } from 'node:net';
import { NetworkError } from '../../../src/errors/index.js';
import { BullMQAdapter } from '../../../src/queue/adapters/bullmq/index.js';
import { SendQueue } from '../../../src/queue/index.js';
import { scriptedClient } from './scripted-client.js';

const server = createServer();
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
const { port } = server.address() as { port: number };
await new Promise((resolve) => server.close(resolve));

const errors: unknown[] = [];
const adapter = new BullMQAdapter({
  connection: { host: '127.0.0.1', port },
  closeTimeoutMs: 50,
  onError: (error) => errors.push(error),
});
const queue = new SendQueue({ client: scriptedClient().client, adapter, perRecipientIntervalMs: 0 });
const outcome = queue.enqueue({ to: '+15550001', type: 'text', text: { body: 'x' } });
await queue.close();
const closeErrors = errors.filter(
  (error) => error instanceof NetworkError && /did not answer/.test(error.message),
);
process.stdout.write(`${JSON.stringify({ outcome: await outcome, closeErrors: closeErrors.length })}\n`);
