import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signWebhookPayload } from '../../src/webhooks/signature.js';
import { BUILD_TIMEOUT_MS, ensureBuilt } from '../helpers/built-package.js';
import { type CliProcess, spawnCli } from '../helpers/spawn-cli.js';
import { postgresRequired, TEST_DATABASE_URL } from '../helpers/test-services.js';

const up = await postgresRequired();

/** `wacloud listen --store postgres://...` (the built CLI): events answered 200 are rows in PostgreSQL. */
describe.skipIf(!up)('wacloud listen with --store postgres://', () => {
  const schema = `wacloud_listen_test_${process.pid}_${Date.now()}`;
  let listen: CliProcess | undefined;

  beforeAll(() => ensureBuilt(), BUILD_TIMEOUT_MS);

  afterAll(async () => {
    if (listen && listen.child.exitCode === null && listen.child.signalCode === null)
      listen.child.kill('SIGKILL');
    const client = new pg.Client({ connectionString: TEST_DATABASE_URL });
    await client.connect();
    await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await client.end();
  });

  it('starts, stores signed events before answering 200, and stops on SIGTERM', async () => {
    listen = spawnCli(['listen', '--port', '0', '--store', `${TEST_DATABASE_URL}?schema=${schema}`], {
      env: { WHATSAPP_APP_SECRET: 'pg-secret', WHATSAPP_VERIFY_TOKEN: 'pg-verify' },
    });
    const [, url] = await listen.waitFor('stdout', /listening on (http:\/\/127\.0\.0\.1:\d+\/webhook)/);
    const body = JSON.stringify({
      object: 'whatsapp_business_account',
      entry: [
        {
          id: '102290129340398',
          changes: [
            {
              field: 'messages',
              value: {
                messaging_product: 'whatsapp',
                metadata: { display_phone_number: '15550783881', phone_number_id: '106540352242922' },
                statuses: [
                  { id: 'wamid.PG1', status: 'sent', timestamp: '1750000000', recipient_id: '16505551234' },
                  {
                    id: 'wamid.PG1',
                    status: 'delivered',
                    timestamp: '1750000001',
                    recipient_id: '16505551234',
                  },
                ],
              },
            },
          ],
        },
      ],
    });
    const response = await fetch(url as string, {
      method: 'POST',
      body,
      headers: { 'x-hub-signature-256': signWebhookPayload(body, 'pg-secret') },
    });
    expect(response.status).toBe(200);
    const client = new pg.Client({ connectionString: TEST_DATABASE_URL });
    await client.connect();
    const { rows } = await client.query(`SELECT count(*)::int AS n FROM "${schema}".wacloud_events`);
    await client.end();
    expect(rows[0]).toEqual({ n: 2 });
    listen.child.kill('SIGTERM');
    expect((await listen.done).code).toBe(0);
  });
});
