/**
 * A template campaign from a CSV file, streamed row by row (memory stays flat for a million rows).
 * Bad rows are reported with their line number and the rest are still sent.
 *
 * Run: `npx tsx examples/template-campaign-csv.ts [file.csv]` (default examples/data/recipients.csv).
 * The same thing from the command line: `wacloud send --template spring_sale --to recipients.csv ...`.
 */
import { createReadStream } from 'node:fs';
import { parse } from 'csv-parse';
import { MemoryEventStore } from '../src/events/index.js';
import { msg } from '../src/messages/index.js';
import { type OutgoingMessageLike, SendQueue } from '../src/queue/index.js';
import { connect } from './lib/connect.js';

const file = process.argv[2] ?? new URL('./data/recipients.csv', import.meta.url).pathname;
const { client, close } = await connect();
const store = new MemoryEventStore();
const queue = new SendQueue({ client, store, messagesPerSecond: 80 });

interface Row {
  phone: string;
  first_name: string;
  promo_code: string;
  segment: string;
  line: number;
}

const badRows: string[] = [];
async function* rows(): AsyncGenerator<Row> {
  const parser = createReadStream(file).pipe(
    parse({ columns: true, trim: true, skip_empty_lines: true, info: true }),
  );
  for await (const { record, info } of parser as AsyncIterable<{
    record: Record<string, string>;
    info: { lines: number };
  }>) {
    const phone = (record.phone ?? '').replace(/[\s\-()]/g, '');
    if (!/^\+?\d{7,15}$/.test(phone))
      badRows.push(`line ${info.lines}: "${record.phone}" is not a phone number`);
    else if (!record.first_name) badRows.push(`line ${info.lines}: first_name is empty`);
    else {
      yield {
        phone,
        first_name: record.first_name,
        promo_code: record.promo_code ?? '',
        segment: record.segment ?? '',
        line: info.lines,
      };
    }
  }
}

const campaign = queue.sendCampaign({
  campaignId: 'spring-sale-csv',
  recipients: rows(),
  segment: (row) => row.segment,
  // spring_sale: an image header, two body parameters and a URL button with a dynamic suffix.
  build: (row) =>
    msg.template(row.phone, 'spring_sale', 'en_US', [
      msg.templateComponents.header(msg.templateParams.image('https://example.com/spring.jpg')),
      msg.templateComponents.body(
        msg.templateParams.text(row.first_name),
        msg.templateParams.text(row.promo_code),
      ),
      msg.templateComponents.urlButton(1, `spring?c=${encodeURIComponent(row.promo_code)}`),
    ]) as OutgoingMessageLike,
});
const result = await campaign.done;
await queue.close();

for (const message of badRows) console.log(`skipped ${message}`);
console.log(
  `sent ${result.sent}, failed ${result.failed}, skipped ${result.skipped}, bad rows ${badRows.length}`,
);

const bySegment = new Map<string, number>();
for await (const event of store.scan({ campaignId: 'spring-sale-csv', kinds: ['outbound'] })) {
  if (event.kind === 'outbound')
    bySegment.set(event.segment ?? '-', (bySegment.get(event.segment ?? '-') ?? 0) + 1);
}
console.log(`accepted by segment: ${[...bySegment].map(([s, n]) => `${s} ${n}`).join(', ')}`);

await close();
