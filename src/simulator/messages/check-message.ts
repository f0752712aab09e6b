import { ValidationError } from '../../errors/index.js';
import { validateOutgoingMessage } from '../../messages/index.js';
import { missingParameterError, SimulatedGraphError } from '../graph-error.js';

/** Message types the simulator accepts on `POST /{phone-number-id}/messages`. */
export const MESSAGE_TYPES = [
  'text',
  'image',
  'audio',
  'video',
  'document',
  'sticker',
  'location',
  'contacts',
  'interactive',
  'template',
  'reaction',
] as const;

/** A send request that passed the structural checks. */
export interface CheckedSend {
  kind: 'send';
  /** `to` (or `recipient` for a BSUID) exactly as given: echoed in `contacts[].input`. */
  input: string;
  /** The WhatsApp id: digits of `to`, or the BSUID. */
  waId: string;
  /** Whether the recipient came from `to` (a phone number) rather than `recipient` (a BSUID). */
  usesTo: boolean;
  type: (typeof MESSAGE_TYPES)[number];
  /** The object under the `type` key. */
  payload: Record<string, unknown>;
  bizOpaqueCallbackData: string | undefined;
}

/** A mark-as-read request. */
export interface CheckedMarkRead {
  kind: 'mark_read';
  messageId: string;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function requireString(obj: Record<string, unknown>, key: string, label: string): void {
  if (typeof obj[key] !== 'string' || obj[key] === '') throw missingParameterError(label);
}

function checkPayload(type: CheckedSend['type'], payload: Record<string, unknown>): void {
  switch (type) {
    case 'text':
      requireString(payload, 'body', "text['body']");
      if ((payload.body as string).length > 4096) {
        throw new SimulatedGraphError(100, {
          message: "(#100) Param text['body'] must be at most 4096 characters long.",
        });
      }
      return;
    case 'image':
    case 'audio':
    case 'video':
    case 'document':
    case 'sticker':
      if (typeof payload.id !== 'string' && typeof payload.link !== 'string') {
        throw new SimulatedGraphError(131008, {
          details: `Parameter ${type}['id'] or ${type}['link'] is required`,
        });
      }
      return;
    case 'location':
      if (payload.latitude === undefined || payload.longitude === undefined) {
        throw missingParameterError("location['latitude'] and location['longitude']");
      }
      return;
    case 'interactive':
      requireString(payload, 'type', "interactive['type']");
      if (!isObject(payload.action)) throw missingParameterError("interactive['action']");
      return;
    case 'template':
      requireString(payload, 'name', "template['name']");
      if (!isObject(payload.language) || typeof payload.language.code !== 'string') {
        throw missingParameterError("template['language']['code']");
      }
      return;
    case 'reaction':
      requireString(payload, 'message_id', "reaction['message_id']");
      return;
    default:
      return;
  }
}

/**
 * Structural check of a `/messages` body, close to what Meta answers: `messaging_product`, `to`
 * and the type's required fields (100 / 131008), unknown types (100), then wacloud's own
 * `validateOutgoingMessage` when `validate` is on (its `ValidationError` becomes a 100).
 */
export function checkMessageBody(body: unknown, validate: boolean): CheckedSend | CheckedMarkRead {
  if (!isObject(body)) throw new SimulatedGraphError(100, { message: '(#100) Invalid parameter' });
  if (body.messaging_product !== 'whatsapp') {
    if (body.messaging_product === undefined) throw missingParameterError('messaging_product');
    throw new SimulatedGraphError(100, {
      message: `(#100) Param messaging_product must be one of {WHATSAPP} - got "${String(body.messaging_product)}".`,
    });
  }
  if (body.status !== undefined) {
    if (body.status !== 'read') {
      throw new SimulatedGraphError(100, { message: '(#100) Param status must be one of {READ}.' });
    }
    requireString(body, 'message_id', 'message_id');
    return { kind: 'mark_read', messageId: body.message_id as string };
  }
  const input = typeof body.to === 'string' && body.to !== '' ? body.to : body.recipient;
  if (typeof input !== 'string' || input === '') throw missingParameterError('to');
  // Meta's own examples omit `type` when the payload key says it (e.g. a list reply with `interactive`).
  const type = body.type ?? MESSAGE_TYPES.find((t) => body[t] !== undefined) ?? 'text';
  if (!MESSAGE_TYPES.includes(type as CheckedSend['type'])) {
    throw new SimulatedGraphError(100, {
      message: `(#100) Param type must be one of {${MESSAGE_TYPES.map((t) => t.toUpperCase()).join(', ')}} - got "${String(type)}".`,
    });
  }
  const payload = body[type as string];
  if (type === 'contacts') {
    if (!Array.isArray(payload) || payload.length === 0) throw missingParameterError('contacts');
  } else {
    if (!isObject(payload)) throw missingParameterError(String(type));
    checkPayload(type as CheckedSend['type'], payload);
  }
  if (validate) {
    const { messaging_product: _omit, ...message } = body;
    try {
      validateOutgoingMessage(message);
    } catch (error) {
      if (!(error instanceof ValidationError)) throw error;
      const issue = error.issues[0];
      throw new SimulatedGraphError(100, {
        message: `(#100) Invalid parameter`,
        details: `${issue?.path || '(root)'}: ${issue?.message ?? 'invalid'}`,
      });
    }
  }
  const usesTo = typeof body.to === 'string' && body.to !== '';
  const digits = input.replace(/\D/g, '');
  return {
    kind: 'send',
    input,
    waId: usesTo && digits ? digits : input,
    usesTo,
    type: type as CheckedSend['type'],
    payload: (type === 'contacts' ? { contacts: payload } : payload) as Record<string, unknown>,
    bizOpaqueCallbackData:
      typeof body.biz_opaque_callback_data === 'string' ? body.biz_opaque_callback_data : undefined,
  };
}
