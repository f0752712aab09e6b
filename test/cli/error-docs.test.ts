import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { errorCodesMarkdown, formatLikeBiome } from '../../scripts/error-codes-markdown.js';
import { allErrorInfo } from '../../src/errors/index.js';

describe('docs/error-codes.md', () => {
  it('is up to date with the error table (run: npx tsx scripts/gen-error-docs.ts)', () => {
    const committed = readFileSync(new URL('../../docs/error-codes.md', import.meta.url), 'utf8');
    expect(committed).toBe(formatLikeBiome(errorCodesMarkdown()));
  });

  it('has one row per known code, with its title', () => {
    const markdown = errorCodesMarkdown();
    for (const row of allErrorInfo()) {
      expect(markdown).toContain(`| ${row.code} | ${row.title.replace(/\|/g, '\\|')} |`);
    }
    expect(markdown).toMatch(/\| 130429 \| [^|]+ \| yes, whole number/);
    expect(markdown).toMatch(/\| 131056 \| [^|]+ \| yes, this recipient/);
  });
});
