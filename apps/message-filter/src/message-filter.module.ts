import { Module, type DynamicModule } from '@nestjs/common';
import { SettingsModule } from '@switchboard/config';
import { KafkaModule } from '@switchboard/kafka';
import { ObservabilityModule } from '@switchboard/observability';
import { BlocklistFollower } from './blocklist/blocklist.follower';
import { BlocklistState } from './blocklist/blocklist.state';
import { ProgressReporter } from './blocklist/progress.reporter';
import { InboundMessagesConsumer } from './filter/inbound-messages.consumer';
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
      providers: [BlocklistState, BlocklistFollower, ProgressReporter, InboundMessagesConsumer],
    };
  }
}
