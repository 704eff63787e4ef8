import { ConfigurationError } from '@switchboard/config';
import { storeWriteBudget } from './store-write-budget';

describe('storeWriteBudget', () => {
  it('shares the pool less one connection equally between processes, less their open cursors', () => {
    // (100 - 1) / 4 = 24 per process; 4 cursors leave 20: 10 commands in flight, 10 bulk statements.
    expect(storeWriteBudget({ STORE_POOL_CONNECTIONS: 100, STORE_SHARING_PROCESSES: 4 }, 4)).toEqual({
      driverConnections: 10,
      bulkStatements: 10,
    });
  });

  it('keeps every process together below the pool, whatever the sizes', () => {
    for (const pool of [20, 100, 500]) {
      for (const processes of [1, 2, 4, 8]) {
        const cursors = 2;
        const share = Math.floor((pool - 1) / processes);
        if (share - cursors < 2) {
          continue;
        }
        const budget = storeWriteBudget(
          { STORE_POOL_CONNECTIONS: pool, STORE_SHARING_PROCESSES: processes },
          cursors,
        );
        const heldAtMost = processes * (budget.driverConnections + budget.bulkStatements + cursors);
        expect(heldAtMost).toBeLessThanOrEqual(pool - 1);
      }
    }
  });

  it('stops at the driver default and a small command where the pool does not bound (MongoDB)', () => {
    expect(storeWriteBudget({ STORE_POOL_CONNECTIONS: 100_000, STORE_SHARING_PROCESSES: 4 }, 4)).toEqual({
      driverConnections: 100,
      bulkStatements: 1_000,
    });
  });

  it('refuses a pool too small for the processes that share it', () => {
    expect(() => storeWriteBudget({ STORE_POOL_CONNECTIONS: 20, STORE_SHARING_PROCESSES: 8 }, 1)).toThrow(
      ConfigurationError,
    );
  });
});
