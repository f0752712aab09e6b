import type { CampaignReconciliation, ReconcileCounts } from '../insights/index.js';
import { printable } from './printable.js';

const COUNTS = ['sent', 'delivered', 'read', 'clicks'] as const;

function pair(ours: ReconcileCounts, meta: ReconcileCounts | null, key: (typeof COUNTS)[number]): string {
  if (meta === null) return `${ours[key]}/—`;
  const difference = meta[key] - ours[key];
  return `${ours[key]}/${meta[key]}${difference === 0 ? '' : ` (${difference > 0 ? '+' : ''}${difference})`}`;
}

function money(value: number | null, currency: string): string {
  return value === null ? '—' : `${value.toFixed(2)} ${currency}`;
}

/**
 * `reconcileCampaign`'s result as an aligned plain-text table: one row per day and template, each count
 * as `ours/Meta's (difference)`, the likely causes, then the totals and the costs.
 */
export function reconciliationTable(r: CampaignReconciliation, currency: string): string {
  const header = ['day', 'template', ...COUNTS, 'causes'];
  const rows = [
    ...r.cells.map((c) => [
      c.day,
      printable(c.templateName),
      ...COUNTS.map((k) => pair(c.ours, c.meta, k)),
      c.causes.join(', '),
    ]),
    ['total', '', ...COUNTS.map((k) => pair(r.totals.ours, r.totals.meta, k)), ''],
  ];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => (row[i] ?? '').length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) =>
        i < 2 || i === cells.length - 1 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0),
      )
      .join('  ')
      .trimEnd();
  const table = [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
  return `Ours/Meta's (Meta's minus ours), from template_analytics\n${table}\ncost: ours ${money(
    r.cost.ours,
    currency,
  )}, Meta's for the whole account over these days ${money(r.cost.metaAccount, currency)}\n`;
}
