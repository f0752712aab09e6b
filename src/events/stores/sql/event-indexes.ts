import { ENGAGEMENT_KINDS_SQL } from './engagement-kinds.js';

/**
 * The indexes of schema version 1, the same SQL in both dialects: campaign and time (metrics, scans),
 * message id and reply context (scans by message), recipient and time (attribution, scans by
 * recipient), time and id (keyset-paginated scans), and a partial index of the engagement kinds.
 */
export function eventIndexStatements(table: string, name: string): string[] {
  return [
    `CREATE INDEX "${name}_campaign_at_idx" ON ${table} (campaign_id, at) WHERE campaign_id IS NOT NULL`,
    `CREATE INDEX "${name}_message_idx" ON ${table} (message_id)`,
    `CREATE INDEX "${name}_context_idx" ON ${table} (context_message_id) WHERE context_message_id IS NOT NULL`,
    `CREATE INDEX "${name}_recipient_at_idx" ON ${table} (recipient_key, at)`,
    `CREATE INDEX "${name}_at_idx" ON ${table} (at, id)`,
    `CREATE INDEX "${name}_engagement_idx" ON ${table} (at) WHERE kind IN ${ENGAGEMENT_KINDS_SQL}`,
  ];
}
