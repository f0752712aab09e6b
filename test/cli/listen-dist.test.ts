import { mkdtempSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StoredEvent } from '../../src/events/stored-event.js';
import { SqliteEventStore } from '../../src/events/stores/sqlite.js';
import { StoreSuppressionList } from '../../src/tracking/store-suppression-list.js';
import { signWebhookPayload } from '../../src/webhooks/signature.js';
import { BUILD_TIMEOUT_MS, ensureBuilt } from '../helpers/built-package.js';
import { type CliProcess, spawnCli } from '../helpers/spawn-cli.js';

/**
 * `wacloud listen` as a user runs it: the built dist/cli.js, secrets in the process environment,
 * signed POSTs over loopback, stopped with SIGTERM (graceful) or SIGKILL (crash).
 */
const APP_SECRET = 'listen-app-secret-DO-NOT-PRINT-3';
const VERIFY_TOKEN = 'listen-verify-token-9';
const env = { WHATSAPP_APP_SECRET: APP_SECRET, WHATSAPP_VERIFY_TOKEN: VERIFY_TOKEN };
const dir = mkdtempSync(join(tmpdir(), 'wacloud-listen-'));
const running: CliProcess[] = [];

beforeAll(() => ensureBuilt(), BUILD_TIMEOUT_MS);

afterAll(() => {
  for (const p of running)
    if (p.child.exitCode === null && p.child.signalCode === null) p.child.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});

async function startListen(args: string[]): Promise<{ listen: CliProcess; url: string }> {
  const listen = spawnCli(['listen', '--port', '0', ...args], { cwd: dir, env });
  running.push(listen);
  const [, url] = await listen.waitFor('stdout', /listening on (http:\/\/127\.0\.0\.1:\d+\/webhook)/);
  return { listen, url: url as string };
}

function statusBody(ids: string[]): string {
  return JSON.stringify({
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
              statuses: ids.map((id) => ({
                id,
                status: 'delivered',
                timestamp: '1750000000',
                recipient_id: '16505551234',
              })),
            },
          },
        ],
      },
    ],
  });
}

/** One HTTP request over loopback; resolves with the status, or 0 when the connection broke. */
function send(
  url: string,
  method: string,
  body?: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; text: string }> {
  return new Promise((resolve) => {
    const req = request(url, { method, headers, agent: false }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        text += chunk;
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
      res.on('error', () => resolve({ status: 0, text }));
    });
    req.on('error', () => resolve({ status: 0, text: '' }));
    req.end(body);
  });
}

const signed = (url: string, body: string) =>
  send(url, 'POST', body, {
    'content-type': 'application/json',
    'x-hub-signature-256': signWebhookPayload(body, APP_SECRET),
  });

async function storedStatusIds(file: string): Promise<string[]> {
  const store = new SqliteEventStore({ filename: join(dir, file) });
  const ids: string[] = [];
  for await (const event of store.scan({ kinds: ['status'] }) as AsyncIterable<StoredEvent>) {
    if (event.kind === 'status') ids.push(event.messageId);
  }
  await store.close();
  return ids;
}

describe('wacloud listen (dist/cli.js, spawned)', () => {
  it('answers the challenge, stores signed events, refuses bad signatures, stops on SIGTERM', async () => {
    const { listen, url } = await startListen(['--store', 'sqlite:./a.db', '--summary-every', '1']);
    const challenge = await send(
      `${url}?hub.mode=subscribe&hub.verify_token=${VERIFY_TOKEN}&hub.challenge=1158201444`,
      'GET',
    );
    expect(challenge).toEqual({ status: 200, text: '1158201444' });
    const wrongToken = await send(`${url}?hub.mode=subscribe&hub.verify_token=nope&hub.challenge=1`, 'GET');
    expect(wrongToken.status).toBe(403);

    const ok = await signed(url, statusBody(['wamid.A1', 'wamid.A2']));
    expect(ok.status).toBe(200);
    // Answered 200 means stored: the database has them before the process stops.
    expect((await storedStatusIds('a.db')).sort()).toEqual(['wamid.A1', 'wamid.A2']);

    const forged = await send(url, 'POST', statusBody(['wamid.F']), {
      'x-hub-signature-256': signWebhookPayload('other', APP_SECRET),
    });
    expect(forged.status).toBe(401);
    expect((await send(url.replace('/webhook', '/elsewhere'), 'POST', '{}')).status).toBe(404);
    await listen.waitFor('stderr', /1 rejected signatures/);

    listen.child.kill('SIGTERM');
    const result = await listen.done;
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(
      /stopped · .*2 events \(status\.delivered 2\) · 1 accepted · 1 rejected signatures/,
    );
    expect(await storedStatusIds('a.db')).not.toContain('wamid.F');
    expect(result.stdout + result.stderr).not.toContain(APP_SECRET);
    expect(result.stdout + result.stderr).not.toContain(VERIFY_TOKEN);
  });

  it('a Stop tap (user_preferences stop) received by listen suppresses the recipient', async () => {
    const { listen, url } = await startListen(['--store', 'sqlite:./o.db']);
    const stop = JSON.stringify({
      object: 'whatsapp_business_account',
      entry: [
        {
          id: '102290129340398',
          changes: [
            {
              field: 'user_preferences',
              value: {
                messaging_product: 'whatsapp',
                metadata: { display_phone_number: '15550783881', phone_number_id: '106540352242922' },
                contacts: [{ wa_id: '16505559999', profile: { name: 'Stopper' } }],
                user_preferences: [
                  {
                    wa_id: '16505559999',
                    detail: 'User requested to stop marketing messages',
                    category: 'marketing_messages',
                    value: 'stop',
                    timestamp: 1750000000,
                  },
                ],
              },
            },
          ],
        },
      ],
    });
    expect((await signed(url, stop)).status).toBe(200);
    const store = new SqliteEventStore({ filename: join(dir, 'o.db') });
    const suppression = new StoreSuppressionList({ store });
    expect(await suppression.isSuppressed('+1 650 555 9999')).toBe(true);
    expect(await suppression.isSuppressed('16505550000')).toBe(false);
    await store.close();
    listen.child.kill('SIGTERM');
    expect((await listen.done).code).toBe(0);
  });

  it('without secrets it exits 2 and says which is missing', async () => {
    const listen = spawnCli(['listen', '--port', '0'], {
      cwd: dir,
      env: { WHATSAPP_APP_SECRET: '', WHATSAPP_VERIFY_TOKEN: '' },
    });
    const result = await listen.done;
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('WHATSAPP_APP_SECRET');
  });

  it('an unreachable database is reported at start (exit 2), not on the first webhook', async () => {
    const listen = spawnCli(['listen', '--port', '0', '--store', 'postgres://nobody@127.0.0.1:1/none'], {
      cwd: dir,
      env,
    });
    const result = await listen.done;
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/cannot open the store postgres:\/\/nobody@127\.0\.0\.1:1\/none/);
    expect(result.stdout).not.toContain('listening on');
  });

  it('SIGKILL mid-load: every event answered 200 is in the store', async () => {
    const { listen, url } = await startListen(['--store', 'sqlite:./k.db']);
    const answered: string[] = [];
    let stop = false;
    let next = 0;
    const worker = async () => {
      while (!stop) {
        const ids = [`wamid.K${next++}`, `wamid.K${next++}`];
        const { status } = await signed(url, statusBody(ids));
        if (status === 200) answered.push(...ids);
        if (status === 0) return; // the listener is gone
      }
    };
    const workers = Array.from({ length: 16 }, () => worker());
    while (answered.length < 400) await new Promise((resolve) => setTimeout(resolve, 10));
    listen.child.kill('SIGKILL');
    stop = true;
    await Promise.all(workers);
    const result = await listen.done;
    expect(result.signal).toBe('SIGKILL');
    const stored = new Set(await storedStatusIds('k.db'));
    const lost = answered.filter((id) => !stored.has(id));
    expect(answered.length).toBeGreaterThanOrEqual(400);
    expect(lost).toEqual([]);
  });
});
