import { ConfigurationError, type StoreSettings } from '@switchboard/config';

/** One process's share of the store's pool (see docs/operations.md, "The store's pool"). */
export interface StoreWriteBudget {
  /** The driver's `maxPoolSize`: commands this process has in flight at once. */
  driverConnections: number;
  /** Update statements of all the bulks this process has in flight together. */
  bulkStatements: number;
}

// Past these the pool is not what bounds a write (MongoDB): the driver's own default, and a
// command size that keeps requests small.
const DRIVER_CONNECTIONS_MAX = 100;
const BULK_STATEMENTS_MAX = 1_000;

/**
 * FerretDB 1.24 holds one of its PostgreSQL connections per matched statement of an `update`
 * command until the command ends, and one per open cursor; one more is needed to write. Kept
 * below the pool by every process together, a write can always take that one more.
 */
export function storeWriteBudget(
  settings: Pick<StoreSettings, 'STORE_POOL_CONNECTIONS' | 'STORE_SHARING_PROCESSES'>,
  openCursors: number,
): StoreWriteBudget {
  const share = Math.floor((settings.STORE_POOL_CONNECTIONS - 1) / settings.STORE_SHARING_PROCESSES);
  const left = share - openCursors;
  if (left < 2) {
    throw new ConfigurationError(
      `STORE_POOL_CONNECTIONS=${settings.STORE_POOL_CONNECTIONS} shared by STORE_SHARING_PROCESSES=` +
        `${settings.STORE_SHARING_PROCESSES} leaves ${share} connections per process, ` +
        `not enough for ${openCursors} open cursors plus writes`,
    );
  }
  const driverConnections = Math.min(Math.ceil(left / 2), DRIVER_CONNECTIONS_MAX);
  return { driverConnections, bulkStatements: Math.min(left - driverConnections, BULK_STATEMENTS_MAX) };
}
