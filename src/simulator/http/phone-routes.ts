import type { ServedPhoneNumber } from '../engine.js';
import { SimulatedGraphError } from '../graph-error.js';
import { ok, type RequestContext, type RouteResult } from './context.js';

const DEFAULT_FIELDS = ['id', 'display_phone_number', 'verified_name', 'quality_rating'];

function formatDisplay(digits: string): string {
  if (/^1\d{10}$/.test(digits)) return `+1 ${digits.slice(1, 4)}-${digits.slice(4, 7)}-${digits.slice(7)}`;
  return `+${digits}`;
}

function phoneFields(phone: ServedPhoneNumber): Record<string, unknown> {
  return {
    id: phone.id,
    display_phone_number: formatDisplay(phone.displayPhoneNumber),
    verified_name: phone.verifiedName,
    quality_rating: phone.qualityRating,
    throughput: { level: phone.throughputLevel },
    whatsapp_business_manager_messaging_limit: phone.messagingLimit,
    messaging_limit_tier: phone.messagingLimit,
    name_status: 'APPROVED',
    code_verification_status: 'VERIFIED',
    platform_type: 'CLOUD_API',
    status: 'CONNECTED',
    is_official_business_account: false,
    account_mode: 'LIVE',
  };
}

/** `GET /{phone-number-id}[?fields=…]`: default fields as in Meta's spec, or `id` plus the ones asked for. */
export function getPhoneNumber(phone: ServedPhoneNumber, ctx: RequestContext): RouteResult {
  const all = phoneFields(phone);
  const asked = ctx.query.get('fields');
  const fields = asked
    ? [
        'id',
        ...asked
          .split(',')
          .map((f) => f.trim())
          .filter(Boolean),
      ]
    : DEFAULT_FIELDS;
  const out: Record<string, unknown> = {};
  for (const field of fields) {
    if (!(field in all)) {
      throw new SimulatedGraphError(100, {
        message: `(#100) Tried accessing nonexisting field (${field}) on node type (WhatsAppBusinessPhoneNumber)`,
        noErrorData: true,
      });
    }
    out[field] = all[field];
  }
  return ok(out);
}

/** `GET /{waba-id}`: a minimal WhatsApp Business Account node. */
export function getBusinessAccount(wabaId: string): RouteResult {
  return ok({
    id: wabaId,
    name: 'Wacloud Simulator',
    currency: 'USD',
    timezone_id: '1',
    message_template_namespace: 'c8ae5f90_307a_ca4c_b8f6_d1e2a2573574',
  });
}
