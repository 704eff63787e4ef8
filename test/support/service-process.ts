import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { expectEventually, TEST_CHANNEL_CREDENTIALS_KEY, TEST_JWT_SECRET } from '@switchboard/testing';

const root = resolve(__dirname, '../..');

export interface ServiceProcess {
  child: ChildProcess;
  url: string;
  /** Resolves once `/health/ready` answers 200. */
  untilReady(timeoutMs?: number): Promise<void>;
  /** kill -9: no shutdown hook runs, nothing is flushed or committed. */
  crash(): Promise<void>;
  /** SIGTERM, and wait for the process to exit. */
  stop(): Promise<void>;
}

/**
 * Runs one app as its own OS process (from source, transpiled on the fly), so tests can
 * kill it for real. Its output goes to `artifacts/<name>.log`.
 */
export function spawnService(
  app: 'gateway' | 'contacts' | 'message-filter',
  port: number,
  environment: Record<string, string>,
  logName = `${app}-${port}`,
): ServiceProcess {
  mkdirSync(resolve(root, 'artifacts'), { recursive: true });
  const log = createWriteStream(resolve(root, 'artifacts', `${logName}.log`), { flags: 'a' });
  const child = spawn(
    process.execPath,
    ['-r', 'ts-node/register/transpile-only', '-r', 'tsconfig-paths/register', `apps/${app}/src/main.ts`],
    {
      cwd: root,
      env: {
        // Its own log file (below), not the suite's.
        ...withoutLogFile(process.env),
        JWT_SECRET: TEST_JWT_SECRET,
        CHANNEL_CREDENTIALS_KEY: TEST_CHANNEL_CREDENTIALS_KEY,
        LOG_LEVEL: 'info',
        ...environment,
        PORT: String(port),
        TS_NODE_PROJECT: 'tsconfig.json',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  child.stdout?.pipe(log);
  child.stderr?.pipe(log);
  const exited = new Promise<void>((resolveExit) => child.once('exit', () => resolveExit()));
  const url = `http://127.0.0.1:${port}`;
  return {
    child,
    url,
    untilReady: (timeoutMs = 60_000) =>
      expectEventually(
        async () => {
          if (child.exitCode !== null) {
            throw new Error(`${app} exited with ${child.exitCode}; see artifacts/${logName}.log`);
          }
          const response = await fetch(`${url}/health/ready`);
          if (!response.ok) {
            throw new Error(`${app} not ready`);
          }
        },
        { timeoutMs, intervalMs: 200 },
      ),
    crash: async () => {
      child.kill('SIGKILL');
      await exited;
    },
    stop: async () => {
      if (child.exitCode === null) {
        child.kill('SIGTERM');
      }
      await exited;
    },
  };
}

/** A free-enough port for a spawned service, distinct per call within a run. */
let nextPort = 20_000 + (process.pid % 10_000);
export function aPort(): number {
  return nextPort++;
}

function withoutLogFile(environment: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const { LOG_FILE: _suiteLog, ...rest } = environment;
  return rest;
}
