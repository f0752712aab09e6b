import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { ISSUED_CODE_METADATA_KEY } from '../events/issued-code.js';
import { optionsSchema, parseOptions } from '../schemas/validate-options.js';

/**
 * Letters and digits that cannot be mistaken for one another when read out or typed (no `0`/`O`,
 * `1`/`I`/`L`): 31 symbols, so 8 of them carry about 40 bits.
 */
export const READABLE_CODE_ALPHABET = '23456789ABCDEFGHJKMNPQRSTUVWXYZ';

/** The metadata key of the outbound event the issued code is recorded under (`metadata.discountCode`). */
export const DISCOUNT_CODE_METADATA_KEY = ISSUED_CODE_METADATA_KEY;

/**
 * Discount codes a campaign issues (`CampaignSpec.issueCodes`): each send records its code with the
 * message (`metadata.discountCode` of its `outbound` event), so a conversion naming the code is
 * attributed to that message, or, for a code shared by a variant, to that variant (docs/metrics.md).
 * `build` gets the code as `context.code` to put into the template's parameters.
 */
export interface IssueCodesOptions<R> {
  /**
   * One code for every recipient (`'SPRING10'`) or one per variant (`{ A: 'SPRING10', B: 'SPRING15' }`;
   * a recipient whose variant has none gets no code). Without it, each recipient gets a unique code.
   */
  shared?: string | Readonly<Record<string, string>>;
  /**
   * Your own unique code for a recipient (from your shop's API, say); default: {@link randomCode}. A
   * re-run skips messages already sent, with the code they were sent with: one made for them again is
   * never used.
   */
  generate?: (
    recipient: R,
    context: { campaignId: string; variant: string | undefined; index: number },
  ) => string | Promise<string>;
  /** Length of a generated code (default 8, 4 to 32), before the prefix. */
  length?: number;
  /** Put in front of each generated code, e.g. `'SPRING-'`. */
  prefix?: string;
}

const codeText = z.string().min(1).max(64);
const schema = optionsSchema<IssueCodesOptions<unknown>>()({
  shared: z.union([codeText, z.record(z.string(), codeText)]).optional(),
  generate: z.custom<IssueCodesOptions<unknown>['generate']>((v) => typeof v === 'function').optional(),
  length: z.number().int().min(4).max(32).optional(),
  prefix: z.string().max(32).optional(),
});

/**
 * A random code of `length` symbols of {@link READABLE_CODE_ALPHABET}, from `crypto.randomBytes`
 * (rejection sampling: every symbol equally likely). Hand-written: no dependency of wacloud offers it.
 */
export function randomCode(length = 8): string {
  const n = READABLE_CODE_ALPHABET.length;
  const limit = 256 - (256 % n);
  let out = '';
  while (out.length < length) {
    for (const byte of randomBytes(length * 2)) {
      if (byte >= limit) continue;
      out += READABLE_CODE_ALPHABET[byte % n];
      if (out.length === length) break;
    }
  }
  return out;
}

/** Issues one campaign's codes (validated once, when the campaign starts). */
export class CodeIssuer<R> {
  readonly #options: IssueCodesOptions<R>;

  /** Checks `options` (`true`: unique random codes); throws `ConfigError` naming the bad option. */
  constructor(options: true | IssueCodesOptions<R>) {
    this.#options =
      options === true ? {} : (parseOptions('issueCodes', schema, options) as IssueCodesOptions<R>);
  }

  /** The code for one recipient, or `undefined` when a shared code per variant has none for its variant. */
  async codeFor(
    recipient: R,
    context: { campaignId: string; variant: string | undefined; index: number },
  ): Promise<string | undefined> {
    const { shared, generate, length, prefix } = this.#options;
    if (typeof shared === 'string') return shared;
    if (shared !== undefined) {
      return context.variant === undefined || !Object.hasOwn(shared, context.variant)
        ? undefined
        : shared[context.variant];
    }
    if (generate !== undefined) {
      const code = await generate(recipient, context);
      return typeof code === 'string' && code.length > 0 ? code : undefined;
    }
    return `${prefix ?? ''}${randomCode(length)}`;
  }
}
