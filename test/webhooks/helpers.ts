import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** Directory of the webhook fixtures. */
export const FIXTURES = join(import.meta.dirname, '..', 'fixtures', 'webhooks');

/** Reads one fixture as text (exact bytes, as Meta would send them). */
export function fixtureText(path: string): string {
  return readFileSync(join(FIXTURES, path), 'utf8');
}

/** Reads one fixture as a parsed object. */
export function fixture(path: string): Record<string, unknown> {
  return JSON.parse(fixtureText(path)) as Record<string, unknown>;
}

/** The file names of a fixture directory. */
export function fixtureNames(dir: string): string[] {
  return readdirSync(join(FIXTURES, dir))
    .filter((f) => f.endsWith('.json'))
    .sort();
}

/** A `messages` webhook envelope around a value. */
export function messagesEnvelope(
  value: Record<string, unknown>,
  field = 'messages',
): Record<string, unknown> {
  return {
    object: 'whatsapp_business_account',
    entry: [
      {
        id: '102290129340398',
        changes: [
          {
            field,
            value: {
              messaging_product: 'whatsapp',
              metadata: { display_phone_number: '15550783881', phone_number_id: '106540352242922' },
              ...value,
            },
          },
        ],
      },
    ],
  };
}

/** A management-field envelope (template updates, account updates) with `entry.time`. */
export function managementEnvelope(field: string, value: unknown): Record<string, unknown> {
  return {
    object: 'whatsapp_business_account',
    entry: [{ id: '102290129340398', time: 1751247548, changes: [{ field, value }] }],
  };
}
