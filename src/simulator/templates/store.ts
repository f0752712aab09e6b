import { ConfigError } from '../../errors/index.js';
import type { SimulatorTemplate, TemplateInput } from './simulator-template.js';
import type { SimulatorTemplates, TemplateFilter } from './simulator-templates.js';

const NAME = /^[a-z0-9_]{1,512}$/;

/**
 * The simulator's message templates, in creation order. Seeded at start; add your own with
 * {@link TemplateStore.add} (or through the Graph endpoints).
 */
export class TemplateStore implements SimulatorTemplates {
  readonly #byId = new Map<string, SimulatorTemplate>();

  readonly #newId: () => string;

  /**
   * @param seeds templates present from the start
   * @param newId generator of numeric ids for templates given without one
   */
  constructor(seeds: readonly TemplateInput[], newId: () => string) {
    this.#newId = newId;
    for (const seed of seeds) this.add(seed);
  }

  /**
   * Adds a template, or replaces the one with the same name and language. Defaults: status
   * `APPROVED`, category `UTILITY`. Throws `ConfigError` for a name Meta would refuse.
   */
  add(input: TemplateInput): SimulatorTemplate {
    if (!NAME.test(input.name)) {
      throw new ConfigError(`Invalid template name "${input.name}": use lowercase a-z, 0-9 and _`);
    }
    const existing = this.find(input.name, input.language);
    if (existing) this.#byId.delete(existing.id);
    const template: SimulatorTemplate = {
      ...input,
      id: input.id ?? existing?.id ?? this.#newId(),
      name: input.name,
      language: input.language,
      status: input.status ?? 'APPROVED',
      category: input.category ?? 'UTILITY',
      components: structuredClone(input.components ?? []),
    };
    this.#byId.set(template.id, template);
    return template;
  }

  /** The template with this id. */
  get(id: string): SimulatorTemplate | undefined {
    return this.#byId.get(id);
  }

  /** The template with this name in this language (exact match, as Meta matches at send time). */
  find(name: string, language: string): SimulatorTemplate | undefined {
    for (const t of this.#byId.values()) if (t.name === name && t.language === language) return t;
    return undefined;
  }

  /** Every template matching the filter, in creation order. */
  list(filter: TemplateFilter = {}): SimulatorTemplate[] {
    return [...this.#byId.values()].filter(
      (t) =>
        (!filter.name || t.name.includes(filter.name)) &&
        (!filter.status || t.status === filter.status.toUpperCase()) &&
        (!filter.category || t.category === filter.category.toUpperCase()) &&
        (!filter.language || t.language === filter.language),
    );
  }

  /** Changes a template's status (e.g. `PAUSED` to make sends fail with 132015). Returns false for an unknown id. */
  setStatus(id: string, status: string): boolean {
    const template = this.#byId.get(id);
    if (!template) return false;
    template.status = status;
    return true;
  }

  /** Applies an edit (`components` replace all existing ones). Returns false for an unknown id. */
  update(id: string, patch: Partial<Pick<SimulatorTemplate, 'category' | 'components'>>): boolean {
    const template = this.#byId.get(id);
    if (!template) return false;
    if (patch.category) template.category = patch.category;
    if (patch.components) template.components = structuredClone(patch.components);
    return true;
  }

  /** Deletes templates by id. Returns how many were deleted. */
  remove(ids: Iterable<string>): number {
    let removed = 0;
    for (const id of ids) if (this.#byId.delete(id)) removed++;
    return removed;
  }
}
