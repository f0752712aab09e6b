import { ValidationError } from '../../errors/index.js';
import { paginate } from '../pagination.js';
import type { CallOptions, Transport } from '../transport.js';
import { missingOption } from './missing-option.js';

/** A message template as the Graph API returns it (only commonly used fields typed). */
export interface TemplateInfo {
  /** Template id. */
  id: string;
  /** Template name. */
  name: string;
  /** Language code, e.g. `en_US`. */
  language?: string;
  /** `APPROVED`, `PENDING`, `REJECTED`, `PAUSED`, `DISABLED`, ... */
  status?: string;
  /** `MARKETING`, `UTILITY` or `AUTHENTICATION`. */
  category?: string;
  /** `NAMED` or `POSITIONAL`. */
  parameter_format?: string;
  /** Header, body, footer and buttons components. */
  components?: Array<{ type: string; [key: string]: unknown }>;
  /** Any other field requested with `fields`. */
  [key: string]: unknown;
}

/** Filters of `templates.list` (Graph query parameters). */
export interface TemplateListFilter extends CallOptions {
  /** Only templates with this status (or any of these). */
  status?: string | string[];
  /** Only this category (or any of these). */
  category?: string | string[];
  /** Name filter. */
  name?: string;
  /** Language filter, e.g. `en_US`. */
  language?: string | string[];
  /** Fields to return, e.g. `['name', 'status', 'components']`. */
  fields?: string | string[];
  /** Page size. */
  limit?: number;
}

/** Body of `templates.create` (Meta's shape). */
export interface TemplateCreateBody {
  /** Lowercase letters, digits and `_`, at most 512 characters. */
  name: string;
  /** `MARKETING`, `UTILITY` or `AUTHENTICATION`. */
  category: string;
  /** Language code, e.g. `en_US`. */
  language: string;
  /** `NAMED` or `POSITIONAL`. */
  parameter_format?: string;
  /** Header, body, footer and buttons components. */
  components: Array<{ type: string; [key: string]: unknown }>;
  /** Any other field Meta accepts. */
  [key: string]: unknown;
}

/** Body of `templates.update`: new category and/or components (which replace all existing ones). */
export interface TemplateUpdateBody {
  /** New category (not allowed on approved templates). */
  category?: string;
  /** Components that replace all existing ones. */
  components?: Array<{ type: string; [key: string]: unknown }>;
  /** Any other field Meta accepts (e.g. `message_send_ttl_seconds`). */
  [key: string]: unknown;
}

/**
 * What `templates.delete` removes: every language of a name, one template (`name` + `id`), or up
 * to 100 templates by id (if any id is invalid, nothing is deleted).
 */
export type TemplateDeleteTarget = { name: string; id?: string } | { ids: string[] };

const TEMPLATE_NAME = /^[a-z0-9_]+$/;

/** `wa.templates`: list, read, create, edit and delete message templates of the WABA. */
export class TemplatesResource {
  #transport: Transport;
  #businessAccountId: string | undefined;

  /** @internal */
  constructor(transport: Transport, businessAccountId: string | undefined) {
    this.#transport = transport;
    this.#businessAccountId = businessAccountId;
  }

  /**
   * Every template matching `filter`, following `paging.next` across all pages:
   * `for await (const t of wa.templates.list({ status: 'APPROVED' })) …`.
   */
  list(filter: TemplateListFilter = {}): AsyncIterable<TemplateInfo> {
    const path = this.#collectionPath();
    const query = new URLSearchParams();
    for (const key of ['fields', 'status', 'category', 'name', 'language'] as const) {
      const value = filter[key];
      if (value !== undefined) query.set(key, Array.isArray(value) ? value.join(',') : value);
    }
    if (filter.limit !== undefined) query.set('limit', String(filter.limit));
    const search = query.toString();
    const { signal, timeoutMs, maxRetries } = filter;
    return paginate<TemplateInfo>(this.#transport, search ? `${path}?${search}` : path, {
      signal,
      timeoutMs,
      maxRetries,
    });
  }

  /** `GET /{template-id}`, optionally with `fields`. */
  async get(
    templateId: string,
    options: CallOptions & { fields?: string | string[] } = {},
  ): Promise<TemplateInfo> {
    requireId(templateId, 'templateId');
    const fields = Array.isArray(options.fields) ? options.fields.join(',') : options.fields;
    const path = this.#transport.apiPath(templateId);
    return this.#transport.json<TemplateInfo>({
      method: 'GET',
      path: fields ? `${path}?fields=${encodeURIComponent(fields)}` : path,
      idempotent: true,
      ...callOf(options),
    });
  }

  /**
   * `POST /{waba-id}/message_templates`. The name is checked first (`^[a-z0-9_]+$`, ≤512).
   * Resolves `{ id, status, category }`. Not retried once sent (a repeat could create a duplicate
   * or count against the 100-per-hour creation limit).
   */
  async create(
    body: TemplateCreateBody,
    options: CallOptions = {},
  ): Promise<{ id: string; status: string; category: string }> {
    const path = this.#collectionPath();
    const name = body?.name;
    if (typeof name !== 'string' || !TEMPLATE_NAME.test(name) || name.length > 512) {
      throw new ValidationError(
        [{ path: 'name', message: 'must match ^[a-z0-9_]+$ and be at most 512 characters' }],
        'template',
      );
    }
    return this.#transport.json({
      method: 'POST',
      path,
      body: JSON.stringify(body),
      idempotent: false,
      ...callOf(options),
    });
  }

  /** `POST /{template-id}`: edit category and/or components. Not retried (edits are rate-limited). */
  async update(
    templateId: string,
    body: TemplateUpdateBody,
    options: CallOptions = {},
  ): Promise<{ success: boolean; [key: string]: unknown }> {
    requireId(templateId, 'templateId');
    return this.#transport.json({
      method: 'POST',
      path: this.#transport.apiPath(templateId),
      body: JSON.stringify(body),
      idempotent: false,
      ...callOf(options),
    });
  }

  /** `DELETE /{waba-id}/message_templates` with `name`, `hsm_id` + `name`, or `hsm_ids`. */
  async delete(target: TemplateDeleteTarget, options: CallOptions = {}): Promise<{ success: boolean }> {
    const path = this.#collectionPath();
    const query = new URLSearchParams();
    if (target && 'ids' in target && Array.isArray(target.ids)) {
      if (target.ids.length === 0 || target.ids.length > 100) {
        throw new ValidationError(
          [{ path: 'ids', message: 'must hold 1 to 100 template ids' }],
          'template delete',
        );
      }
      query.set('hsm_ids', JSON.stringify(target.ids));
    } else if (target && 'name' in target && typeof target.name === 'string' && target.name.length > 0) {
      if (target.id !== undefined) query.set('hsm_id', target.id);
      query.set('name', target.name);
    } else {
      throw new ValidationError(
        [{ path: 'name', message: 'give { name }, { name, id } or { ids }' }],
        'template delete',
      );
    }
    return this.#transport.json({
      method: 'DELETE',
      path: `${path}?${query.toString()}`,
      idempotent: true,
      ...callOf(options),
    });
  }

  #collectionPath(): string {
    if (this.#businessAccountId === undefined) throw missingOption('businessAccountId', 'templates');
    return this.#transport.apiPath(this.#businessAccountId, 'message_templates');
  }
}

function requireId(id: unknown, name: string): void {
  if (typeof id !== 'string' || id.length === 0) {
    throw new ValidationError([{ path: name, message: 'must be a non-empty string' }], name);
  }
}

function callOf(options: CallOptions): CallOptions {
  return { signal: options.signal, timeoutMs: options.timeoutMs, maxRetries: options.maxRetries };
}
