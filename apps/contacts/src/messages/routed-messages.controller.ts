import { Controller } from '@nestjs/common';
import { Ctx, Payload } from '@nestjs/microservices';
import { KafkaConsumerContext, KafkaEventPattern, type ConsumedRecord } from '@switchboard/kafka';
import { ContactsConsumerGroup } from '../contacts-consumer-groups';
import { MessageIngestEngine } from './message-ingest.engine';

/** Reads `messages.accepted` and `messages.blocked` a partition batch at a time and records them. */
@Controller()
export class RoutedMessagesController {
  constructor(private readonly engine: MessageIngestEngine) {}

  @KafkaEventPattern('messagesAccepted', { group: ContactsConsumerGroup.messages, batch: true })
  accepted(@Payload() records: ConsumedRecord[], @Ctx() context: KafkaConsumerContext): Promise<void> {
    return this.engine.ingest({
      records,
      status: 'accepted',
      groupId: context.getGroupId(),
      heartbeat: () => context.heartbeat(),
    });
  }

  @KafkaEventPattern('messagesBlocked', { group: ContactsConsumerGroup.messages, batch: true })
  blocked(@Payload() records: ConsumedRecord[], @Ctx() context: KafkaConsumerContext): Promise<void> {
    return this.engine.ingest({
      records,
      status: 'blocked',
      groupId: context.getGroupId(),
      heartbeat: () => context.heartbeat(),
    });
  }
}
