import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable, Writable } from 'node:stream';

/**
 * A headless Chromium driven over the DevTools protocol on a pipe (`--remote-debugging-pipe`: fd 3 in,
 * fd 4 out, NUL-separated JSON), so a test can load a live page, wait for its DOM to change, and take
 * screenshots, with no WebSocket client or browser-automation package.
 */
export class ChromiumPage {
  readonly #child: ChildProcess;
  readonly #profile: string;
  readonly #pending = new Map<number, { resolve(v: unknown): void; reject(e: Error): void }>();
  #nextId = 1;
  #buffer = '';
  #sessionId: string | undefined;

  private constructor(child: ChildProcess, profile: string) {
    this.#child = child;
    this.#profile = profile;
    const out = child.stdio[4] as Readable;
    out.on('data', (chunk: Buffer) => {
      this.#buffer += chunk.toString('utf8');
      let end = this.#buffer.indexOf('\0');
      while (end !== -1) {
        const message = JSON.parse(this.#buffer.slice(0, end)) as {
          id?: number;
          result?: unknown;
          error?: { message: string };
        };
        this.#buffer = this.#buffer.slice(end + 1);
        end = this.#buffer.indexOf('\0');
        const waiter = message.id === undefined ? undefined : this.#pending.get(message.id);
        if (!waiter) continue;
        this.#pending.delete(message.id!);
        if (message.error) waiter.reject(new Error(message.error.message));
        else waiter.resolve(message.result);
      }
    });
  }

  /** Starts Chromium and opens `url` in a tab of `width`×`height`. */
  static async open(chromium: string, url: string, width = 1280, height = 900): Promise<ChromiumPage> {
    const profile = mkdtempSync(join(tmpdir(), 'wacloud-cdp-'));
    const child = spawn(
      chromium,
      [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--remote-debugging-pipe',
        `--user-data-dir=${profile}`,
        `--window-size=${width},${height}`,
        'about:blank',
      ],
      // Its own process group, so close() can end Chromium's helper processes with it.
      { stdio: ['ignore', 'ignore', 'ignore', 'pipe', 'pipe'], detached: true },
    );
    const page = new ChromiumPage(child, profile);
    const { targetId } = (await page.send('Target.createTarget', { url: 'about:blank' })) as {
      targetId: string;
    };
    const { sessionId } = (await page.send('Target.attachToTarget', { targetId, flatten: true })) as {
      sessionId: string;
    };
    page.#sessionId = sessionId;
    await page.send('Emulation.setDeviceMetricsOverride', {
      width,
      height,
      deviceScaleFactor: 1,
      mobile: width < 600,
    });
    await page.send('Page.navigate', { url });
    return page;
  }

  /** Sends one DevTools command (to the page once attached) and resolves with its result. */
  send(method: string, params: Record<string, unknown> = {}): Promise<unknown> {
    const id = this.#nextId++;
    const message: Record<string, unknown> = { id, method, params };
    if (this.#sessionId !== undefined) message.sessionId = this.#sessionId;
    return new Promise((resolve, reject) => {
      this.#pending.set(id, { resolve, reject });
      (this.#child.stdio[3] as Writable).write(`${JSON.stringify(message)}\0`);
    });
  }

  /** Evaluates an expression in the page and returns its value. */
  async evaluate<T>(expression: string): Promise<T> {
    const { result } = (await this.send('Runtime.evaluate', { expression, returnByValue: true })) as {
      result: { value: T };
    };
    return result.value;
  }

  /** Polls `expression` until `accept` holds for its value (or `timeoutMs` passes: throws with the last value). */
  async waitFor<T>(expression: string, accept: (value: T) => boolean, timeoutMs = 20_000): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    let last: T | undefined;
    for (;;) {
      last = await this.evaluate<T>(expression).catch(() => undefined as T);
      if (last !== undefined && accept(last)) return last;
      if (Date.now() > deadline)
        throw new Error(`page never matched: ${expression} was ${JSON.stringify(last)}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  /** A PNG of the whole page. */
  async screenshot(): Promise<Buffer> {
    const { data } = (await this.send('Page.captureScreenshot', {
      format: 'png',
      captureBeyondViewport: true,
    })) as {
      data: string;
    };
    return Buffer.from(data, 'base64');
  }

  /** Closes the browser and removes its profile. */
  async close(): Promise<void> {
    const exited = new Promise((resolve) => this.#child.once('exit', resolve));
    try {
      process.kill(-this.#child.pid!, 'SIGTERM');
    } catch {
      this.#child.kill('SIGTERM');
    }
    await exited;
    // Chromium's helper processes may still be writing to the profile for a moment after it exits.
    rmSync(this.#profile, { recursive: true, force: true, maxRetries: 10, retryDelay: 100 });
  }
}
