/**
 * Cost of `validateOutgoingMessage` (it runs on every send), in microseconds per message, for common
 * message kinds, beside a reference from the same run: the same schemas tried as one `z.union`
 * instead of dispatching on `type`. Median of 5 rounds. Prints one JSON line per figure.
 */
import * as z from 'zod';
import { msg, validateOutgoingMessage } from '../src/messages/index.js';
import { messageSchemas } from '../src/messages/schemas/outgoing-message-schema.js';

const to = '+16505551234';
const messages = {
  text: msg.text(to, 'Your order has shipped.'),
  template: msg.template(to, 'order_update', 'en_US', [
    msg.templateComponents.header(msg.templateParams.image('https://cdn.example.test/header.jpg')),
    msg.templateComponents.body(
      msg.templateParams.text('Pablo'),
      msg.templateParams.currency('$100.99', 'USD', 100990),
      msg.templateParams.dateTime('February 25, 1977'),
    ),
    msg.templateComponents.quickReply(0, 'STOP_PROMO'),
    msg.templateComponents.urlButton(1, 'order/123'),
  ]),
  buttons: {
    to,
    type: 'interactive',
    interactive: {
      type: 'button',
      body: { text: 'Was this helpful?' },
      action: {
        buttons: [
          { type: 'reply', reply: { id: 'yes', title: 'Yes' } },
          { type: 'reply', reply: { id: 'no', title: 'No' } },
          { type: 'reply', reply: { id: 'stop', title: 'Stop' } },
        ],
      },
    },
  },
} as const;

const ROUNDS = 5;
const N = 50_000;

function microsPerCall(fn: () => void): number {
  for (let i = 0; i < 5_000; i++) fn();
  const samples: number[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    const start = process.hrtime.bigint();
    for (let i = 0; i < N; i++) fn();
    samples.push(Number(process.hrtime.bigint() - start) / N / 1000);
  }
  samples.sort((a, b) => a - b);
  return samples[Math.floor(ROUNDS / 2)] as number;
}

const print = (figure: string, value: number, extra: Record<string, unknown> = {}) =>
  console.log(
    JSON.stringify({
      bench: 'message-validate',
      figure,
      value: Number(value.toFixed(3)),
      unit: 'µs/message',
      ...extra,
    }),
  );

for (const [kind, message] of Object.entries(messages)) {
  print(
    `validate_${kind}`,
    microsPerCall(() => validateOutgoingMessage(message)),
    { rounds: ROUNDS, perRound: N },
  );
}

const union = z.union(Object.values(messageSchemas) as [z.ZodType, z.ZodType, ...z.ZodType[]]);
print(
  'reference_union_template',
  microsPerCall(() => union.parse(messages.template)),
  {
    note: 'same schemas tried as one z.union, no dispatch',
  },
);
