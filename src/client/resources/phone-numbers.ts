import type { CallOptions, Transport } from '../transport.js';
import { missingOption } from './missing-option.js';

/** Fields of `GET /{phone-number-id}` (only those requested are present). */
export interface PhoneNumberInfo {
  /** Phone number id. */
  id: string;
  /** The number as shown to users, e.g. `+1 555-078-3881`. */
  display_phone_number?: string;
  /** The approved display name. */
  verified_name?: string;
  /** `APPROVED`, `PENDING_REVIEW`, `DECLINED`, ... */
  name_status?: string;
  /** `GREEN`, `YELLOW`, `RED` or `UNKNOWN`/`NA`. */
  quality_rating?: string;
  /** Throughput level: `STANDARD` (80 mps), `HIGH` (1000 mps) or `NOT_APPLICABLE`. */
  throughput?: { level: string };
  /** Portfolio messaging limit, e.g. `TIER_2K` (replaces the deprecated `messaging_limit_tier`). */
  whatsapp_business_manager_messaging_limit?: string;
  /** Two-step verification status. */
  code_verification_status?: string;
  /** `CLOUD_API`, ... */
  platform_type?: string;
  /** Registration status. */
  status?: string;
  /** Official business account badge. */
  is_official_business_account?: boolean;
  /** Any other requested field. */
  [key: string]: unknown;
}

/** Fields `phoneNumbers.get()` asks for by default. */
export const DEFAULT_PHONE_NUMBER_FIELDS: readonly string[] = [
  'id',
  'display_phone_number',
  'verified_name',
  'name_status',
  'quality_rating',
  'throughput',
  'whatsapp_business_manager_messaging_limit',
  'code_verification_status',
  'platform_type',
  'status',
];

/** `wa.phoneNumbers`: the sending number's quality rating, throughput level and messaging limit. */
export class PhoneNumbersResource {
  #transport: Transport;
  #phoneNumberId: string | undefined;

  /** @internal */
  constructor(transport: Transport, phoneNumberId: string | undefined) {
    this.#transport = transport;
    this.#phoneNumberId = phoneNumberId;
  }

  /** `GET /{phone-number-id}?fields=…` (default: every field of {@link PhoneNumberInfo}). */
  async get(
    fields: readonly string[] = DEFAULT_PHONE_NUMBER_FIELDS,
    options: CallOptions = {},
  ): Promise<PhoneNumberInfo> {
    if (this.#phoneNumberId === undefined) throw missingOption('phoneNumberId', 'phoneNumbers');
    const path = this.#transport.apiPath(this.#phoneNumberId);
    return this.#transport.json<PhoneNumberInfo>({
      method: 'GET',
      path: `${path}?fields=${encodeURIComponent(fields.join(','))}`,
      idempotent: true,
      signal: options.signal,
      timeoutMs: options.timeoutMs,
      maxRetries: options.maxRetries,
    });
  }
}
