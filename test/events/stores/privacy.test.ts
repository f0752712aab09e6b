import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, describe } from 'vitest';
import { GroupCommitEventStore } from '../../../src/events/stores/group-commit-store.js';
import { MemoryEventStore } from '../../../src/events/stores/memory.js';
import { PostgresEventStore } from '../../../src/events/stores/postgres.js';
import { SqliteEventStore } from '../../../src/events/stores/sqlite.js';
import { postgresRequired, TEST_DATABASE_URL } from '../../helpers/test-services.js';
import { describeErasureKeyRequired, describePrivacyConformance } from './privacy-conformance.js';

describePrivacyConformance('MemoryEventStore', async (erasureKey) => new MemoryEventStore({ erasureKey }));
describePrivacyConformance(
  'GroupCommitEventStore(SqliteEventStore)',
  async (erasureKey) => new GroupCommitEventStore(new SqliteEventStore({ filename: ':memory:', erasureKey })),
);
describePrivacyConformance(
  'SqliteEventStore',
  async (erasureKey) => new SqliteEventStore({ filename: ':memory:', erasureKey }),
);
describe('SqliteEventStore without a key', () => {
  describeErasureKeyRequired('SqliteEventStore', async () => new SqliteEventStore({ filename: ':memory:' }));
});

const available = await postgresRequired();
const schema = `wacloud_privacy_${process.pid}_${randomBytes(3).toString('hex')}`;
const pool = new pg.Pool({ connectionString: TEST_DATABASE_URL, max: 4 });
let tables = 0;
afterAll(async () => {
  if (available) await pool.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  await pool.end();
});

describe.runIf(available)('PostgresEventStore (real server)', () => {
  describePrivacyConformance(
    'PostgresEventStore',
    async (erasureKey) =>
      new PostgresEventStore({ pool, schema, tableName: `events_${++tables}`, erasureKey }),
  );
  describeErasureKeyRequired(
    'PostgresEventStore',
    async () => new PostgresEventStore({ pool, schema, tableName: `events_${++tables}` }),
  );
});
