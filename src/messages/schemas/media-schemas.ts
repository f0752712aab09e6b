import type * as z from 'zod';
import { bool, limitedString, looseObject, nonEmptyString } from './primitives.js';

/** Documented media caption limit. */
const CAPTION_MAX = 1024;

function exactlyOneSource(value: { id?: unknown; link?: unknown }, ctx: z.core.$RefinementCtx): void {
  const hasId = value.id !== undefined;
  const hasLink = value.link !== undefined;
  if (hasId === hasLink) {
    ctx.addIssue({
      code: 'custom',
      message: hasId ? 'must have either id or link, not both' : 'must have an id or a link',
      path: [],
    });
  }
}

const source = { id: nonEmptyString().optional(), link: nonEmptyString().optional() };

/** A media object: exactly one of `id` or `link`. */
export const mediaSourceSchema = looseObject(source).superRefine(exactlyOneSource);

/** The `image` / `video` object: media plus a caption of ≤1024 characters. */
export const captionedMediaSchema = looseObject({
  ...source,
  caption: limitedString(CAPTION_MAX, 0).optional(),
}).superRefine(exactlyOneSource);

/** The `document` object: media, caption ≤1024, filename. */
export const documentObjectSchema = looseObject({
  ...source,
  caption: limitedString(CAPTION_MAX, 0).optional(),
  filename: nonEmptyString().optional(),
}).superRefine(exactlyOneSource);

/** The `audio` object: media plus the `voice` flag. */
export const audioObjectSchema = looseObject({ ...source, voice: bool().optional() }).superRefine(
  exactlyOneSource,
);
