import { MockAgent } from 'undici';
import type { Logger, WhatsAppClientOptions } from '../../src/client/index.js';
import { WhatsAppClient } from '../../src/client/index.js';

export const ORIGIN = 'https://graph.facebook.com';
export const TOKEN = 'EAAGtestSECRETtoken0123456789';
export const PHONE_ID = '106540352242922';
export const WABA_ID = '102290129340398';
export const MESSAGES_PATH = `/v23.0/${PHONE_ID}/messages`;

/** A MockAgent that refuses real network access, plus a client on it. */
export function mockClient(options: Partial<WhatsAppClientOptions> = {}) {
  const agent = new MockAgent();
  agent.disableNetConnect();
  const sleeps: number[] = [];
  const client = new WhatsAppClient({
    accessToken: TOKEN,
    phoneNumberId: PHONE_ID,
    businessAccountId: WABA_ID,
    dispatcher: agent,
    env: {},
    random: () => 0.5,
    sleep: async (ms) => {
      sleeps.push(ms);
    },
    ...options,
  });
  return { agent, pool: agent.get(ORIGIN), client, sleeps };
}

/** A logger that keeps every record, serialized, for secret scans. */
export function recordingLogger(): Logger & { lines: string[] } {
  const lines: string[] = [];
  const record = (level: string) => (message: string, data?: Record<string, unknown>) => {
    lines.push(`${level} ${message} ${JSON.stringify(data)}`);
  };
  return {
    lines,
    debug: record('debug'),
    info: record('info'),
    warn: record('warn'),
    error: record('error'),
  };
}

/** Meta's send response for one recipient. */
export function sendResponse(
  input = '+16505551234',
  waId = '16505551234',
  id = 'wamid.HBgLMTY1MDM4Nzk0MzkVAgARGBI0QUQ2',
) {
  return { messaging_product: 'whatsapp', contacts: [{ input, wa_id: waId }], messages: [{ id }] };
}

/** A Graph error body. */
export function graphError(code: number, message = `(#${code}) error`, extra: Record<string, unknown> = {}) {
  return { error: { message, type: 'OAuthException', code, fbtrace_id: 'AbCdEfTrace', ...extra } };
}
