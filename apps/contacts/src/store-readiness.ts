import { Injectable } from '@nestjs/common';
import { InjectConnection } from '@nestjs/mongoose';
import { ConnectionStates, type Connection } from 'mongoose';
import { ReadinessRegistry } from '@switchboard/observability';

/** Registers the store's ping as a readiness check. */
@Injectable()
export class StoreReadiness {
  constructor(@InjectConnection() connection: Connection, readiness: ReadinessRegistry) {
    readiness.register('store', async () => {
      if (connection.readyState !== ConnectionStates.connected || !connection.db) {
        return false;
      }
      await connection.db.admin().ping();
      return true;
    });
  }
}
