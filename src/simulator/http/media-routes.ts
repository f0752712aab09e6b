import type { SimulatorEngine } from '../engine.js';
import { missingParameterError, SimulatedGraphError } from '../graph-error.js';
import type { StoredMedia } from '../media/media-store.js';
import { ok, type RequestContext, type RouteResult } from './context.js';

const MB = 1024 * 1024;

function sizeLimit(mimeType: string): number {
  if (mimeType === 'image/webp') return 500 * 1024;
  if (mimeType.startsWith('image/')) return 5 * MB;
  if (mimeType.startsWith('video/') || mimeType.startsWith('audio/')) return 16 * MB;
  return 100 * MB;
}

/** `POST /{phone-number-id}/media` (multipart: `messaging_product`, `file`, optional `type`). */
export async function uploadMedia(
  engine: SimulatorEngine,
  ctx: RequestContext,
  phoneNumberId: string,
): Promise<RouteResult> {
  const contentType = String(ctx.headers['content-type'] ?? '');
  if (!contentType.startsWith('multipart/form-data')) {
    throw new SimulatedGraphError(100, {
      message: '(#100) Invalid parameter',
      details: 'Upload media as multipart/form-data with fields messaging_product and file.',
    });
  }
  let form: FormData;
  try {
    form = await new Request('http://simulator.invalid/', {
      method: 'POST',
      headers: { 'content-type': contentType },
      body: ctx.body,
    }).formData();
  } catch {
    throw new SimulatedGraphError(100, {
      message: '(#100) Invalid parameter',
      details: 'Malformed multipart body.',
    });
  }
  if (form.get('messaging_product') !== 'whatsapp') throw missingParameterError('messaging_product');
  const file = form.get('file');
  if (file === null || typeof file === 'string') throw missingParameterError('file');
  const typeField = form.get('type');
  const mimeType =
    file.type || (typeof typeField === 'string' ? typeField : '') || 'application/octet-stream';
  const bytes = Buffer.from(await file.arrayBuffer());
  if (bytes.length > sizeLimit(mimeType)) {
    throw new SimulatedGraphError(131053, {
      details: `File of ${bytes.length} bytes exceeds the ${sizeLimit(mimeType)} byte limit for ${mimeType}.`,
    });
  }
  const media = engine.media.add(engine.idSource.digits(16), phoneNumberId, mimeType, bytes);
  return ok({ id: media.id });
}

function checkOwner(media: StoredMedia, ctx: RequestContext): void {
  const owner = ctx.query.get('phone_number_id');
  if (owner && owner !== media.phoneNumberId) {
    throw new SimulatedGraphError(100, {
      message: '(#100) Invalid parameter',
      details: `Media ${media.id} does not belong to phone number ${owner}.`,
    });
  }
}

/** `GET /{media-id}`: the download URL (pointing back at the simulator) and metadata. */
export function getMedia(media: StoredMedia, ctx: RequestContext): RouteResult {
  checkOwner(media, ctx);
  return ok({
    messaging_product: 'whatsapp',
    url: `${ctx.baseUrl}/media-download/${media.id}?mid=${media.id}&ext=${Math.floor(Date.now() / 1000) + 300}`,
    mime_type: media.mimeType,
    sha256: media.sha256,
    file_size: String(media.bytes.length),
    id: media.id,
  });
}

/** `DELETE /{media-id}`. */
export function deleteMedia(engine: SimulatorEngine, media: StoredMedia, ctx: RequestContext): RouteResult {
  checkOwner(media, ctx);
  engine.media.delete(media.id);
  return ok({ success: true });
}

/** `GET /media-download/{id}` (Bearer token required): the bytes. */
export function downloadMedia(engine: SimulatorEngine, id: string): RouteResult {
  const media = engine.media.get(id);
  if (!media) return { status: 404, json: { error: { message: 'Not found', code: 404 } } };
  return { status: 200, bytes: media.bytes, contentType: media.mimeType };
}
