import { IdentityLinks, identityPairs } from '../../identity-links.js';
import type { StoredEvent } from '../../stored-event.js';
import { type SqlDialect, SqlParams } from './sql-params.js';

/**
 * The identity table of an event table: one row per ordered pair of ids (normalised as `recipient_key`
 * is) known to be one person. Each person's whole group is stored, both ways, so one look-up gives every
 * id of a person.
 */
export function identityLinksTableName(name: string): string {
  return `${name}_identity`;
}

/** `CREATE TABLE` of the identity table (quoted name). */
export function createIdentityLinksSql(table: string, dialect: SqlDialect): string {
  const text = dialect === 'postgres' ? 'text COLLATE "C"' : 'TEXT';
  return `CREATE TABLE ${table} (
    id_key ${text} NOT NULL,
    linked_key ${text} NOT NULL,
    PRIMARY KEY (id_key, linked_key)
  )`;
}

/** The distinct pairs of ids the events tie together, or `[]` (most events carry no user id). */
export function identityPairsOf(events: readonly StoredEvent[]): Array<[string, string]> {
  let seen: Set<string> | undefined;
  const pairs: Array<[string, string]> = [];
  for (const event of events) {
    for (const [a, b] of identityPairs(event)) {
      seen ??= new Set<string>();
      const key = a < b ? `${a}\u001f${b}` : `${b}\u001f${a}`;
      if (!seen.has(key)) {
        seen.add(key);
        pairs.push([a, b]);
      }
    }
  }
  return pairs;
}

/** A `SELECT id_key, linked_key` of the rows whose `id_key` is one of `ids`, with its parameters. */
export function selectLinksSql(table: string, dialect: SqlDialect, ids: readonly string[]) {
  const params = new SqlParams(dialect);
  return {
    sql: `SELECT id_key, linked_key FROM ${table} WHERE ${params.inList('id_key', ids)}`,
    values: params.values,
  };
}

/**
 * The rows to insert so that the table again holds every group whole, given the stored rows of every
 * id in `pairs` (and of their groups) and the new pairs; `[]` when every pair is already linked.
 */
export function missingLinkRows(
  storedRows: ReadonlyArray<readonly [string, string]>,
  pairs: ReadonlyArray<readonly [string, string]>,
): Array<[string, string]> {
  const stored = new Set(storedRows.map(([a, b]) => `${a}\u001f${b}`));
  if (pairs.every(([a, b]) => stored.has(`${a}\u001f${b}`))) return [];
  const links = new IdentityLinks();
  for (const [a, b] of storedRows) links.link(a, b);
  for (const [a, b] of pairs) links.link(a, b);
  const rows: Array<[string, string]> = [];
  const done = new Set<string>();
  for (const [a] of pairs) {
    const group = links.aliases(a);
    if (done.has(group[0] as string)) continue;
    done.add(group[0] as string);
    for (const x of group) {
      for (const y of group) if (x !== y && !stored.has(`${x}\u001f${y}`)) rows.push([x, y]);
    }
  }
  return rows;
}

/** The ids of the pairs and of every id linked to them in `rows`, for the next look-up round. */
export function idsToLookUp(
  pairs: ReadonlyArray<readonly [string, string]>,
  rows: ReadonlyArray<readonly [string, string]>,
): string[] {
  const ids = new Set<string>();
  for (const [a, b] of pairs) ids.add(a).add(b);
  for (const [, b] of rows) ids.add(b);
  return [...ids];
}

/** {@link IdentityLinks} from identity-table rows. */
export function identityLinksFromRows(rows: Iterable<readonly [string, string]>): IdentityLinks {
  const links = new IdentityLinks();
  for (const [a, b] of rows) links.link(a, b);
  return links;
}
