import type { SimulatorEngine } from '../engine.js';
import { missingParameterError, SimulatedGraphError } from '../graph-error.js';
import type { SimulatorTemplate } from '../templates/simulator-template.js';
import { ok, parseBody, type RequestContext, type RouteResult } from './context.js';

const DEFAULT_LIMIT = 25;
const CATEGORIES = new Set(['MARKETING', 'UTILITY', 'AUTHENTICATION']);
const EDITABLE = new Set(['APPROVED', 'REJECTED', 'PAUSED']);

const encodeCursor = (id: string) => Buffer.from(id).toString('base64url');
const decodeCursor = (cursor: string) => Buffer.from(cursor, 'base64url').toString('utf8');

function pickFields(template: SimulatorTemplate, fields: string | null): Record<string, unknown> {
  if (!fields) return template;
  const out: Record<string, unknown> = {};
  for (const field of fields.split(',').map((f) => f.trim())) {
    if (field in template) out[field] = template[field];
  }
  out.id = template.id;
  return out;
}

function invalid(details: string, extra: Record<string, unknown> = {}): SimulatedGraphError {
  return new SimulatedGraphError(100, { message: 'Invalid parameter', details, extra });
}

/** `GET /{waba-id}/message_templates` with filters and cursor paging (`before`/`after`, absolute `next`). */
export function listTemplates(engine: SimulatorEngine, ctx: RequestContext, wabaId: string): RouteResult {
  const q = ctx.query;
  const all = engine.templates.list({
    name: q.get('name') ?? undefined,
    status: q.get('status') ?? undefined,
    category: q.get('category') ?? undefined,
    language: q.get('language') ?? undefined,
  });
  const limit = Math.max(1, Math.min(Number(q.get('limit')) || DEFAULT_LIMIT, 1000));
  let start = 0;
  let end = all.length;
  const after = q.get('after');
  const before = q.get('before');
  if (after) {
    start = all.findIndex((t) => t.id === decodeCursor(after)) + 1;
    end = Math.min(all.length, start + limit);
  } else if (before) {
    end = Math.max(
      0,
      all.findIndex((t) => t.id === decodeCursor(before)),
    );
    start = Math.max(0, end - limit);
  } else {
    end = Math.min(all.length, limit);
  }
  const page = all.slice(start, end);
  const first = page[0];
  const last = page[page.length - 1];
  if (!first || !last) return ok({ data: [] });
  const link = (cursor: 'after' | 'before', id: string) => {
    const params = new URLSearchParams(q);
    params.delete('after');
    params.delete('before');
    params.set('access_token', ctx.token);
    params.set('limit', String(limit));
    params.set(cursor, encodeCursor(id));
    return `${ctx.baseUrl}/${ctx.version ?? 'v23.0'}/${wabaId}/message_templates?${params}`;
  };
  const paging: Record<string, unknown> = {
    cursors: { before: encodeCursor(first.id), after: encodeCursor(last.id) },
  };
  if (end < all.length) paging.next = link('after', last.id);
  if (start > 0) paging.previous = link('before', first.id);
  return ok({ data: page.map((t) => pickFields(t, q.get('fields'))), paging });
}

/** `POST /{waba-id}/message_templates`: created as `PENDING`, approved after `templateApprovalMs`. */
export function createTemplate(engine: SimulatorEngine, ctx: RequestContext): RouteResult {
  const body = parseBody(ctx) as Record<string, unknown> | undefined;
  if (!body || typeof body !== 'object') throw invalid('Request body must be a JSON object.');
  for (const key of ['name', 'language', 'category', 'components']) {
    if (body[key] === undefined) throw missingParameterError(key);
  }
  const name = String(body.name);
  const language = String(body.language);
  const category = String(body.category).toUpperCase();
  if (!/^[a-z0-9_]{1,512}$/.test(name)) {
    throw invalid('Template name can only contain lowercase letters, numbers and underscores.');
  }
  if (!CATEGORIES.has(category))
    throw invalid(`Param category must be one of {${[...CATEGORIES].join(', ')}}`);
  if (!Array.isArray(body.components)) throw invalid('Param components must be an array.');
  if (engine.templates.find(name, language)) {
    throw new SimulatedGraphError(100, {
      message: 'Invalid parameter',
      error_subcode: 2388024,
      details: `Content in this language already exists for template ${name}.`,
      extra: {
        is_transient: false,
        error_user_title: 'Message template already exists',
        error_user_msg: `There is already ${language} content for this template. You can create a new template and try again.`,
      },
    });
  }
  const template = engine.templates.add({
    ...body,
    name,
    language,
    category,
    status: 'PENDING',
    components: body.components as SimulatorTemplate['components'],
  });
  engine.scheduleApproval(template.id);
  return ok({ id: template.id, status: template.status, category: template.category });
}

/** `DELETE /{waba-id}/message_templates?name=[&hsm_id=]` or `?hsm_ids=[...]`. */
export function deleteTemplates(engine: SimulatorEngine, ctx: RequestContext): RouteResult {
  const q = ctx.query;
  const name = q.get('name');
  const hsmId = q.get('hsm_id');
  const hsmIds = q.get('hsm_ids');
  let ids: string[];
  if (hsmIds) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(hsmIds);
    } catch {
      throw invalid('Param hsm_ids must be a JSON array of template ids.');
    }
    ids = Array.isArray(parsed) ? parsed.map(String) : [];
    if (ids.length === 0 || ids.length > 100 || ids.some((id) => !engine.templates.get(id))) {
      throw invalid('Invalid template id in hsm_ids; nothing was deleted.');
    }
  } else {
    if (!name) throw missingParameterError('name');
    ids = engine.templates
      .list()
      .filter((t) => t.name === name && (!hsmId || t.id === hsmId))
      .map((t) => t.id);
    if (ids.length === 0) throw invalid(`Message template "${name}" not found.`);
  }
  engine.templates.remove(ids);
  return ok({ success: true });
}

/** `GET /{template-id}`. */
export function getTemplate(template: SimulatorTemplate, ctx: RequestContext): RouteResult {
  return ok(pickFields(template, ctx.query.get('fields')));
}

/** `POST /{template-id}`: edit `category` and/or `components`. */
export function editTemplate(
  engine: SimulatorEngine,
  template: SimulatorTemplate,
  ctx: RequestContext,
): RouteResult {
  const body = (parseBody(ctx) ?? {}) as Record<string, unknown>;
  if (!EDITABLE.has(template.status)) {
    throw invalid(`Template in status ${template.status} cannot be edited.`);
  }
  if (body.components !== undefined && !Array.isArray(body.components)) {
    throw invalid('Param components must be an array.');
  }
  engine.templates.update(template.id, {
    ...(typeof body.category === 'string' ? { category: body.category.toUpperCase() } : {}),
    ...(Array.isArray(body.components)
      ? { components: body.components as SimulatorTemplate['components'] }
      : {}),
  });
  return ok({ success: true });
}
