import { Module, type DynamicModule } from '@nestjs/common';
import { SettingsModule } from '@switchboard/config';
import { CONSUMER_GROUPS, KafkaBatchTransport, KafkaModule } from '@switchboard/kafka';
import { ObservabilityModule } from '@switchboard/observability';
import { BlocklistController } from './blocklist/blocklist.controller';
import { BlocklistFollower } from './blocklist/blocklist.follower';
import { BlocklistState } from './blocklist/blocklist.state';
import { ProgressReporter } from './blocklist/progress.reporter';
import { InboundMessagesController } from './filter/inbound-messages.controller';
import { InboundMessagesRouter } from './filter/inbound-messages.router';
import { messageFilterConsumerGroups } from './message-filter-consumer-groups';
import { MessageFilterSettings } from './message-filter-settings';

/** Drops inbound messages from blocked identities; lets the rest through. */
@Module({})
export class MessageFilterModule {
  static register(environment: NodeJS.ProcessEnv = process.env): DynamicModule {
    return {
      module: MessageFilterModule,
      imports: [
        SettingsModule.forRoot(MessageFilterSettings, environment),
        ObservabilityModule.forService('message-filter'),
        KafkaModule.forService('message-filter'),
      ],
      controllers: [InboundMessagesController, BlocklistController],
      providers: [
        BlocklistState,
        BlocklistFollower,
        ProgressReporter,
        InboundMessagesRouter,
        {
          provide: CONSUMER_GROUPS,
          inject: [MessageFilterSettings, BlocklistFollower, ProgressReporter],
          useFactory: messageFilterConsumerGroups,
        },
        KafkaBatchTransport,
      ],
    };
  }
}
