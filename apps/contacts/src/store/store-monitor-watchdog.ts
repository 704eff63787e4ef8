import { Injectable, Logger, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { InjectConnection } from '@nestjs/mongoose';
import type { MongoClient } from 'mongodb';
import type { Connection } from 'mongoose';

/** The driver's bound on one heartbeat (`connectTimeoutMS`, the monitor's socket timeout). */
export const STORE_CONNECT_TIMEOUT_MS = 10_000;
/** A heartbeat still running this long after it started will never end. */
const HEARTBEAT_STUCK_MS = STORE_CONNECT_TIMEOUT_MS + 5_000;
const CHECK_EVERY_MS = 1_000;

/**
 * Reconnects the store's client when its server monitor hangs. The driver (mongodb 6.20) can
 * start a heartbeat on the monitor's connection in the same turn as the store closes it (a
 * restarted FerretDB closes every connection at once, and the first failed operation asks the
 * monitor for a check): the write goes to a destroyed socket, no timeout or close event is left
 * to end it, and the monitor waits on it forever. Until a heartbeat succeeds the server stays
 * Unknown, so every operation times out in server selection and readiness stays false.
 */
@Injectable()
export class StoreMonitorWatchdog implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger(StoreMonitorWatchdog.name);
  private heartbeatStartedAt?: number;
  private reconnecting?: Promise<void>;
  private timer?: NodeJS.Timeout;

  constructor(@InjectConnection() private readonly connection: Connection) {}

  onModuleInit(): void {
    const client = this.connection.getClient();
    client.on('serverHeartbeatStarted', () => (this.heartbeatStartedAt ??= Date.now()));
    client.on('serverHeartbeatSucceeded', () => (this.heartbeatStartedAt = undefined));
    client.on('serverHeartbeatFailed', () => (this.heartbeatStartedAt = undefined));
    this.timer = setInterval(() => this.check(client), CHECK_EVERY_MS).unref();
  }

  onApplicationShutdown(): void {
    clearInterval(this.timer);
  }

  private check(client: MongoClient): void {
    const startedAt = this.heartbeatStartedAt;
    if (this.reconnecting || startedAt === undefined || Date.now() - startedAt < HEARTBEAT_STUCK_MS) {
      return;
    }
    this.logger.warn(
      { heartbeatRunningMs: Date.now() - startedAt },
      'store monitor hangs; reconnecting the client',
    );
    this.heartbeatStartedAt = undefined;
    // Nothing in flight can succeed meanwhile: the server is Unknown until a heartbeat answers.
    this.reconnecting = client
      .close(true)
      .then(() => client.connect())
      .then(
        () => this.logger.log('store client reconnected'),
        (error: unknown) =>
          this.logger.warn({ reason: (error as Error).message }, 'store client reconnect failed'),
      )
      .finally(() => (this.reconnecting = undefined));
  }
}
