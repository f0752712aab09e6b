import { coveredEngagementRowSql, uncoveredEngagementRowSql } from '../postgres/engagement-rows-index.js';
import type { CampaignFactsSource } from './campaign-facts-source.js';
import { engagementColumnsSql } from './campaign-facts-sql.js';
import { ENGAGEMENT_KINDS_SQL } from './engagement-kinds.js';

/**
 * PostgreSQL's engagement query for the attribution statement: the same events as
 * `engagementEventsSql(source, 'probe', true)` (those naming a send by `message_id` or reply context;
 * from the second of the first send on, those of a send's recipient or a linked one, Meta's clicks naming
 * neither message nor recipient, and conversions naming no message), each once. Reads the CTEs `sends`
 * (message_id, recipient_key) and `first_send` (at). The Meta-click and loose-conversion branches of the
 * other query may repeat an event; the caller's `DISTINCT` over conversions makes that the same.
 *
 * Two branches, each answered by a partial index of schema version 10 (see engagement-rows-index.ts),
 * their predicates together every engagement row, each in exactly one:
 * - the rows small enough for the covering index, read from it alone, in one pass: the sends' ids and
 *   recipients are hashed once and left-joined, where `IN` subqueries under `OR` become hashed subplans
 *   that PostgreSQL rebuilds for every monthly partition. The sends' message ids are unique (an outbound's
 *   key is its message id; the rollup's too), so they are joined as they are; their recipients repeat, so
 *   those are made distinct. The table itself is scanned (not a union of the two branches) so that the
 *   planner keeps its column statistics for these joins;
 * - the rare larger rows from the table, by `IN` subqueries: a hashed subplan is only built when its
 *   branch finds a row, so this branch costs one index probe when there is none.
 */
export function engagementByJoinSql(source: CampaignFactsSource): string {
  const first = `date_trunc('second', (SELECT at FROM first_send))`;
  const linked = (recipient: string) =>
    source.identityTable === undefined
      ? ''
      : `
          OR e.recipient_key IN (SELECT l.linked_key FROM ${source.identityTable} l
            WHERE l.id_key IN (SELECT recipient_key FROM sends))`.replace('e.recipient_key', recipient);
  const looseKinds = `(e.kind = 'click' AND e.message_id IS NULL AND e.recipient_id IS NULL)
          OR (e.kind = 'conversion' AND e.message_id IS NULL)`;
  // `extra` stays jsonb (the caller reads several fields out of it: parsed once, not once per field).
  const columns = engagementColumnsSql('postgres').replace('e.extra::text AS extra', 'e.extra');
  const rows = (covered: string) => `e.kind IN ${ENGAGEMENT_KINDS_SQL} AND ${covered}`;
  return `SELECT ${columns}, e.recipient_key FROM ${source.table} e
      LEFT JOIN sends m ON m.message_id = e.message_id
      LEFT JOIN sends c ON c.message_id = e.context_message_id
      LEFT JOIN (SELECT DISTINCT recipient_key FROM sends) k ON k.recipient_key = e.recipient_key
      WHERE ${rows(coveredEngagementRowSql('e'))} AND (m.message_id IS NOT NULL OR c.message_id IS NOT NULL
        OR (e.at >= ${first} AND (k.recipient_key IS NOT NULL
          OR ${looseKinds}${linked('e.recipient_key')})))
      UNION ALL
      SELECT ${columns}, e.recipient_key FROM ${source.table} e
      WHERE ${rows(uncoveredEngagementRowSql('e'))} AND (e.message_id IN (SELECT message_id FROM sends)
        OR e.context_message_id IN (SELECT message_id FROM sends)
        OR (e.at >= ${first} AND (e.recipient_key IN (SELECT recipient_key FROM sends)
          OR ${looseKinds}${linked('e.recipient_key')})))`;
}
