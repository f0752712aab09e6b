import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';

const OPTIONAL_PEERS = ['express', 'next', 'bullmq', 'ioredis', 'pg', 'better-sqlite3'];

/** Bare package names a source entry pulls in, following wacloud's own files. */
async function externalImports(entry: string): Promise<Set<string>> {
  const result = await build({
    entryPoints: [entry],
    bundle: true,
    write: false,
    metafile: true,
    platform: 'node',
    format: 'esm',
    logLevel: 'silent',
    plugins: [
      {
        name: 'externals',
        setup(b) {
          b.onResolve({ filter: /^[^./]/ }, (args) => ({ path: args.path, external: true }));
        },
      },
    ],
  });
  const names = new Set<string>();
  for (const output of Object.values(result.metafile.outputs)) {
    for (const imp of output.imports) {
      if (!imp.external || imp.path.startsWith('node:')) continue;
      const parts = imp.path.split('/');
      names.add(imp.path.startsWith('@') ? `${parts[0]}/${parts[1]}` : (parts[0] ?? imp.path));
    }
  }
  return names;
}

describe('package entries', () => {
  it('the root entry loads no optional peer dependency', async () => {
    const imported = await externalImports('src/index.ts');
    expect(OPTIONAL_PEERS.filter((peer) => imported.has(peer))).toEqual([]);
    expect(imported.has('zod')).toBe(true);
  });
});
