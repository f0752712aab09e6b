/**
 * The key under which a campaign send records the discount code it carried, in the outbound event's
 * `metadata` (the campaign's `issueCodes` writes it; a conversion naming the code finds the message).
 */
export const ISSUED_CODE_METADATA_KEY = 'discountCode';

/** The discount code an outbound event's metadata records, if any. */
export function issuedCodeOf(metadata: Readonly<Record<string, unknown>> | undefined): string | undefined {
  const code = metadata?.[ISSUED_CODE_METADATA_KEY];
  return typeof code === 'string' && code.length > 0 ? code : undefined;
}
