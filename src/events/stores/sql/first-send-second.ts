import type { SqlDialect } from './sql-params.js';

/**
 * SQL for the start of the whole second of the campaign's first send (the `sends` CTE of the facts
 * query): events of the campaign's recipients are read from there on. Webhook timestamps are whole
 * seconds while sends carry milliseconds, so a reply in the first send's second must not be cut off.
 */
export function firstSendSecondSql(dialect: SqlDialect): string {
  return dialect === 'postgres'
    ? `date_trunc('second', ${FIRST_SEND_SQL})`
    : `(${FIRST_SEND_SQL} / 1000 * 1000)`;
}

/** SQL for the campaign's first send (a scalar subquery over the `sends` CTE). */
export const FIRST_SEND_SQL = '(SELECT min(at) FROM sends)';
