import { Module, type DynamicModule } from '@nestjs/common';
import { MongooseModule } from '@nestjs/mongoose';
import { SettingsModule } from '@switchboard/config';
import { CONSUMER_GROUPS, KafkaBatchTransport, KafkaModule } from '@switchboard/kafka';
import { ObservabilityModule } from '@switchboard/observability';
import { ContactDetailsModule } from './contacts/contact-details.module';
import { contactsConsumerGroups } from './contacts-consumer-groups';
import { CommandRouter } from './write/command-router';
import { SegmentIndex } from './segments/index/segment-index';
import { SegmentsModule } from './segments/segments.module';
import { WriteModule } from './write/write.module';
import { ContactsSettings } from './contacts-settings';
import { StoreReadiness } from './store-readiness';
import { STORE_CONNECT_TIMEOUT_MS, StoreMonitorWatchdog } from './store/store-monitor-watchdog';
import { storeWriteBudget } from './store/store-write-budget';

/** The contacts service: owns contacts in the store and applies commands from Kafka. */
@Module({})
export class ContactsAppModule {
  static register(environment: NodeJS.ProcessEnv = process.env): DynamicModule {
    return {
      module: ContactsAppModule,
      imports: [
        SettingsModule.forRoot(ContactsSettings, environment),
        ObservabilityModule.forService('contacts'),
        KafkaModule.forService('contacts'),
        MongooseModule.forRootAsync({
          inject: [ContactsSettings],
          useFactory: (settings: ContactsSettings) => ({
            uri: settings.MONGODB_URI,
            dbName: settings.MONGODB_DB,
            serverSelectionTimeoutMS: 5_000,
            connectTimeoutMS: STORE_CONNECT_TIMEOUT_MS,
            // This process's share of the store's pool: more commands in flight can wedge FerretDB.
            maxPoolSize: storeWriteBudget(settings, settings.JOBS_CONCURRENTLY).driverConnections,
            // Fail into the consumer's retry with backoff instead of queueing inside mongoose.
            bufferCommands: false,
          }),
        }),
        // Every feature module (and its controllers) is reached through these two: the engine
        // imports what it changes, the agent's view of a customer what it shows.
        WriteModule,
        ContactDetailsModule,
        // The segment index's reader is one of the service's consumer groups.
        SegmentsModule,
      ],
      providers: [
        StoreReadiness,
        StoreMonitorWatchdog,
        {
          provide: CONSUMER_GROUPS,
          inject: [ContactsSettings, CommandRouter, SegmentIndex],
          useFactory: contactsConsumerGroups,
        },
        KafkaBatchTransport,
      ],
    };
  }
}
