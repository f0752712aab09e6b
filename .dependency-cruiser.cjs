/**
 * Import rules for src/ (`npm run check:imports`): no import cycles, the layer table below, no src file
 * importing test code, and a root entry that loads no optional peer. docs/architecture.md shows the table.
 */

/**
 * The layers of src/, bottom first: each module may import only itself and the modules it lists.
 * `events` is the event model (src/events/ without stores/); `events/stores` sits above `metrics`
 * because the stores push the metrics fold down into SQL. A new top-level folder fails the check until
 * it has a row here.
 */
const LAYERS = {
  errors: [],
  schemas: ['errors'],
  clock: ['errors', 'schemas'],
  messages: ['errors', 'schemas'],
  client: ['errors', 'schemas', 'messages'],
  events: ['errors', 'schemas'],
  tracking: ['errors', 'schemas', 'events'],
  metrics: ['errors', 'schemas', 'events', 'tracking'],
  'events/stores': ['errors', 'schemas', 'events', 'tracking', 'metrics'],
  webhooks: ['errors', 'schemas', 'events', 'tracking'],
  queue: ['errors', 'schemas', 'clock', 'messages', 'client', 'events', 'tracking'],
  insights: ['errors', 'schemas', 'messages', 'client', 'events', 'tracking', 'metrics'],
  report: ['errors', 'schemas', 'events', 'tracking', 'metrics'],
  dashboard: ['errors', 'schemas', 'events', 'tracking', 'metrics', 'report'],
  simulator: ['errors', 'schemas', 'clock', 'messages', 'webhooks'],
  cli: [
    'errors',
    'schemas',
    'clock',
    'messages',
    'client',
    'events',
    'tracking',
    'metrics',
    'events/stores',
    'webhooks',
    'queue',
    'report',
    'dashboard',
    'simulator',
    'insights',
  ],
};

/** Optional peer dependencies: only their subpath entries may load them, never the root entry. */
const OPTIONAL_PEERS = ['express', 'next', 'bullmq', 'ioredis', 'pg', 'pg-copy-streams', 'better-sqlite3'];

/** The metrics result and query types, which the event model's EventStore interface names. */
const METRICS_TYPES = '^src/metrics/metrics-types\\.ts$';

/** The path pattern of one layer's files (`events` excludes its `stores/` sub-layer). */
function layerPath(layer) {
  return layer === 'events' ? '^src/events/(?!stores/)' : `^src/${layer}/`;
}

function layerRules() {
  const names = Object.keys(LAYERS);
  return names.flatMap((layer) => {
    const others = names.filter((other) => other !== layer && !LAYERS[layer].includes(other));
    if (others.length === 0) return [];
    const rule = {
      name: `layer-${layer.replace('/', '-')}`,
      severity: 'error',
      comment: `src/${layer} may import only ${LAYERS[layer].join(', ') || 'nothing outside itself'} (.dependency-cruiser.cjs LAYERS).`,
      from: { path: layerPath(layer) },
      to: { path: others.map(layerPath) },
    };
    if (layer === 'events') {
      // A module's barrel (index.ts) gathers its public names, its own sub-layers included.
      rule.from.pathNot = '^src/events/index\\.ts$';
      // The EventStore interface names the metrics types of its optional `aggregate` push-down
      // (type-only: the rule below).
      rule.to.pathNot = METRICS_TYPES;
    }
    return [rule];
  });
}

module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment:
        'Import cycles between files (type-only imports included) make the load order and the layers unclear.',
      from: { path: '^src/' },
      to: { circular: true },
    },
    ...layerRules(),
    {
      name: 'events-model-metrics-types-are-type-only',
      severity: 'error',
      comment: 'The event model may import src/metrics/metrics-types.ts with `import type` only.',
      from: { path: layerPath('events') },
      to: { path: METRICS_TYPES, dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'layer-table-complete',
      severity: 'error',
      comment: 'Every top-level folder of src/ needs a row in LAYERS (.dependency-cruiser.cjs).',
      from: {
        path: '^src/[^/]+/',
        pathNot: `^src/(${Object.keys(LAYERS)
          .filter((layer) => !layer.includes('/'))
          .join('|')})/`,
      },
      to: {},
    },
    {
      name: 'no-test-imports-in-src',
      severity: 'error',
      comment: 'Shipped code never imports test code.',
      from: { path: '^src/' },
      to: { path: '^test/' },
    },
    {
      name: 'root-entry-no-optional-peers',
      severity: 'error',
      comment: `The root entry must not load an optional peer (${OPTIONAL_PEERS.join(', ')}), even indirectly.`,
      from: { path: '^src/index\\.ts$' },
      to: {
        path: `(^|/)node_modules/(${OPTIONAL_PEERS.join('|')})/`,
        reachable: true,
      },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    preserveSymlinks: true,
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
      extensions: ['.ts', '.js', '.cjs', '.mjs', '.d.ts'],
    },
    reporterOptions: {
      text: { highlightFocused: true },
    },
  },
};
