import type pg from 'pg';
import type { IdentityLinks } from '../../identity-links.js';
import { normalizeRecipientId } from '../../recipient-id.js';
import type { StoredEvent } from '../../stored-event.js';
import {
  identityLinksFromRows,
  identityPairsOf,
  idsToLookUp,
  missingLinkRows,
  selectLinksSql,
} from '../sql/identity-links-sql.js';
import { withTransaction } from './transaction.js';

/** The rows of the identity table whose `id_key` is one of `ids`. */
async function selectLinks(
  db: pg.Pool | pg.PoolClient,
  identityTable: string,
  ids: readonly string[],
): Promise<[string, string][]> {
  const { sql, values } = selectLinksSql(identityTable, 'postgres', ids);
  return (await db.query<[string, string]>({ text: sql, values, rowMode: 'array' })).rows;
}

/**
 * Which ids are one person, from the identity table (quoted name): the groups of `recipientIds`, or
 * every group when omitted.
 */
export async function readIdentityLinks(
  pool: pg.Pool,
  identityTable: string,
  recipientIds?: readonly string[],
): Promise<IdentityLinks> {
  if (recipientIds === undefined) {
    const { rows } = await pool.query<[string, string]>({
      text: `SELECT id_key, linked_key FROM ${identityTable}`,
      rowMode: 'array',
    });
    return identityLinksFromRows(rows);
  }
  return identityLinksFromRows(
    await selectLinks(pool, identityTable, recipientIds.map(normalizeRecipientId)),
  );
}

/**
 * Adds the pairs of ids the events tie together to the identity table, keeping each person's group
 * whole. Usually one look-up finds them all linked already; otherwise the groups are read again and
 * completed under an advisory lock named after `lockScope`, so two processes linking one person at once
 * cannot leave it split. Derived from every given event (not only new ones), so a retried append also
 * repairs an interrupted link.
 */
export async function linkIdentities(
  pool: pg.Pool,
  identityTable: string,
  lockScope: string,
  events: readonly StoredEvent[],
): Promise<void> {
  const pairs = identityPairsOf(events);
  if (pairs.length === 0) return;
  const known = await selectLinks(pool, identityTable, idsToLookUp(pairs, []));
  if (missingLinkRows(known, pairs).length === 0) return;
  await withTransaction(pool, async (client) => {
    await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`wacloud:identity:${lockScope}`]);
    const first = await selectLinks(client, identityTable, idsToLookUp(pairs, []));
    const stored = await selectLinks(client, identityTable, idsToLookUp(pairs, first));
    const missing = missingLinkRows(stored, pairs);
    if (missing.length === 0) return;
    await client.query(
      `INSERT INTO ${identityTable} (id_key, linked_key)
      SELECT * FROM unnest($1::text[], $2::text[]) ON CONFLICT DO NOTHING`,
      [missing.map(([a]) => a), missing.map(([, b]) => b)],
    );
  });
}
