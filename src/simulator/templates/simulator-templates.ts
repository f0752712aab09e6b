import type { SimulatorTemplate, TemplateInput } from './simulator-template.js';

/**
 * The simulator's message templates (`sim.templates`), in creation order. Seeded at start; add your own
 * with {@link SimulatorTemplates.add} (or through the Graph endpoints).
 */
export interface SimulatorTemplates {
  /**
   * Adds a template, or replaces the one with the same name and language. Defaults: status
   * `APPROVED`, category `UTILITY`. Throws `ConfigError` for a name Meta would refuse.
   */
  add(input: TemplateInput): SimulatorTemplate;
  /** The template with this id. */
  get(id: string): SimulatorTemplate | undefined;
  /** The template with this name in this language (exact match, as Meta matches at send time). */
  find(name: string, language: string): SimulatorTemplate | undefined;
  /** Every template matching the filter, in creation order. */
  list(filter?: TemplateFilter): SimulatorTemplate[];
  /** Changes a template's status (e.g. `PAUSED` to make sends fail with 132015). Returns false for an unknown id. */
  setStatus(id: string, status: string): boolean;
  /** Applies an edit (`components` replace all existing ones). Returns false for an unknown id. */
  update(id: string, patch: Partial<Pick<SimulatorTemplate, 'category' | 'components'>>): boolean;
  /** Deletes templates by id. Returns how many were deleted. */
  remove(ids: Iterable<string>): number;
}

/** Filters of `GET /{waba-id}/message_templates` the simulator honours. */
export interface TemplateFilter {
  name?: string;
  status?: string;
  category?: string;
  language?: string;
}
