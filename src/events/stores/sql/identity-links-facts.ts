import type { IdentityLinks } from '../../identity-links.js';
import type { CampaignFactsSource } from './campaign-facts-source.js';
import { firstSendSecondSql } from './first-send-second.js';
import { identityLinksFromRows } from './identity-links-sql.js';
import { SqlParams } from './sql-params.js';

/**
 * The identity links of a campaign's recipients (every id of each person the campaign messaged), or
 * `undefined` when the store keeps no identity table or none of them has another id.
 */
export async function campaignIdentityLinks(
  source: CampaignFactsSource,
  campaignId: string,
): Promise<IdentityLinks | undefined> {
  if (source.identityTable === undefined) return undefined;
  // Most stores link no ids at all: one probe then spares reading every recipient of the campaign.
  const anyLink = await source.selectArrays(`SELECT 1 FROM ${source.identityTable} LIMIT 1`, []);
  if (anyLink.length === 0) return undefined;
  const params = new SqlParams(source.dialect);
  const rows = await source.selectArrays(
    `SELECT l.id_key, l.linked_key FROM ${source.identityTable} l
    WHERE l.id_key IN (SELECT recipient_key FROM ${source.table}
      WHERE kind = 'outbound' AND campaign_id = ${params.add(campaignId)})`,
    params.values,
  );
  return rows.length === 0 ? undefined : identityLinksFromRows(rows as [string, string][]);
}

/**
 * The extra condition of the engagement query that also selects the events of the campaign recipients'
 * other ids (a reply that carries only a user id), or `''` without an identity table.
 */
export function linkedRecipientsSql(source: CampaignFactsSource, probe: (column: string) => string): string {
  if (source.identityTable === undefined) return '';
  return `
        OR (${probe('e.recipient_key')} IN (SELECT l.linked_key FROM ${source.identityTable} l
            WHERE l.id_key IN (SELECT recipient_key FROM sends))
          AND ${probe('e.at')} >= ${firstSendSecondSql(source.dialect)})`;
}
