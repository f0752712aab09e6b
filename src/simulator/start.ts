import type { AddressInfo } from 'node:net';
import { SimulatorEngine } from './engine.js';
import { createSimulatorServer } from './http/server.js';
import { resolveSimulatorOptions, type SimulatorOptions } from './simulator-options.js';
import type { SimulatorTemplates } from './templates/simulator-templates.js';
import type {
  InboundInput,
  InboundOptions,
  SimulatedMessage,
  SimulatorFault,
  SimulatorStats,
} from './types.js';

/** A running simulator (see {@link startSimulator}). */
export interface Simulator {
  /** Base URL to pass as the client's `baseUrl`, e.g. `http://127.0.0.1:8787` (no version). */
  readonly url: string;
  /** The TCP port it listens on (127.0.0.1 only). */
  readonly port: number;
  /** The WABA id (`/{waba-id}/message_templates`, webhooks' `entry[].id`). */
  readonly businessAccountId: string;
  /** Id of the first phone number served. */
  readonly phoneNumberId: string;
  /** The message templates; add your own with `templates.add({...})`. */
  readonly templates: SimulatorTemplates;
  /** Every accepted message, in acceptance order, with its planned events. */
  readonly messages: readonly SimulatedMessage[];
  /** The same log as {@link Simulator.messages}. */
  readonly sentMessages: readonly SimulatedMessage[];
  /** A snapshot of the counters. */
  stats(): SimulatorStats;
  /** Resolves once every scheduled webhook, retry and click is delivered or given up, and every request is answered. */
  flush(): Promise<void>;
  /** A user writes to you: opens their 24 h window and posts the inbound webhook. Returns the message id. */
  inbound(from: string, message: InboundInput, options?: InboundOptions): string;
  /** Makes the next matching request(s) fail with a Graph error or a dropped connection. */
  injectFault(fault: SimulatorFault): void;
  /**
   * Meta pauses, disables or reinstates a template: its status changes (a paused template's sends fail
   * with 132015, a disabled one's with 132016) and a `message_template_status_update` webhook is posted.
   * Returns false when no template has that name and language.
   */
  setTemplateStatus(name: string, language: string, event: 'PAUSED' | 'DISABLED' | 'REINSTATED'): boolean;
  /**
   * Posts a `phone_number_quality_update` webhook for a served number (default: the first):
   * `FLAGGED` (quality RED), `UNFLAGGED`, `THROUGHPUT_UPGRADE`...
   */
  postNumberQuality(event: string, phoneNumberId?: string): void;
  /**
   * Meta upgrades a number's throughput (default: the first number) to 1,000 messages per second: for
   * `durationMs` of simulated time (Meta: up to a minute) its sends fail with 131057, then its limit is
   * 1,000 mps and a `phone_number_quality_update` webhook (`THROUGHPUT_UPGRADE`) is posted.
   */
  startThroughputUpgrade(durationMs: number, phoneNumberId?: string): void;
  /** Stops listening and cancels what is still scheduled (call `flush()` first to deliver it). */
  close(): Promise<void>;
}

/**
 * Starts a local Cloud API on 127.0.0.1: Meta's paths, bodies, responses and error shapes, its
 * throughput and pair limits, template and 24-hour-window checks, and signed webhooks for what
 * happens next (sent → delivered → read, failures, replies, taps, clicks), all from a seed.
 * Throws `ConfigError` for invalid options.
 *
 * @example
 * ```ts
 * const sim = await startSimulator({ appSecret: 'secret', webhookUrl: 'http://127.0.0.1:3000/webhook' });
 * const wa = new WhatsAppClient({ accessToken: 'test-token', phoneNumberId: sim.phoneNumberId, baseUrl: sim.url });
 * ```
 */
export async function startSimulator(options: SimulatorOptions = {}): Promise<Simulator> {
  const resolved = resolveSimulatorOptions(options);
  const engine = new SimulatorEngine(resolved);
  const server = createSimulatorServer(engine);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(resolved.port, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  let closed: Promise<void> | undefined;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    businessAccountId: resolved.businessAccountId,
    phoneNumberId: (resolved.phoneNumbers[0] as { id: string }).id,
    templates: engine.templates,
    messages: engine.messages,
    sentMessages: engine.messages,
    stats: () => structuredClone(engine.stats),
    flush: () => engine.work.idle(),
    inbound: (from, message, inboundOptions) => engine.inbound(from, message, inboundOptions),
    injectFault: (fault) => engine.injectFault(fault),
    setTemplateStatus: (name, language, event) => engine.setTemplateStatus(name, language, event),
    postNumberQuality: (event, phoneNumberId) => engine.postNumberQuality(event, phoneNumberId),
    startThroughputUpgrade: (durationMs, phoneNumberId) =>
      engine.startThroughputUpgrade(durationMs, phoneNumberId),
    close() {
      closed ??= (async () => {
        const stopped = new Promise<void>((resolve) => server.close(() => resolve()));
        server.closeAllConnections();
        await engine.close();
        await stopped;
      })();
      return closed;
    },
  };
}
