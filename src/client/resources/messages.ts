import { InvalidResponseError, ValidationError } from '../../errors/index.js';
import type { OutgoingMessage } from '../../messages/types/outgoing-message.js';
import { validateOutgoingMessage } from '../../messages/validate.js';
import type { CallOptions, Transport } from '../transport.js';
import { type SendMarketingOptions, serializeMarketingBody } from './marketing-messages.js';
import { missingOption } from './missing-option.js';
import type { SendableMessage } from './sendable-message.js';

export type { SendableMessage } from './sendable-message.js';

/** `accepted`, `held_for_quality_assessment` or `paused` (template sends only). */
export type SendMessageStatus = 'accepted' | 'held_for_quality_assessment' | 'paused' | (string & {});

/** The send endpoint's answer, as Meta returns it. */
export interface SendMessageResponse {
  /** Always `whatsapp`. */
  messaging_product?: string;
  /** The recipient as sent (`input`) and as WhatsApp knows them (`wa_id`). */
  contacts?: Array<{ input?: string; wa_id?: string; user_id?: string }>;
  /** The created message. */
  messages?: Array<{ id: string; message_status?: SendMessageStatus }>;
  /** Present for group sends. */
  group_id?: string;
}

/** What `messages.send` resolves to. */
export interface SendMessageResult {
  /** The `wamid.…` id of the message; status webhooks carry it. */
  messageId: string;
  /** The recipient as Meta received it (`contacts[0].input`). */
  input: string;
  /** WhatsApp id of the recipient, when Meta returned one (absent for some BSUID sends). */
  waId?: string;
  /** Template pacing status, when Meta returned one. */
  messageStatus?: SendMessageStatus;
  /** Group id, for group sends. */
  groupId?: string;
  /** Meta's response, untouched (not enumerable, so it stays out of equality checks and logs). */
  readonly raw?: SendMessageResponse;
}

/** Options of `messages.markRead`. */
export interface MarkReadOptions extends CallOptions {
  /** Also show a typing indicator (up to 25 s, or until you reply). */
  typing?: boolean;
}

const WIRE_PREFIX = '{"messaging_product":"whatsapp"';

/** `wa.messages`: send messages and mark inbound messages as read. */
export class MessagesResource {
  #transport: Transport;
  #path: string | undefined;
  #marketingPath: string | undefined;

  /** @internal */
  constructor(transport: Transport, phoneNumberId: string | undefined) {
    this.#transport = transport;
    this.#path = phoneNumberId === undefined ? undefined : transport.apiPath(phoneNumberId, 'messages');
    this.#marketingPath =
      phoneNumberId === undefined ? undefined : transport.apiPath(phoneNumberId, 'marketing_messages');
  }

  #messagesPath(): string {
    if (this.#path === undefined) throw missingOption('phoneNumberId', 'messages');
    return this.#path;
  }

  /**
   * Sends a message: `POST /{phone-number-id}/messages`.
   *
   * The message is validated first (documented Cloud API limits) and a `ValidationError` naming the
   * field is thrown before any request. What goes on the wire is your body with
   * `messaging_product: "whatsapp"` in front: nothing reordered, renamed or added (a body that
   * already carries `messaging_product: "whatsapp"` is sent as it is).
   *
   * Retry policy: a send is retried only when the connection failed before any byte of the request
   * was written (e.g. connection refused, DNS failure, connect timeout). Once the body may have
   * reached Meta — an HTTP error (5xx included), a timeout or a reset after writing — it is **never**
   * re-sent by the client, because a second request could deliver the message twice; the error
   * tells you (`NetworkError.requestMayHaveReachedServer`). Throughput limits (130429) are not
   * retried here either: `SendQueue` owns that backoff.
   *
   * @returns the message id and recipient as Meta accepted them (accepted is not delivered:
   *   delivery comes as status webhooks).
   */
  async send(message: OutgoingMessage | SendableMessage, options?: CallOptions): Promise<SendMessageResult> {
    const body = serializeSendBody(message);
    const response = await this.#transport.json<SendMessageResponse>({
      method: 'POST',
      path: this.#messagesPath(),
      body,
      idempotent: false,
      signal: options?.signal,
      timeoutMs: options?.timeoutMs,
      maxRetries: options?.maxRetries,
    });
    return toSendResult(response, message, this.#messagesPath());
  }

  /**
   * Sends a marketing template through Meta's Marketing Messages API:
   * `POST /{phone-number-id}/marketing_messages`, with `product_policy` and `message_activity_sharing`
   * from `options`. Only template messages to individual recipients are accepted (anything else throws
   * `ValidationError` before any request); Meta answers a template that is not a marketing template
   * with 131055 or 134100 (`TemplateError`, not retryable) and one still syncing to the API with 134101
   * (`TemplateError`, `retryable`: try again in about 10 minutes). The same retry policy as
   * {@link MessagesResource.send}: never re-sent once the body may have reached Meta.
   *
   * Message time-to-live is a template setting on this API (`message_send_ttl_seconds`, 12 h to
   * 30 days, when creating or updating the template), not a per-send field.
   */
  async sendMarketing(
    message: OutgoingMessage | SendableMessage,
    options: SendMarketingOptions = {},
  ): Promise<SendMessageResult> {
    const body = serializeMarketingBody(message, options);
    if (this.#marketingPath === undefined) throw missingOption('phoneNumberId', 'messages');
    const response = await this.#transport.json<SendMessageResponse>({
      method: 'POST',
      path: this.#marketingPath,
      body,
      idempotent: false,
      signal: options.signal,
      timeoutMs: options.timeoutMs,
      maxRetries: options.maxRetries,
    });
    return toSendResult(response, message, this.#marketingPath);
  }

  /**
   * Marks an inbound message (and every earlier one in the chat) as read, optionally showing a
   * typing indicator. Safe to repeat, so it is retried on 5xx and transient codes.
   */
  async markRead(messageId: string, options: MarkReadOptions = {}): Promise<{ success: boolean }> {
    if (typeof messageId !== 'string' || messageId.length === 0) {
      throw new ValidationError([{ path: 'message_id', message: 'must be a non-empty string' }]);
    }
    const body: Record<string, unknown> = {
      messaging_product: 'whatsapp',
      status: 'read',
      message_id: messageId,
    };
    if (options.typing) body.typing_indicator = { type: 'text' };
    return this.#transport.json<{ success: boolean }>({
      method: 'POST',
      path: this.#messagesPath(),
      body: JSON.stringify(body),
      idempotent: true,
      signal: options.signal,
      timeoutMs: options.timeoutMs,
      maxRetries: options.maxRetries,
    });
  }
}

/**
 * The exact JSON sent for `message`: `{"messaging_product":"whatsapp", ...message}` with the
 * user's keys in the user's order. Validates first.
 */
export function serializeSendBody(message: OutgoingMessage | SendableMessage): string {
  if (message !== null && typeof message === 'object' && 'messaging_product' in message) {
    const { messaging_product, ...rest } = message;
    if (messaging_product !== 'whatsapp') {
      throw new ValidationError([{ path: 'messaging_product', message: 'must be "whatsapp" when given' }]);
    }
    validateOutgoingMessage(rest);
    return JSON.stringify(message);
  }
  validateOutgoingMessage(message);
  const json = JSON.stringify(message);
  return json.length <= 2 ? `${WIRE_PREFIX}}` : `${WIRE_PREFIX},${json.slice(1)}`;
}

function toSendResult(
  response: SendMessageResponse,
  message: OutgoingMessage | SendableMessage,
  path: string,
): SendMessageResult {
  const sent = response?.messages?.[0];
  if (!sent || typeof sent.id !== 'string') {
    // The transport resolves only 2xx answers: Meta accepted the request, so the message may be sent.
    throw new InvalidResponseError('Graph API accepted the send but returned no message id.', {
      status: 200,
      request: { method: 'POST', path },
    });
  }
  const contact = response.contacts?.[0];
  const result: SendMessageResult = {
    messageId: sent.id,
    input: contact?.input ?? message.to ?? message.recipient ?? '',
  };
  if (contact?.wa_id !== undefined) result.waId = contact.wa_id;
  if (sent.message_status !== undefined) result.messageStatus = sent.message_status;
  if (response.group_id !== undefined) result.groupId = response.group_id;
  Object.defineProperty(result, 'raw', { value: response, enumerable: false });
  return result;
}
