import { describe, expect, it } from 'vitest';
import { copyTextRow, escapeCopyText } from '../../../../src/events/stores/postgres/copy-text.js';

describe('COPY text format', () => {
  it('escapes backslash, newline, carriage return and tab, and leaves everything else as it is', () => {
    expect(escapeCopyText('a\\b\nc\rd\te')).toBe('a\\\\b\\nc\\rd\\te');
    expect(escapeCopyText('\\N')).toBe('\\\\N');
    expect(escapeCopyText('\\.')).toBe('\\\\.');
    expect(escapeCopyText('emoji 🎉, "quotes", commas; ç')).toBe('emoji 🎉, "quotes", commas; ç');
  });

  it('writes a row as tab-separated fields: position and key hash first, \\N for null, t/f, numbers as JavaScript prints them', () => {
    expect(copyTextRow(7, 'ab12', ['k\tey', null, 1.5, true, false, -3, '{"a":"x\\ny"}'])).toBe(
      '7\tab12\tk\\tey\t\\N\t1.5\tt\tf\t-3\t{"a":"x\\\\ny"}',
    );
  });
});
