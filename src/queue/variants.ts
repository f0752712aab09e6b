/** An A/B variant: a name and a relative weight (default 1). */
export interface VariantSpec {
  /** Variant name, recorded with every send. */
  name: string;
  /** Relative share of recipients (default 1). */
  weight?: number;
}

/**
 * 32-bit FNV-1a hash of a string, finished with murmur3's fmix32 avalanche step: without it, keys that
 * differ only in their last characters (sequential phone numbers) land in the same few buckets.
 */
export function hash32(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  hash ^= hash >>> 16;
  hash = Math.imul(hash, 0x85ebca6b);
  hash ^= hash >>> 13;
  hash = Math.imul(hash, 0xc2b2ae35);
  hash ^= hash >>> 16;
  return hash >>> 0;
}

/**
 * Picks a variant for a recipient deterministically: the same recipient, campaign and variant list
 * always get the same variant (so a re-run or a second process agrees), spread by weight.
 */
export function assignVariant(
  recipientKey: string,
  variants: ReadonlyArray<string | VariantSpec>,
  salt = '',
): string | undefined {
  if (variants.length === 0) return undefined;
  const specs = variants.map((v) =>
    typeof v === 'string' ? { name: v, weight: 1 } : { name: v.name, weight: v.weight ?? 1 },
  );
  const total = specs.reduce((sum, v) => sum + Math.max(0, v.weight), 0);
  if (total <= 0) return specs[0]?.name;
  let point = (hash32(`${salt}\u0000${recipientKey}`) / 2 ** 32) * total;
  for (const spec of specs) {
    point -= Math.max(0, spec.weight);
    if (point < 0) return spec.name;
  }
  return specs[specs.length - 1]?.name;
}
