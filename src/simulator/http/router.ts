import type { SimulatorEngine } from '../engine.js';
import { SimulatedGraphError, unknownObjectError } from '../graph-error.js';
import { parseBody, type RequestContext, type RouteResult } from './context.js';
import {
  getBusinessAccountFields,
  getMessageHistory,
  getMessageHistoryEvents,
  getTemplateAnalytics,
  postBusinessAccount,
} from './insights-routes.js';
import { deleteMedia, getMedia, uploadMedia } from './media-routes.js';
import { getPhoneNumber } from './phone-routes.js';
import {
  createTemplate,
  deleteTemplates,
  editTemplate,
  getTemplate,
  listTemplates,
} from './template-routes.js';

function unknownPath(ctx: RequestContext): SimulatedGraphError {
  return new SimulatedGraphError(2500, {
    message: `Unknown path components: /${ctx.segments.slice(1).join('/')}`,
    noErrorData: true,
  });
}

/**
 * Applies an injected fault matching this request, if any: waits `delayMs`, then answers with the
 * Graph error, or returns `disconnect`. A fault with only `delayMs` lets the request through late
 * (the message is accepted after the client may have given up).
 */
export async function applyFault(
  engine: SimulatorEngine,
  ctx: RequestContext,
): Promise<'disconnect' | undefined> {
  const edge = ctx.segments.length === 2 ? (ctx.segments[1] as string) : 'node';
  let to: string | undefined;
  if (edge === 'messages' || edge === 'marketing_messages') {
    const body = parseBody(ctx) as { to?: unknown } | undefined;
    to = typeof body?.to === 'string' ? body.to : undefined;
  }
  const fault = engine.takeFault(edge, to);
  if (!fault) return undefined;
  if (fault.delayMs) await new Promise((resolve) => setTimeout(resolve, fault.delayMs));
  if (fault.disconnect) return 'disconnect';
  if (fault.delayMs && fault.code === undefined) return undefined;
  throw new SimulatedGraphError(fault.code ?? 131000, {
    ...(fault.status === undefined ? {} : { status: fault.status }),
    ...(fault.details === undefined ? {} : { details: fault.details }),
  });
}

/** Dispatches an authenticated Graph request to its handler. */
export async function route(engine: SimulatorEngine, ctx: RequestContext): Promise<RouteResult> {
  const [id, edge, ...rest] = ctx.segments;
  if (!id || rest.length > 0) throw unknownPath(ctx);
  const wabaId = engine.options.businessAccountId;
  const method = ctx.method;

  if (edge !== undefined) {
    if (edge === 'messages' && method === 'POST') {
      return { status: 200, json: engine.postMessages(id, parseBody(ctx)) };
    }
    if (edge === 'marketing_messages' && method === 'POST') {
      return { status: 200, json: engine.postMarketingMessages(id, parseBody(ctx)) };
    }
    if (edge === 'media' && method === 'POST') {
      if (!engine.phone(id)) throw unknownObjectError(method, id);
      return uploadMedia(engine, ctx, id);
    }
    if (edge === 'message_templates') {
      if (id !== wabaId) throw unknownObjectError(method, id);
      if (method === 'GET') return listTemplates(engine, ctx, id);
      if (method === 'POST') return createTemplate(engine, ctx);
      if (method === 'DELETE') return deleteTemplates(engine, ctx);
    }
    if (edge === 'template_analytics' && method === 'GET') {
      if (id !== wabaId) throw unknownObjectError(method, id);
      return getTemplateAnalytics(engine, ctx, id);
    }
    if (edge === 'message_history' && method === 'GET') {
      if (!engine.phone(id)) throw unknownObjectError(method, id);
      return getMessageHistory(engine, ctx, id);
    }
    if (edge === 'events' && method === 'GET' && engine.insights.byHistoryId(id)) {
      return getMessageHistoryEvents(engine, ctx, id);
    }
    throw unknownObjectError(method, id);
  }

  const phone = engine.phone(id);
  if (phone && method === 'GET') return getPhoneNumber(phone, ctx);
  const media = engine.media.get(id);
  if (media && method === 'GET') return getMedia(media, ctx);
  if (media && method === 'DELETE') return deleteMedia(engine, media, ctx);
  const template = engine.templates.get(id);
  if (template && method === 'GET') return getTemplate(template, ctx);
  if (template && method === 'POST') return editTemplate(engine, template, ctx);
  if (id === wabaId && method === 'GET') return getBusinessAccountFields(engine, ctx, wabaId);
  if (id === wabaId && method === 'POST') return postBusinessAccount(engine, ctx);
  throw unknownObjectError(method, id);
}
