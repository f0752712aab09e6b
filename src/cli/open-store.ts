import { resolve } from 'node:path';
import type { EventStore } from '../events/event-store.js';
import { MemoryEventStore } from '../events/index.js';
import { UsageError } from './cli-io.js';

/** An event store the CLI opened, with a way to release it. */
export interface OpenedStore {
  /** The store. */
  store: EventStore;
  /** A description safe to print (no password). */
  label: string;
  /** Whether events survive the process (false for the in-memory store). */
  persistent: boolean;
  /** Closes the database connection, if any. */
  close(): Promise<void>;
}

/** Help text of the `--store` flag. */
export const STORE_HELP =
  '--store <spec>  sqlite:./wa.db | postgres://user@host/db | memory (default: memory, nothing kept)';

function missingPeer(name: string, error: unknown): UsageError {
  const code = (error as { code?: string }).code;
  if (code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND') {
    return new UsageError(`--store needs the optional package "${name}": npm install ${name}`);
  }
  throw error;
}

/**
 * Opens the store a `--store` spec names (with `erasureKey` for `erase`). The SQL drivers are imported only for the spec chosen, so
 * `better-sqlite3` and `pg` stay optional.
 */
export async function openStore(
  spec: string | undefined,
  cwd: string,
  options: { erasureKey?: string } = {},
): Promise<OpenedStore> {
  const keyOption = options.erasureKey ? { erasureKey: options.erasureKey } : {};
  if (spec === undefined || spec === 'memory') {
    return {
      store: new MemoryEventStore(keyOption),
      label: 'memory',
      persistent: false,
      close: async () => {},
    };
  }
  if (spec.startsWith('sqlite:')) {
    const file = spec.slice('sqlite:'.length);
    if (!file) throw new UsageError('--store sqlite: needs a file, e.g. sqlite:./wa.db');
    const filename = file === ':memory:' ? file : resolve(cwd, file);
    let module: typeof import('../events/stores/sqlite.js');
    try {
      module = await import('../events/stores/sqlite.js');
    } catch (error) {
      throw missingPeer('better-sqlite3', error);
    }
    const store = new module.SqliteEventStore({ filename, ...keyOption });
    return { store, label: `sqlite:${file}`, persistent: file !== ':memory:', close: () => store.close() };
  }
  if (spec.startsWith('postgres://') || spec.startsWith('postgresql://')) {
    let module: typeof import('../events/stores/postgres.js');
    try {
      module = await import('../events/stores/postgres.js');
    } catch (error) {
      throw missingPeer('pg', error);
    }
    const url = new URL(spec);
    const schema = url.searchParams.get('schema') ?? undefined;
    url.searchParams.delete('schema');
    const store = new module.PostgresEventStore({
      connectionString: url.toString(),
      ...(schema ? { schema } : {}),
      ...keyOption,
    });
    url.password = url.password ? '***' : '';
    return { store, label: url.toString(), persistent: true, close: () => store.close() };
  }
  throw new UsageError(`Unknown --store "${spec}". ${STORE_HELP}`);
}
