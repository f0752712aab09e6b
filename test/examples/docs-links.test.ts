import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const docs = new URL('../../docs/', import.meta.url);
const GUIDES = ['README.md', 'getting-started.md', 'concepts.md', 'campaigns.md'];
/** The module docs the guides promise: each must exist (a missing one fails the test). */
const MODULE_DOCS = ['client.md', 'queue.md', 'webhooks.md', 'metrics.md', 'tracking.md', 'simulator.md'];

/** GitHub's heading anchor: lower case, punctuation dropped, spaces to hyphens. */
function slug(heading: string): string {
  return heading
    .toLowerCase()
    .replace(/[`*_]/g, '')
    .replace(/[^\p{L}\p{N} -]/gu, '')
    .replace(/ /g, '-');
}

function anchorsOf(markdown: string): Set<string> {
  return new Set([...markdown.matchAll(/^#{1,6} (.+)$/gm)].map((m) => slug(m[1] ?? '')));
}

describe('the guides in docs/', () => {
  it('every module doc exists', () => {
    for (const doc of MODULE_DOCS) expect(existsSync(new URL(doc, docs)), `docs/${doc}`).toBe(true);
  });

  for (const guide of GUIDES) {
    it(`${guide}: every relative link points at an existing file and heading`, () => {
      const markdown = readFileSync(new URL(guide, docs), 'utf8');
      const links = [...markdown.matchAll(/\]\(([^)\s]+)\)/g)].map((m) => m[1] ?? '');
      const relative = links.filter((l) => !/^[a-z]+:/.test(l));
      expect(relative.length).toBeGreaterThan(0);
      for (const link of relative) {
        const [path = '', anchor] = link.split('#');
        const target = path === '' ? new URL(guide, docs) : new URL(path, new URL(guide, docs));
        expect(existsSync(target), `${guide}: broken link ${link}`).toBe(true);
        if (anchor && target.pathname.endsWith('.md')) {
          expect(anchorsOf(readFileSync(target, 'utf8')), `${guide}: ${link}`).toContain(anchor);
        }
      }
    });
  }
});
