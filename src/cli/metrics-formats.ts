import { type CampaignMetrics, NO_CURRENCY } from '../metrics/index.js';
import { csvCell } from '../report/csv-cell.js';
import { printable } from './printable.js';

/** The columns of `wacloud report` tables and CSV, in order. */
export const METRIC_COLUMNS: ReadonlyArray<{ key: keyof CampaignMetrics; header: string; rate: boolean }> = [
  { key: 'sent', header: 'sent', rate: false },
  { key: 'rejected', header: 'rejected', rate: false },
  { key: 'delivered', header: 'delivered', rate: false },
  { key: 'read', header: 'read', rate: false },
  { key: 'failed', header: 'failed', rate: false },
  { key: 'clicked', header: 'clicked', rate: false },
  { key: 'replied', header: 'replied', rate: false },
  { key: 'optedOut', header: 'opted_out', rate: false },
  { key: 'deliveryRate', header: 'delivery', rate: true },
  { key: 'readRate', header: 'read_rate', rate: true },
  { key: 'clickThroughRate', header: 'ctr', rate: true },
  { key: 'replyRate', header: 'reply_rate', rate: true },
  { key: 'optOutRate', header: 'opt_out_rate', rate: true },
  { key: 'failureRate', header: 'failure_rate', rate: true },
  { key: 'cost', header: 'cost', rate: false },
  { key: 'revenue', header: 'revenue', rate: false },
  // Where the rest of the sends went (sent = delivered + failed + pending), and the total clicks.
  { key: 'pending', header: 'pending', rate: false },
  { key: 'alreadyOptedOut', header: 'already_opted_out', rate: false },
  { key: 'limitedByMeta', header: 'limited_by_meta', rate: false },
  { key: 'clicks', header: 'clicks', rate: false },
];

/** The rows of a report: the whole campaign, then each group (variant, segment or day). */
export function metricRows(metrics: CampaignMetrics): Array<{ label: string; metrics: CampaignMetrics }> {
  // A single group repeats the total (e.g. a campaign without variants): show the total only.
  const groups = metrics.groups && metrics.groups.length > 1 ? metrics.groups : [];
  return [{ label: 'total', metrics }, ...groups.map((g) => ({ label: g.key, metrics: g.metrics }))];
}

function cell(value: unknown, rate: boolean, forCsv: boolean): string {
  if (value === null || value === undefined) return forCsv ? '' : '—';
  if (typeof value !== 'number') return String(value);
  if (rate) return forCsv ? value.toFixed(6) : `${(value * 100).toFixed(1)}%`;
  return Number.isInteger(value) ? String(value) : value.toFixed(2);
}

/** The columns of the narrow table (fits an 80-column terminal): the rates people compare. */
export const COMPACT_COLUMNS: readonly (keyof CampaignMetrics)[] = [
  'sent',
  'deliveryRate',
  'readRate',
  'clickThroughRate',
  'replyRate',
  'optOutRate',
  'failureRate',
  'cost',
  'revenue',
];

/** Revenue for the table: kept per currency (`72.50 EUR + 12.00 USD`), a bare number when none was recorded. */
function revenueCell(metrics: CampaignMetrics): string {
  const amounts = Object.entries(metrics.revenueByCurrency ?? {});
  if (amounts.length === 0 || (amounts.length === 1 && amounts[0]![0] === NO_CURRENCY)) {
    return cell(metrics.revenue, false, false);
  }
  return amounts
    .map(([code, amount]) => (code === NO_CURRENCY ? amount.toFixed(2) : `${amount.toFixed(2)} ${code}`))
    .join(' + ');
}

/** An aligned plain-text table (one row per total/group); `only` picks and orders the columns. */
export function metricsTable(
  metrics: CampaignMetrics,
  groupHeader = 'variant',
  only?: readonly (keyof CampaignMetrics)[],
): string {
  const columns = only ? only.flatMap((key) => METRIC_COLUMNS.filter((c) => c.key === key)) : METRIC_COLUMNS;
  const header = [groupHeader, ...columns.map((c) => c.header)];
  const rows = metricRows(metrics).map((r) => [
    printable(r.label),
    ...columns.map((c) =>
      printable(c.key === 'revenue' ? revenueCell(r.metrics) : cell(r.metrics[c.key], c.rate, false)),
    ),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) =>
    cells.map((c, i) => (i === 0 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0))).join('  ');
  return `${[line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n')}\n`;
}

/** RFC 4180 CSV with a header row; rates as fractions, empty for null; formula-like text neutralised. */
export function metricsCsv(metrics: CampaignMetrics, groupHeader = 'variant'): string {
  const header = [groupHeader, ...METRIC_COLUMNS.map((c) => c.header)];
  const rows = metricRows(metrics).map((r) => [
    r.label,
    ...METRIC_COLUMNS.map((c) => cell(r.metrics[c.key], c.rate, true)),
  ]);
  return `${[header, ...rows].map((r) => r.map(csvCell).join(',')).join('\r\n')}\r\n`;
}
