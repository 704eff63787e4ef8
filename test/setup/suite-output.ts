import { createWriteStream } from 'node:fs';
import { mkdirSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import { Logger, type LoggerService } from '@nestjs/common';

/**
 * Runs before each suite of the infrastructure projects: everything the services and clients of
 * the suite log goes to `artifacts/suites/<suite>.log`, not between jest's results. The reporter
 * (suite-output-reporter.js) prints that file's tail only for a suite that failed.
 */
const suite = basename(expect.getState().testPath ?? 'unknown-suite');
const logFile = resolve(__dirname, '../../artifacts/suites', `${suite}.log`);
mkdirSync(resolve(logFile, '..'), { recursive: true });

// In-process services read LOG_FILE through their settings (testEnvironment copies process.env).
process.env.LOG_FILE = logFile;

const stream = createWriteStream(logFile, { flags: 'w' });
const write =
  (level: string) =>
  (message: unknown, ...rest: unknown[]) => {
    stream.write(`${JSON.stringify({ time: new Date().toISOString(), level, message, rest })}\n`);
  };

/** Nest's static logger, before any service sets its own (kafkajs clients made by the tests). */
const suiteLogger: LoggerService = {
  log: write('log'),
  error: write('error'),
  warn: write('warn'),
  debug: write('debug'),
  verbose: write('verbose'),
  fatal: write('fatal'),
};
Logger.overrideLogger(suiteLogger);
