/**
 * How the examples get a client: with `WHATSAPP_BASE_URL` set they use your real credentials from
 * the environment; without it they start the local simulator, so they run with no Meta account.
 */
import { WhatsAppClient } from '../../src/client/index.js';
import { type Simulator, type SimulatorOptions, startSimulator } from '../../src/simulator/index.js';

/** A client and, when running locally, the simulator behind it. */
export interface ExampleConnection {
  client: WhatsAppClient;
  /** The simulator, when no WHATSAPP_BASE_URL was set. */
  simulator: Simulator | undefined;
  /** Who to send to: WHATSAPP_TEST_RECIPIENT, or a made-up number on the simulator. */
  recipient: string;
  /** Stops the simulator (if any). */
  close(): Promise<void>;
}

/** Connects to Meta (env) or to a fresh simulator started with `options`. */
export async function connect(options: SimulatorOptions = {}): Promise<ExampleConnection> {
  if (process.env.WHATSAPP_BASE_URL) {
    const recipient = process.env.WHATSAPP_TEST_RECIPIENT;
    if (!recipient) throw new Error('Set WHATSAPP_TEST_RECIPIENT to the number to send to.');
    // Token, phone number id, business account id and base URL all come from WHATSAPP_* variables.
    return { client: new WhatsAppClient({}), simulator: undefined, recipient, close: async () => {} };
  }
  // speed: simulated user behaviour (reads, replies over minutes) plays out in milliseconds.
  const simulator = await startSimulator({
    seed: 1,
    ...options,
    behaviour: { speed: 1000, ...options.behaviour },
  });
  const client = new WhatsAppClient({
    accessToken: 'test-token',
    phoneNumberId: simulator.phoneNumberId,
    businessAccountId: simulator.businessAccountId,
    baseUrl: simulator.url,
  });
  return {
    client,
    simulator,
    recipient: '+16505551234',
    close: async () => {
      await simulator.flush();
      await simulator.close();
    },
  };
}
