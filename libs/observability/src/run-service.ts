import type { INestApplication } from '@nestjs/common';
import { Logger } from 'nestjs-pino';
import { ServiceSettings } from '@switchboard/config';

/**
 * Runs the start-up hooks, then starts the app's microservice transports (its Kafka
 * consumers), then `listen`: consumers start on initialised providers, as before HTTP.
 */
export async function startApp(app: INestApplication, listen: () => Promise<unknown>): Promise<void> {
  await app.init();
  await app.startAllMicroservices();
  await listen();
}

/**
 * Starts the app (its start-up hooks, then its Kafka consumers, then HTTP) and turns
 * SIGTERM/SIGINT into a graceful shutdown: Nest's hooks stop consumers (which finish the
 * batch in hand and commit) before the store and the producer close. A shutdown that
 * outlives SHUTDOWN_TIMEOUT_MS exits anyway, so an orchestrator never waits forever.
 */
export async function runService(app: INestApplication): Promise<void> {
  const settings = app.get(ServiceSettings);
  const logger = app.get(Logger);
  app.useLogger(logger);
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) {
      return;
    }
    stopping = true;
    logger.log({ msg: 'shutting down', signal });
    setTimeout(() => {
      logger.error({ timeoutMs: settings.SHUTDOWN_TIMEOUT_MS }, 'shutdown timed out; exiting');
      process.exit(1);
    }, settings.SHUTDOWN_TIMEOUT_MS).unref();
    app.close().then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', () => stop('SIGTERM'));
  process.once('SIGINT', () => stop('SIGINT'));
  await startApp(app, () => app.listen(settings.PORT, settings.HOST));
  logger.log({ msg: 'listening', port: settings.PORT, node: process.version });
}
