import { ConfigError } from '../../errors/index.js';

/** The error thrown when a resource needs an id the client was not configured with. */
export function missingOption(option: 'phoneNumberId' | 'businessAccountId', what: string): ConfigError {
  const env = option === 'phoneNumberId' ? 'WHATSAPP_PHONE_NUMBER_ID' : 'WHATSAPP_BUSINESS_ACCOUNT_ID';
  return new ConfigError(`${what} needs the client option ${option} (or ${env}).`);
}
