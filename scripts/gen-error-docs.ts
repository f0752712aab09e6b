/**
 * Writes docs/error-codes.md from the error-code table: `npx tsx scripts/gen-error-docs.ts`.
 * test/cli/error-docs.test.ts fails when the committed file is out of date.
 */
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { errorCodesMarkdown, formatLikeBiome } from './error-codes-markdown.js';

const target = fileURLToPath(new URL('../docs/error-codes.md', import.meta.url));
writeFileSync(target, formatLikeBiome(errorCodesMarkdown()));
process.stdout.write(`wrote ${target}\n`);
