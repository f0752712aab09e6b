import type { CampaignFactsSource } from './campaign-facts-source.js';
import { engagementColumnsSql } from './campaign-facts-sql.js';
import { ENGAGEMENT_KINDS_SQL } from './engagement-kinds.js';

/**
 * PostgreSQL's engagement query for the attribution statement: the same events as
 * `engagementEventsSql(source, 'probe', true)` (those naming a send by `message_id` or reply context;
 * from the second of the first send on, those of a send's recipient or a linked one, Meta's clicks naming
 * neither message nor recipient, and conversions naming no message), each once, in one pass over the
 * engagement rows: the sends' ids and recipients are hashed once and left-joined, where `IN` subqueries
 * under `OR` become hashed subplans that PostgreSQL rebuilds for every monthly partition. The sends'
 * message ids are unique (an outbound's key is its message id; the rollup's too), so they are joined as
 * they are, with no `DISTINCT` pass over them; their recipients repeat, so those are made distinct. Reads the CTEs
 * `sends` (message_id, recipient_key) and `first_send` (at). The Meta-click and loose-conversion branches
 * of the other query may repeat an event; the caller's `DISTINCT` over conversions makes that the same.
 */
export function engagementByJoinSql(source: CampaignFactsSource): string {
  const first = `date_trunc('second', (SELECT at FROM first_send))`;
  const linked =
    source.identityTable === undefined
      ? ''
      : `
          OR e.recipient_key IN (SELECT l.linked_key FROM ${source.identityTable} l
            WHERE l.id_key IN (SELECT recipient_key FROM sends))`;
  // `extra` stays jsonb (the caller reads several fields out of it: parsed once, not once per field).
  const columns = engagementColumnsSql('postgres').replace('e.extra::text AS extra', 'e.extra');
  return `SELECT ${columns}, e.recipient_key FROM ${source.table} e
      LEFT JOIN sends m ON m.message_id = e.message_id
      LEFT JOIN sends c ON c.message_id = e.context_message_id
      LEFT JOIN (SELECT DISTINCT recipient_key FROM sends) k ON k.recipient_key = e.recipient_key
      WHERE e.kind IN ${ENGAGEMENT_KINDS_SQL} AND (m.message_id IS NOT NULL OR c.message_id IS NOT NULL
        OR (e.at >= ${first} AND (k.recipient_key IS NOT NULL
          OR (e.kind = 'click' AND e.message_id IS NULL AND e.recipient_id IS NULL)
          OR (e.kind = 'conversion' AND e.message_id IS NULL)${linked})))`;
}
