import type { WhatsAppClientOptions } from '../client/index.js';
import { UsageError } from './cli-io.js';

/** The credential flags every networked command accepts (values never printed). */
export const CREDENTIAL_OPTIONS = {
  token: { type: 'string' },
  'phone-number-id': { type: 'string' },
  'business-account-id': { type: 'string' },
  'base-url': { type: 'string' },
  'api-version': { type: 'string' },
} as const;

/** Help lines for {@link CREDENTIAL_OPTIONS}. */
export const CREDENTIAL_HELP = `Credentials (flags win over the environment; never printed):
  --token <t>                 access token          (env WHATSAPP_ACCESS_TOKEN)
  --phone-number-id <id>      sending phone number  (env WHATSAPP_PHONE_NUMBER_ID)
  --business-account-id <id>  WABA id, for templates (env WHATSAPP_BUSINESS_ACCOUNT_ID)
  --base-url <url>            Graph host, e.g. a simulator (env WHATSAPP_BASE_URL)
  --api-version <v>           e.g. v23.0            (env WHATSAPP_API_VERSION)`;

/**
 * Client options from credential flags, falling back to the environment (the client reads the
 * same `WHATSAPP_*` variables itself; passing `env` keeps that injectable in tests).
 */
export function clientOptionsFrom(
  values: Record<string, unknown>,
  env: Record<string, string | undefined>,
  need: { phoneNumberId?: boolean; businessAccountId?: boolean },
): WhatsAppClientOptions {
  const flag = (name: string) => (typeof values[name] === 'string' ? (values[name] as string) : undefined);
  const options: WhatsAppClientOptions = { env };
  const accessToken = flag('token') ?? env.WHATSAPP_ACCESS_TOKEN;
  const phoneNumberId = flag('phone-number-id') ?? env.WHATSAPP_PHONE_NUMBER_ID;
  const businessAccountId = flag('business-account-id') ?? env.WHATSAPP_BUSINESS_ACCOUNT_ID;
  const baseUrl = flag('base-url') ?? env.WHATSAPP_BASE_URL;
  const apiVersion = flag('api-version') ?? env.WHATSAPP_API_VERSION;
  if (!accessToken) throw new UsageError('No access token: set WHATSAPP_ACCESS_TOKEN or pass --token.');
  if (need.phoneNumberId && !phoneNumberId) {
    throw new UsageError('No phone number id: set WHATSAPP_PHONE_NUMBER_ID or pass --phone-number-id.');
  }
  if (need.businessAccountId && !businessAccountId) {
    throw new UsageError(
      'No business account id: set WHATSAPP_BUSINESS_ACCOUNT_ID or pass --business-account-id.',
    );
  }
  options.accessToken = accessToken;
  if (phoneNumberId) options.phoneNumberId = phoneNumberId;
  if (businessAccountId) options.businessAccountId = businessAccountId;
  if (baseUrl) options.baseUrl = baseUrl;
  if (apiVersion) options.apiVersion = apiVersion;
  return options;
}
