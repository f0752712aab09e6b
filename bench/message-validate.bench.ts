/**
 * Cost of `validateOutgoingMessage` (it runs on every send), in microseconds per message, for common
 * message kinds, beside a reference from the same run: the same schemas tried as one `z.union`
 * instead of dispatching on `type`. Median of 5 rounds. Prints one JSON line per figure.
 */
import * as z from 'zod';
import {
  messageSchemas,
  template,
  templateComponents,
  templateParams,
  text,
  validateOutgoingMessage,
} from '../src/messages/index.js';

const to = '+16505551234';
const messages = {
  text: text(to, 'Your order has shipped.'),
  template: template(to, 'order_update', 'en_US', [
    templateComponents.header(templateParams.image('https://cdn.example.test/header.jpg')),
    templateComponents.body(
      templateParams.text('Pablo'),
      templateParams.currency('$100.99', 'USD', 100990),
      templateParams.dateTime('February 25, 1977'),
    ),
    templateComponents.quickReply(0, 'STOP_PROMO'),
    templateComponents.urlButton(1, 'order/123'),
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
