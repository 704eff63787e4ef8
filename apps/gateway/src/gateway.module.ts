import { Module, type DynamicModule } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { SettingsModule } from '@switchboard/config';
import { CONSUMER_GROUPS, KafkaBatchTransport, KafkaModule } from '@switchboard/kafka';
import { ObservabilityModule } from '@switchboard/observability';
import { AuthModule } from './auth/auth.module';
import { BulkBlockController } from './blocks/bulk-block.controller';
import { ChannelCredentialsCache } from './channels/channel-credentials.cache';
import { ChannelMessagePublisher } from './channels/channel-message-publisher';
import { TwilioController } from './channels/twilio/twilio.controller';
import { WhatsappCloudController } from './channels/whatsapp/whatsapp-cloud.controller';
import { BlockEnforcement } from './commands/block-enforcement';
import { CommandBus } from './commands/command-bus';
import { CommandsController } from './commands/commands.controller';
import { ContactEventsController } from './commands/contact-events.controller';
import { ContactEventsListener } from './commands/contact-events.listener';
import { FilterProgressController } from './commands/filter-progress.controller';
import { CampaignsController } from './campaigns/campaigns.controller';
import { ContactsController } from './contacts/contacts.controller';
import { ContactsReader } from './contacts/contacts-reader';
import { ContactStreamController } from './conversations/contact-stream.controller';
import { ContactStreams } from './conversations/contact-streams';
import { ConversationsController } from './conversations/conversations.controller';
import { gatewayConsumerGroups } from './gateway-consumer-groups';
import { GatewaySettings } from './gateway-settings';
import { InboundWebhookController } from './inbound/inbound-webhook.controller';
import { JobsController } from './jobs/jobs.controller';
import { NotesController } from './notes/notes.controller';
import { SegmentsController } from './segments/segments.controller';
import { PhoneNumberSettingsCache } from './settings/phone-number-settings-cache';
import { ChannelCredentialsController } from './settings/channel-credentials.controller';
import { SettingsController } from './settings/settings.controller';
import { BulkTagsController } from './tags/bulk-tags.controller';
import { TagCatalogController } from './tags/tag-catalog.controller';
import { TagsController } from './tags/tags.controller';
import { ProducerReadiness } from './producer-readiness';
import { ProblemDetailsFilter } from './problems/problem-details.filter';

/**
 * The public HTTP API: authenticates, validates, turns writes into commands, reads via the
 * contacts service; its private readers (outcomes, filter progress) run on the Kafka transport.
 */
@Module({})
export class GatewayModule {
  static register(environment: NodeJS.ProcessEnv = process.env): DynamicModule {
    return {
      module: GatewayModule,
      imports: [
        SettingsModule.forRoot(GatewaySettings, environment),
        ObservabilityModule.forService('gateway'),
        KafkaModule.forService('gateway'),
        AuthModule,
      ],
      controllers: [
        ContactsController,
        NotesController,
        TagsController,
        TagCatalogController,
        BulkTagsController,
        BulkBlockController,
        SettingsController,
        ChannelCredentialsController,
        JobsController,
        SegmentsController,
        CampaignsController,
        CommandsController,
        InboundWebhookController,
        WhatsappCloudController,
        TwilioController,
        ConversationsController,
        ContactStreamController,
        ContactEventsController,
        FilterProgressController,
      ],
      providers: [
        CommandBus,
        BlockEnforcement,
        ContactEventsListener,
        ContactsReader,
        PhoneNumberSettingsCache,
        ProducerReadiness,
        ContactStreams,
        ChannelCredentialsCache,
        ChannelMessagePublisher,
        { provide: APP_FILTER, useClass: ProblemDetailsFilter },
        {
          provide: CONSUMER_GROUPS,
          inject: [GatewaySettings, ContactEventsListener, BlockEnforcement],
          useFactory: gatewayConsumerGroups,
        },
        KafkaBatchTransport,
      ],
    };
  }
}
