import { Controller } from '@nestjs/common';
import { Ctx, Payload } from '@nestjs/microservices';
import { KafkaConsumerContext, KafkaEventPattern, type ConsumedRecord } from '@switchboard/kafka';
import { MessageFilterConsumerGroup } from '../message-filter-consumer-groups';
import { InboundMessagesRouter } from './inbound-messages.router';

/** Reads `messages.inbound` a partition batch at a time (the hot path stays one synchronous pass). */
@Controller()
export class InboundMessagesController {
  constructor(private readonly router: InboundMessagesRouter) {}

  @KafkaEventPattern('messagesInbound', { group: MessageFilterConsumerGroup.inbound, batch: true })
  route(@Payload() records: ConsumedRecord[], @Ctx() context: KafkaConsumerContext): Promise<void> {
    return this.router.route(records, context.getGroupId());
  }
}
