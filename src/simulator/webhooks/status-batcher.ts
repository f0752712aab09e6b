import type { PendingWork } from '../pending-work.js';
import type { WebhookDispatcher } from './dispatcher.js';
import { type StatusObject, statusesEnvelope, type WebhookPhone } from './payloads.js';

const MAX_BATCH = 50;

/**
 * Gathers status updates that fall due within `windowMs` of each other into one POST per phone
 * number, as Meta does under load. A window of 0 posts every status on its own.
 */
export class StatusBatcher {
  readonly #pending = new Map<string, { phone: WebhookPhone; statuses: StatusObject[] }>();

  readonly #work: PendingWork;

  readonly #dispatcher: WebhookDispatcher;

  readonly #windowMs: number;

  readonly #wabaId: string;

  constructor(wabaId: string, windowMs: number, dispatcher: WebhookDispatcher, work: PendingWork) {
    this.#wabaId = wabaId;
    this.#windowMs = windowMs;
    this.#dispatcher = dispatcher;
    this.#work = work;
  }

  /** Queues one status for its number. */
  add(phone: WebhookPhone, status: StatusObject): void {
    if (this.#windowMs === 0) {
      this.#dispatcher.post(statusesEnvelope(this.#wabaId, phone, [status]));
      return;
    }
    let batch = this.#pending.get(phone.id);
    if (!batch) {
      batch = { phone, statuses: [] };
      this.#pending.set(phone.id, batch);
      this.#work.schedule(this.#windowMs, () => this.#release(phone.id));
    }
    batch.statuses.push(status);
    if (batch.statuses.length >= MAX_BATCH) this.#release(phone.id);
  }

  #release(phoneId: string): void {
    const batch = this.#pending.get(phoneId);
    if (!batch || batch.statuses.length === 0) return;
    this.#pending.delete(phoneId);
    this.#dispatcher.post(statusesEnvelope(this.#wabaId, batch.phone, batch.statuses));
  }
}
