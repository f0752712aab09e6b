import type { CampaignFactsBuilder } from '../../../metrics/campaign-facts-builder.js';
import { ISSUED_CODE_METADATA_KEY } from '../../issued-code.js';
import type { CampaignFactsSource } from './campaign-facts-source.js';
import { SqlParams } from './sql-params.js';

/**
 * The part of the engagement query that picks the conversions naming no message from the campaign's
 * first send on (a discount code, a link token, or only a campaign: the fold decides which are this
 * campaign's). A `UNION ALL` branch over the `sends` CTE; `columns` is the engagement select list.
 */
export function looseConversionsSql(table: string, columns: string, firstSendSecond: string): string {
  return `SELECT ${columns} FROM ${table} e
      WHERE e.kind = 'conversion' AND e.message_id IS NULL AND e.at >= ${firstSendSecond}`;
}

/**
 * Hands the fold the discount codes the campaign's sends carried (`metadata.discountCode` of their
 * outbound rows), when a conversion naming a code needs them: one query, only then.
 */
export async function addIssuedCodes(
  source: CampaignFactsSource,
  builder: CampaignFactsBuilder,
): Promise<void> {
  if (!builder.needsIssuedCodes()) return;
  const { dialect, table } = source;
  const params = new SqlParams(dialect);
  const campaign = params.add(builder.query.campaignId);
  const code =
    dialect === 'postgres'
      ? `o.extra #>> '{metadata,${ISSUED_CODE_METADATA_KEY}}'`
      : `json_extract(o.extra, '$.metadata.${ISSUED_CODE_METADATA_KEY}')`;
  const at = dialect === 'postgres' ? `floor(extract(epoch FROM o.at) * 1000)::float8` : 'o.at';
  const rows = await source.selectArrays(
    `SELECT o.message_id, ${code}, ${at} FROM ${table} o
    WHERE o.kind = 'outbound' AND o.campaign_id = ${campaign} AND ${code} IS NOT NULL`,
    params.values,
  );
  for (const [messageId, issued, sentAtMs] of rows) {
    if (typeof issued === 'string') builder.addIssuedCode(String(messageId), issued, Number(sentAtMs));
  }
}
