/** Colours shared by the report's CSS and its SVG charts (one per variant, cycling). */
export const SERIES_COLOURS: readonly string[] = [
  '#2563eb',
  '#d97706',
  '#059669',
  '#7c3aed',
  '#db2777',
  '#0891b2',
];

/** The colour of the n-th series. */
export function seriesColour(index: number): string {
  return SERIES_COLOURS[index % SERIES_COLOURS.length] ?? '#2563eb';
}

/** Neutral ink and grid colours for chart text and axes. */
export const INK = { text: '#0f172a', muted: '#64748b', grid: '#e2e8f0', track: '#f1f5f9' } as const;
