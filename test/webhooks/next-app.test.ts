/**
 * `wacloud/next` inside a real Next.js app: a tiny project with an App Router route and Pages Router API
 * routes is written to a temporary directory, built with `next build` (type checking on) and served by
 * `next start` on 127.0.0.1. The routes import `wacloud/next`, which resolves to this repository's
 * built `dist/` (run `npm run build` first), as an installed copy of the package would.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { signWebhookPayload } from '../../src/webhooks/index.js';
import { fixtureText, messagesEnvelope } from './helpers.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const nextBin = join(root, 'node_modules', 'next', 'dist', 'bin', 'next');
const appSecret = 'next-app-secret';
const verifyToken = 'next-app-token';
const body = fixtureText('notes/reaction.json'); // non-ASCII: exact bytes matter
const BUILD_TIMEOUT = 300_000;

/** The project, file by file. The routes print each event so that the test can see it was processed. */
const PROJECT: Record<string, string> = {
  'package.json': JSON.stringify({ name: 'wacloud-next-fixture', private: true, type: 'module' }),
  'next.config.mjs': 'export default {};\n',
  'app/layout.tsx': [
    'export default function RootLayout({ children }: { children: React.ReactNode }) {',
    '  return (<html lang="en"><body>{children}</body></html>);',
    '}',
  ].join('\n'),
  // As docs/webhooks.md shows it: appSecret / verifyToken from the environment.
  'app/webhook/route.ts': [
    "import { createNextRouteHandlers } from 'wacloud/next';",
    'export const { GET, POST } = createNextRouteHandlers({',
    '  onEvent: (event) => console.log("WACLOUD_EVENT app", event.type),',
    '});',
  ].join('\n'),
  // The two ways docs/webhooks.md gives for platforms that freeze work after the response.
  'app/webhook-after/route.ts': [
    "import { after } from 'next/server';",
    "import { createNextRouteHandlers } from 'wacloud/next';",
    'export const { GET, POST } = createNextRouteHandlers({',
    '  waitUntil: after,',
    '  onEvent: (event) => console.log("WACLOUD_EVENT after", event.type),',
    '});',
  ].join('\n'),
  'app/webhook-await/route.ts': [
    "import { createNextRouteHandlers } from 'wacloud/next';",
    'export const { GET, POST } = createNextRouteHandlers({',
    '  awaitProcessing: true,',
    '  onEvent: (event) => console.log("WACLOUD_EVENT await", event.type),',
    '});',
  ].join('\n'),
  'pages/api/webhook.ts': [
    "import { createNextPagesHandler } from 'wacloud/next';",
    'export const config = { api: { bodyParser: false } };',
    'export default createNextPagesHandler({',
    '  onEvent: (event) => console.log("WACLOUD_EVENT pages", event.type),',
    '});',
  ].join('\n'),
  // The mistake the adapter explains: Next's body parser left on.
  'pages/api/parsed.ts': [
    "import { createNextPagesHandler } from 'wacloud/next';",
    'export default createNextPagesHandler();',
  ].join('\n'),
};

/** Runs a process to its end, keeping its output. */
function run(
  args: string[],
  cwd: string,
  env: NodeJS.ProcessEnv,
): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    child.on('close', (code) => resolve({ code, output }));
  });
}

/** The environment Next runs in: offline-safe (no telemetry) and without vitest's NODE_ENV=test. */
function nextEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    NEXT_TELEMETRY_DISABLED: '1',
    // Next evaluates route modules during the build, so the secrets must be set then too.
    WHATSAPP_APP_SECRET: appSecret,
    WHATSAPP_VERIFY_TOKEN: verifyToken,
  };
  delete env.NODE_ENV;
  delete env.NODE_OPTIONS;
  return env;
}

let dir = '';
let server: ChildProcess | undefined;
let serverOutput = '';
let baseUrl = '';

beforeAll(async () => {
  if (!existsSync(join(root, 'dist', 'next.js'))) {
    throw new Error('dist/next.js is missing: run `npm run build` before this test');
  }
  // Inside the repository (git-ignored), so that Next finds next/react/typescript in its node_modules.
  mkdirSync(join(root, '.tmp'), { recursive: true });
  dir = mkdtempSync(join(root, '.tmp', 'next-app-'));
  for (const [file, text] of Object.entries(PROJECT)) {
    mkdirSync(dirname(join(dir, file)), { recursive: true });
    writeFileSync(join(dir, file), text);
  }
  mkdirSync(join(dir, 'node_modules'));
  symlinkSync(root, join(dir, 'node_modules', 'wacloud'), 'dir');

  const build = await run([nextBin, 'build'], dir, nextEnv());
  if (build.code !== 0) throw new Error(`next build failed (${build.code}):\n${build.output}`);

  const child = spawn(process.execPath, [nextBin, 'start', '--hostname', '127.0.0.1', '--port', '0'], {
    cwd: dir,
    env: nextEnv(),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  server = child;
  child.stdout?.on('data', (d: Buffer) => (serverOutput += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (serverOutput += d.toString()));
  await vi.waitFor(
    () => {
      const url = /Local:\s+(http:\/\/127\.0\.0\.1:\d+)/.exec(serverOutput)?.[1];
      if (!url || !/Ready in/.test(serverOutput)) throw new Error(`next start not ready:\n${serverOutput}`);
      baseUrl = url;
    },
    { timeout: 60_000, interval: 100 },
  );
}, BUILD_TIMEOUT);

afterAll(async () => {
  if (server && server.exitCode === null) {
    const exited = new Promise((resolve) => server?.once('exit', resolve));
    server.kill('SIGTERM');
    await exited;
  }
  if (dir) rmSync(dir, { recursive: true, force: true });
});

function post(path: string, payload = body, secret = appSecret): Promise<Response> {
  return fetch(`${baseUrl}${path}`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'x-hub-signature-256': signWebhookPayload(payload, secret),
    },
    body: payload,
  });
}

/** How many `WACLOUD_EVENT <router> <type>` lines the server printed. */
function printed(router: string, type: string): number {
  return serverOutput.split('\n').filter((line) => line.trim() === `WACLOUD_EVENT ${router} ${type}`).length;
}

/** A valid payload of about 1.5 MB (Next has no body limit on these routes; Meta's maximum is 3 MB). */
function largePayload(): { text: string; statuses: number } {
  const statuses = Array.from({ length: 12_000 }, (_, i) => ({
    id: `wamid.HBgLMTY1MDU1NTEyMzQVAgARGBI${String(i).padStart(8, '0')}`,
    status: 'delivered',
    timestamp: '1749416390',
    recipient_id: '16505551234',
  }));
  return { text: JSON.stringify(messagesEnvelope({ statuses })), statuses: statuses.length };
}

describe.each([
  { router: 'app', name: 'App Router (app/webhook/route.ts)', path: '/webhook' },
  { router: 'after', name: "App Router with waitUntil: after (from 'next/server')", path: '/webhook-after' },
  { router: 'await', name: 'App Router with awaitProcessing: true', path: '/webhook-await' },
  { router: 'pages', name: 'Pages Router (pages/api/webhook.ts)', path: '/api/webhook' },
])('wacloud/next in a real Next.js $name', ({ router, path }) => {
  it("answers Meta's verification GET, and 403 for a wrong verify token", async () => {
    const query = (token: string) => `?hub.mode=subscribe&hub.verify_token=${token}&hub.challenge=1158201444`;
    const ok = await fetch(`${baseUrl}${path}${query(verifyToken)}`);
    expect(ok.status).toBe(200);
    expect(await ok.text()).toBe('1158201444');
    expect((await fetch(`${baseUrl}${path}${query('guess')}`)).status).toBe(403);
  });

  it('answers a signed POST with 200 and processes its event', async () => {
    const before = printed(router, 'message');
    const res = await post(path);
    expect(res.status).toBe(200);
    await vi.waitFor(() => expect(printed(router, 'message')).toBe(before + 1), { timeout: 10_000 });
  });

  it('answers a wrongly signed POST with 401, without the secret', async () => {
    const res = await post(path, body, 'not-the-app-secret');
    expect(res.status).toBe(401);
    expect(await res.text()).not.toContain(appSecret);
  });

  it('accepts a signed 1.5 MB payload', async () => {
    const big = largePayload();
    const before = printed(router, 'status');
    expect(big.text.length).toBeGreaterThan(1_400_000);
    expect((await post(path, big.text)).status).toBe(200);
    await vi.waitFor(() => expect(printed(router, 'status')).toBe(before + big.statuses), {
      timeout: 30_000,
    });
  });
});

describe('wacloud/next Pages Router with bodyParser left on', () => {
  it('answers 500 explaining config = { api: { bodyParser: false } }', async () => {
    const res = await post('/api/parsed');
    expect(res.status).toBe(500);
    expect(await res.text()).toMatch(/bodyParser: false/);
  });
});
