import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Simulator, startSimulator } from '../../src/simulator/index.js';
import { postgresRequired, TEST_DATABASE_URL } from '../helpers/test-services.js';
import { CliSandbox } from './cli-harness.js';

const URL_BASE = TEST_DATABASE_URL;
const up = await postgresRequired();

describe.skipIf(!up)('wacloud with --store postgres://', () => {
  const schema = `wacloud_cli_test_${process.pid}_${Date.now()}`;
  let sim: Simulator;
  let box: CliSandbox;

  beforeAll(async () => {
    sim = await startSimulator({ port: 0, behaviour: { messagesPerSecond: 1000, pairLimit: false } });
    box = new CliSandbox({
      WHATSAPP_ACCESS_TOKEN: 'test-token',
      WHATSAPP_PHONE_NUMBER_ID: sim.phoneNumberId,
      WHATSAPP_BASE_URL: sim.url,
    });
  });

  afterAll(async () => {
    await sim?.close();
    box?.cleanup();
    const client = new pg.Client({ connectionString: URL_BASE });
    await client.connect();
    await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await client.end();
  });

  it('sends, resumes and reports through PostgreSQL', async () => {
    const store = `${URL_BASE}?schema=${schema}`;
    box.write('r.csv', 'phone,order\n+905325550500,P-1\n+905325550501,P-2\n');
    const args = [
      'send',
      '--template',
      'order_update',
      '--to',
      'r.csv',
      '--param',
      'order',
      '--campaign',
      'pg',
    ];
    const first = await box.run([...args, '--store', store]);
    expect(first.code).toBe(0);
    expect(first.stdout).toContain('sent 2');
    const again = await box.run([...args, '--store', store]);
    expect(again.stdout).toContain('sent 0');
    expect(again.stdout).toContain('already sent 2');
    const report = await box.run(['report', '--campaign', 'pg', '--store', store, '--format', 'json']);
    expect(report.code).toBe(0);
    expect((JSON.parse(report.stdout) as { metrics: { sent: number } }).metrics.sent).toBe(2);
  });
});
