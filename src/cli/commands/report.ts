import { writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { WhatsAppClient } from '../../client/index.js';
import { type CampaignReconciliation, reconcileCampaign } from '../../insights/index.js';
import { RATE_DEFINITIONS } from '../../metrics/compare-variants.js';
import {
  type CampaignMetrics,
  compareVariants,
  computeCampaignMetrics,
  type MetricsGroupBy,
  type RateMetric,
  type VariantComparison,
} from '../../metrics/index.js';
import { optOutsOverTime } from '../../report/opt-outs-over-time.js';
import { renderCampaignReport } from '../../report/render-campaign-report.js';
import { sendTimeHeatmap } from '../../report/send-time-heatmap.js';
import { type CliIo, ExitCode, type ExitCodeValue, UsageError } from '../cli-io.js';
import { CREDENTIAL_HELP, CREDENTIAL_OPTIONS, clientOptionsFrom } from '../credentials.js';
import { integerFlag } from '../integer-flag.js';
import { metricsCsv, metricsTable } from '../metrics-formats.js';
import { openStore, STORE_HELP } from '../open-store.js';
import { printable, printableJson } from '../printable.js';
import { reconciliationTable } from '../reconciliation-table.js';

/** Help of `wacloud report`. */
export const REPORT_HELP = `Usage: wacloud report --campaign ID --store SPEC [options]

Computes a campaign's metrics from an event store and prints or writes them.

  --campaign <id>           campaign id (required)
  ${STORE_HELP}
  --format <f>              table (default) | json | csv | html
  --out <file>              write to this file instead of stdout
  --group-by <g>            variant (default) | segment | day | hour | weekday | template | country
  --metric <rate>           rate the A/B verdict compares (default clickThroughRate)
  --rate-card <list>        prices per billable message, e.g. marketing=0.0613,utility=0.008
  --currency <code>         currency of the rate card (default USD)
  --reconcile               also set our counts beside Meta's template_analytics, per day and
                            template (needs a token and a business account id; table, json, html)
  --fill-gaps <min>         with --reconcile: first fill the statuses of messages pending for at
                            least <min> minutes from Meta's message history (appends them)
  --time-zone <zone>        with --reconcile: IANA zone of the days (default UTC; set the account's)
  -h, --help                show this help

${CREDENTIAL_HELP}
`;

const FORMATS = ['table', 'json', 'csv', 'html'] as const;
const GROUPS: readonly MetricsGroupBy[] = [
  'variant',
  'segment',
  'day',
  'hour',
  'weekday',
  'template',
  'country',
];

function parseRateCard(value: string | undefined): Record<string, number> | undefined {
  if (value === undefined) return undefined;
  const card: Record<string, number> = {};
  for (const part of value.split(',')) {
    const match = /^\s*([a-z_]+)\s*=\s*([0-9.]+)\s*$/i.exec(part);
    const price = Number(match?.[2]);
    if (!match || !Number.isFinite(price)) {
      throw new UsageError(`--rate-card must look like marketing=0.0613,utility=0.008, got "${value}"`);
    }
    card[(match[1] as string).toLowerCase()] = price;
  }
  return card;
}

/** A/B comparison of the first two groups, when grouped by variant and there are at least two. */
function firstTwo(
  metrics: CampaignMetrics,
  metric: RateMetric,
): { variantA: string; variantB: string; result: VariantComparison } | undefined {
  const [a, b] = metrics.groups ?? [];
  if (!a || !b) return undefined;
  return { variantA: a.key, variantB: b.key, result: compareVariants(a.metrics, b.metrics, metric) };
}

function verdictLine(c: { variantA: string; variantB: string; result: VariantComparison }): string {
  const r = c.result;
  const pct = (v: number | null) => (v === null ? '—' : `${(v * 100).toFixed(2)}%`);
  const p = r.pValue === null ? '—' : r.pValue < 0.001 ? '< 0.001' : r.pValue.toFixed(3);
  const lift = r.lift === null ? '—' : `${r.lift > 0 ? '+' : ''}${(r.lift * 100).toFixed(1)}%`;
  let verdict: string;
  if (!r.significant || r.a.rate === null || r.b.rate === null) {
    verdict = r.sampleSizeOk ? 'no significant difference yet' : 'sample too small to judge';
  } else {
    verdict = `${r.b.rate > r.a.rate ? c.variantB : c.variantA} wins`;
  }
  const [a, b] = [printable(c.variantA), printable(c.variantB)];
  return `A/B ${r.metric}: ${a} ${pct(r.a.rate)} vs ${b} ${pct(r.b.rate)}, lift ${lift}, p ${p} → ${printable(verdict)}\n`;
}

/** `wacloud report`: metrics of one campaign as a table, JSON, CSV or a self-contained HTML page. */
export async function runReportCommand(argv: string[], io: CliIo, now: () => Date = () => new Date()) {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    allowPositionals: false,
    options: {
      campaign: { type: 'string' },
      store: { type: 'string' },
      format: { type: 'string', default: 'table' },
      out: { type: 'string' },
      'group-by': { type: 'string', default: 'variant' },
      metric: { type: 'string', default: 'clickThroughRate' },
      'rate-card': { type: 'string' },
      currency: { type: 'string', default: 'USD' },
      reconcile: { type: 'boolean', default: false },
      'fill-gaps': { type: 'string' },
      'time-zone': { type: 'string' },
      ...CREDENTIAL_OPTIONS,
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    io.stdout.write(REPORT_HELP);
    return ExitCode.ok;
  }
  if (!values.campaign) throw new UsageError('--campaign is required');
  if (!values.store) throw new UsageError('--store is required (where `wacloud send` recorded the campaign)');
  const format = values.format as (typeof FORMATS)[number];
  if (!FORMATS.includes(format)) throw new UsageError(`--format must be one of ${FORMATS.join(', ')}`);
  const groupBy = values['group-by'] as MetricsGroupBy;
  if (!GROUPS.includes(groupBy)) throw new UsageError(`--group-by must be one of ${GROUPS.join(', ')}`);
  const metric = values.metric as RateMetric;
  if (!(metric in RATE_DEFINITIONS)) {
    throw new UsageError(`--metric must be one of ${Object.keys(RATE_DEFINITIONS).join(', ')}`);
  }
  const rateCard = parseRateCard(values['rate-card']);
  const fillGapsMinutes = integerFlag(values['fill-gaps'], 'fill-gaps', 0, 525_600);
  if (!values.reconcile && (fillGapsMinutes !== undefined || values['time-zone'] !== undefined)) {
    throw new UsageError('--fill-gaps and --time-zone go with --reconcile');
  }
  if (values.reconcile && format === 'csv') {
    throw new UsageError('--reconcile works with --format table, json or html');
  }
  const client = values.reconcile
    ? new WhatsAppClient(clientOptionsFrom(values, io.env, { businessAccountId: true }))
    : undefined;
  const cwd = io.cwd ?? process.cwd();
  let output: string;
  const opened = await openStore(values.store, cwd).catch(async (error: unknown) => {
    await client?.close();
    throw error;
  });
  try {
    // Before the metrics: with --fill-gaps it heals the store they are computed from.
    let reconciliation: CampaignReconciliation | undefined;
    if (client) {
      reconciliation = await reconcileCampaign(opened.store, client, {
        campaignId: values.campaign,
        now: now(),
        ...(rateCard ? { rateCard } : {}),
        ...(values['time-zone'] ? { timeZone: values['time-zone'] } : {}),
        ...(fillGapsMinutes !== undefined ? { fillGaps: { olderThanMs: fillGapsMinutes * 60_000 } } : {}),
      });
    }
    const metrics = await computeCampaignMetrics(opened.store, {
      campaignId: values.campaign,
      groupBy,
      ...(rateCard ? { rateCard } : {}),
    });
    if (metrics.sent === 0 && metrics.rejected === 0) {
      io.stderr.write(
        `No sends recorded for campaign "${printable(values.campaign)}" in ${printable(opened.label)}.\n`,
      );
    }
    const comparison = groupBy === 'variant' ? firstTwo(metrics, metric) : undefined;
    if (format === 'json') {
      const json = { campaignId: values.campaign, metrics, comparison: comparison ?? null };
      output = `${printableJson(reconciliation ? { ...json, reconciliation } : json, 2)}\n`;
    } else if (format === 'csv') {
      output = metricsCsv(metrics, groupBy);
    } else if (format === 'html') {
      output = renderCampaignReport({
        campaignId: values.campaign,
        metrics,
        ...(comparison ? { comparison } : {}),
        optOutsOverTime: await optOutsOverTime(opened.store, values.campaign),
        sendTimes: await sendTimeHeatmap(opened.store, values.campaign),
        ...(reconciliation ? { reconciliation } : {}),
        generatedAt: now(),
        currency: values.currency,
      });
    } else {
      output = `Campaign ${printable(values.campaign)}\n\n${metricsTable(metrics, groupBy)}${comparison ? `\n${verdictLine(comparison)}` : ''}${
        reconciliation ? `\n${reconciliationTable(reconciliation, values.currency)}` : ''
      }`;
    }
  } finally {
    await opened.close();
    await client?.close();
  }
  if (values.out) {
    await writeFile(resolve(cwd, values.out), output);
    io.stderr.write(`Wrote ${printable(values.out)}\n`);
  } else {
    io.stdout.write(output);
  }
  return ExitCode.ok as ExitCodeValue;
}
