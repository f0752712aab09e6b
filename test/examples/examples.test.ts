import { spawn } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  postgresRequired,
  redisRequired,
  TEST_DATABASE_URL,
  TEST_REDIS_URL,
} from '../helpers/test-services.js';

const root = fileURLToPath(new URL('../../', import.meta.url));

/** What each example must print; scripts not listed only need to exit 0 and print something. */
const EXPECTED: Record<string, RegExp[]> = {
  'demo.ts': [
    /Queue done: 1200 accepted/,
    /^total\s+1200\s+\d+\.\d%/m,
    /A\/B on reply rate: A [\d.]+% vs B [\d.]+%/,
    /Of 1200 sent: \d+ delivered, \d+ failed, \d+ pending/,
    /Already opted out \(131050, not new opt-outs\): \d+; limited by Meta \(131049\): \d+; new opt-outs: \d+/,
    /HTML report: reports\/demo-report\.html/,
    /^Watch a campaign live: .*`npx wacloud dashboard --store sqlite:wa\.db`/m,
  ],
  'send-messages.ts': [
    /^template\s+→ wamid\./m,
    /^buttons\s+→ wamid\./m,
    /^reaction\s+→ wamid\./m,
    /rejected before sending: interactive\.action\.buttons/,
  ],
  'template-campaign-csv.ts': [
    /skipped line 14: "not-a-number" is not a phone number/,
    /skipped line 28: first_name is empty/,
    /sent 40, failed 0, skipped 0, bad rows 2/,
    /accepted by segment: vip 8, regular 32/,
  ],
  'click-tracking.ts': [
    /sent 200 messages with tracked links/,
    /click-through rate [1-9][\d.]*%/,
    /tampered link → 404/,
  ],
  'metrics-postgres.ts': [/variant A: sent \d+/, /total: sent 300/],
  'express-webhook.ts': [/webhook answered 200/],
  'next-app-route.ts': [/POST → 200/],
  'bullmq-worker.ts': [/sent \d+, failed 0/],
  'meta-insights.ts': [
    /^template order_update \d{4}-\d{2}-\d{2}: sent \d+, delivered \d+, read \d+, spent \d+\.\d{3}$/m,
    /^tier US UTILITY: \d+ messages this month, \d+ more to the next tier$/m,
    /^messaging \d{4}-\d{2}-\d{2}: sent \d+, delivered \d+$/m,
    /^history wamid\.\S+: SENT/m,
  ],
};

/** Which local server a script needs (test/helpers/test-services.ts: skipped outside CI when down, fails in CI). */
const NEEDS: Record<string, () => Promise<boolean>> = {
  'metrics-postgres.ts': postgresRequired,
  'bullmq-worker.ts': redisRequired,
};

function runExample(file: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', `examples/${file}`], {
      cwd: root,
      env: {
        ...process.env,
        CI_EXAMPLE: '1',
        // The examples read the usual production names; point them at the test services only.
        DATABASE_URL: TEST_DATABASE_URL,
        REDIS_URL: TEST_REDIS_URL,
        WHATSAPP_BASE_URL: '',
        WHATSAPP_ACCESS_TOKEN: '',
        NODE_OPTIONS: '',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    // A hanging example (open handle) is a failure: kill it well before the test timeout.
    const timer = setTimeout(() => child.kill('SIGKILL'), 100_000);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

const examples = readdirSync(new URL('../../examples/', import.meta.url)).filter((f) => f.endsWith('.ts'));

describe('examples/', () => {
  it('has the scripts the docs promise', () => {
    for (const file of [
      'demo.ts',
      'send-messages.ts',
      'template-campaign-csv.ts',
      'click-tracking.ts',
      'metrics-postgres.ts',
    ]) {
      expect(examples).toContain(file);
    }
    expect(existsSync(new URL('../../examples/data/recipients.csv', import.meta.url))).toBe(true);
  });

  for (const file of examples) {
    it(`${file} runs against the simulator, exits 0 and prints what it should`, {
      timeout: 120_000,
    }, async (ctx) => {
      const need = NEEDS[file];
      if (need && !(await need())) ctx.skip();
      const { code, stdout, stderr } = await runExample(file);
      if (code !== 0) console.error(`${file} failed (exit ${code}):\n${stdout}\n${stderr}`);
      expect(code).toBe(0);
      expect(stdout.trim().length).toBeGreaterThan(0);
      for (const pattern of EXPECTED[file] ?? []) expect(stdout).toMatch(pattern);
      const split = /Of (\d+) sent: (\d+) delivered, (\d+) failed, (\d+) pending/.exec(stdout);
      if (split) expect(Number(split[2]) + Number(split[3]) + Number(split[4])).toBe(Number(split[1]));
      expect(`${stdout}${stderr}`).not.toMatch(/EAA[A-Za-z0-9]{20,}/);
    });
  }
});
