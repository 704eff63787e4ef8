import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { resolve } from 'node:path';
import { MongoClient } from 'mongodb';

const STACK = resolve(__dirname, '../../stack/stack.sh');
const FERRETDB_BINARY = resolve(
  process.env.SWITCHBOARD_CACHE ?? resolve(homedir(), '.cache/switchboard'),
  'bin/ferretdb-1.24.2',
);

/** Whether this machine can run a FerretDB of its own beside the stack's (the stack built one). */
export function privateFerretDbAvailable(): boolean {
  return process.env.INTEGRATION_INFRASTRUCTURE !== 'testcontainers' && existsSync(FERRETDB_BINARY);
}

export interface PrivateFerretDb {
  port: number;
  pool: number;
  uri: string;
  /** The environment of `stack/stack.sh` for this instance (ferretdb-up, supervise, …). */
  stackEnvironment: NodeJS.ProcessEnv;
  /**
   * Wedges it the way FerretDB 1.24 wedges: one `update` command with as many matched
   * statements as its pool has connections, sent straight with the driver, past every bound.
   */
  wedge(): Promise<boolean>;
  /** Stops it and starts it again (what the supervisor does to a wedged one). */
  restart(): void;
  stop(): void;
}

/**
 * A FerretDB of a test's own, over the stack's PostgreSQL with its own database and a small
 * pool: breaking it on purpose leaves the shared store alone.
 */
export function startPrivateFerretDb(port: number, pool = 20): PrivateFerretDb {
  const stackEnvironment = {
    ...process.env,
    FERRETDB_PORT: String(port),
    FERRETDB_DATABASE: `ferretdb_p${port}`,
    FERRETDB_POOL: String(pool),
  };
  execFileSync('bash', [STACK, 'ferretdb-up'], { env: stackEnvironment, stdio: 'inherit' });
  const uri = `mongodb://127.0.0.1:${port}/`;
  return {
    port,
    pool,
    uri,
    stackEnvironment,
    wedge: () => wedge(uri, pool),
    restart: () => {
      execFileSync('bash', [STACK, 'ferretdb-down'], { env: stackEnvironment, stdio: 'inherit' });
      execFileSync('bash', [STACK, 'ferretdb-up'], { env: stackEnvironment, stdio: 'inherit' });
    },
    stop: () => execFileSync('bash', [STACK, 'ferretdb-down'], { env: stackEnvironment, stdio: 'inherit' }),
  };
}

/**
 * Sends the oversized bulk; resolves true when it never completed (the store wedged: its
 * connection timed out, or a restart closed it).
 */
export async function wedge(uri: string, statements: number): Promise<boolean> {
  const client = await MongoClient.connect(uri, { socketTimeoutMS: 10_000, maxPoolSize: 1 });
  try {
    const wedged = client.db('wedge').collection<{ _id: string; value: number }>(`wedge_${Date.now()}`);
    const ids = Array.from({ length: statements }, (_, index) => `wedge-${index}`);
    await wedged.insertMany(ids.map((_id) => ({ _id, value: 0 })));
    return await wedged
      .bulkWrite(ids.map((_id) => ({ updateOne: { filter: { _id }, update: { $inc: { value: 1 } } } })))
      .then(
        () => false,
        () => true,
      );
  } finally {
    await client.close(true);
  }
}
