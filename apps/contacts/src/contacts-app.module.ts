import { Module, type DynamicModule } from '@nestjs/common';
import { MongooseModule } from '@nestjs/mongoose';
import { SettingsModule } from '@switchboard/config';
import { CONSUMER_GROUPS, KafkaBatchTransport, KafkaModule } from '@switchboard/kafka';
import { ObservabilityModule } from '@switchboard/observability';
import { ActivityModule } from './activity/activity.module';
import { CampaignsModule } from './campaigns/campaigns.module';
import { CommandsModule } from './commands/commands.module';
import { ContactDetailsModule } from './contacts/contact-details.module';
import { contactsConsumerGroups } from './contacts-consumer-groups';
import { JobsModule } from './jobs/jobs.module';
import { MessagesModule } from './messages/messages.module';
import { SegmentsModule } from './segments/segments.module';
import { TenantSettingsModule } from './settings/tenant-settings.module';
import { TagsModule } from './tags/tags.module';
import { CommandRouter } from './write/command-router';
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
        WriteModule,
        MessagesModule,
        ActivityModule,
        ContactDetailsModule,
        TagsModule,
        SegmentsModule,
        JobsModule,
        CampaignsModule,
        CommandsModule,
        TenantSettingsModule,
      ],
      providers: [
        StoreReadiness,
        StoreMonitorWatchdog,
        {
          provide: CONSUMER_GROUPS,
          inject: [ContactsSettings, CommandRouter],
          useFactory: contactsConsumerGroups,
        },
        KafkaBatchTransport,
      ],
    };
  }
}
