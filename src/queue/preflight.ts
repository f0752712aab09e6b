import { ConfigError, ValidationError } from '../errors/index.js';
import { type MessageCategory, TEMPLATE_CATEGORIES } from './governance/message-category.js';
import type { OutgoingMessageLike, QueueClient, TemplateLike } from './send-client.js';

function placeholders(text: string | undefined): number {
  if (!text) return 0;
  return new Set([...text.matchAll(/\{\{\s*([\w]+)\s*\}\}/g)].map((m) => m[1])).size;
}

/**
 * Campaign pre-flight for a template message: the template exists in that language, is APPROVED
 * (so not PAUSED, PENDING or DISABLED), and the message gives the header and body exactly as many
 * parameters as the template has placeholders. Throws `ValidationError` naming the field;
 * `ConfigError` when the client cannot list templates. Non-template messages pass.
 *
 * Resolves with the template's category as Meta files it now (`marketing`, `utility`, `authentication`;
 * Meta may have re-categorized it since it was created), so governance applies the right rules; undefined
 * for a message that is not a template or a category it does not know.
 */
export async function preflightTemplate(
  client: QueueClient,
  message: OutgoingMessageLike,
): Promise<MessageCategory | undefined> {
  const template = message.template;
  if (!template) return undefined;
  const list = client.templates?.list;
  if (!list) throw new ConfigError('Campaign pre-flight needs a client with templates.list()');
  const language = template.language?.code;
  let found: TemplateLike | undefined;
  for await (const candidate of list.call(client.templates, { name: template.name })) {
    if (candidate.name === template.name && (language === undefined || candidate.language === language)) {
      found = candidate;
      break;
    }
  }
  const issue = (path: string, text: string) =>
    new ValidationError([{ path, message: text, code: 'preflight' }], 'template');
  if (!found)
    throw issue('template.name', `template ${template.name} (${language ?? 'any language'}) does not exist`);
  if (found.status !== 'APPROVED') {
    throw issue(
      'template.name',
      `template ${template.name} is ${found.status ?? 'not approved'}, not APPROVED`,
    );
  }
  for (const kind of ['header', 'body'] as const) {
    const defined = found.components?.find((c) => c.type.toLowerCase() === kind);
    const expected =
      defined && (kind === 'body' || defined.format === 'TEXT' || defined.format === undefined)
        ? placeholders(defined.text)
        : 0;
    const given =
      message.template?.components?.find((c) => c.type.toLowerCase() === kind)?.parameters?.length ?? 0;
    if (kind === 'header' && defined && defined.format !== undefined && defined.format !== 'TEXT') continue;
    if (expected !== given) {
      throw issue(
        `template.components.${kind}.parameters`,
        `template ${template.name} expects ${expected} ${kind} parameter(s), the message gives ${given}`,
      );
    }
  }
  return templateCategory(found.category);
}

/** Meta's `category` of a template (`UTILITY`, ...) as governance names it; undefined when unknown. */
function templateCategory(category: unknown): MessageCategory | undefined {
  if (typeof category !== 'string') return undefined;
  const name = category.toLowerCase() as MessageCategory;
  return TEMPLATE_CATEGORIES.includes(name) ? name : undefined;
}
