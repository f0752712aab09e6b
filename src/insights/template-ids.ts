import type { WhatsAppClient } from '../client/index.js';

/**
 * The template ids of each name: those given, and for the other names the ids `wa.templates.list`
 * reports (every language of the name). One listing of the account's templates, only when a name is
 * missing; a name Meta does not know maps to no id.
 */
export async function templateIdsByName(
  client: Pick<WhatsAppClient, 'templates'>,
  names: readonly string[],
  given: Readonly<Record<string, string | readonly string[]>> = {},
  signal?: AbortSignal,
): Promise<Map<string, string[]>> {
  const ids = new Map<string, string[]>();
  const missing: string[] = [];
  for (const name of names) {
    const known = Object.hasOwn(given, name) ? given[name] : undefined;
    if (known === undefined) missing.push(name);
    else ids.set(name, typeof known === 'string' ? [known] : [...known]);
  }
  if (missing.length === 0) return ids;
  for (const name of missing) ids.set(name, []);
  for await (const template of client.templates.list({
    fields: ['id', 'name'],
    ...(signal ? { signal } : {}),
  })) {
    const list = ids.get(template.name);
    if (list && missing.includes(template.name) && !list.includes(template.id)) list.push(template.id);
  }
  return ids;
}
