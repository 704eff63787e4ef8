import { Controller } from '@nestjs/common';
import { Ctx, Payload } from '@nestjs/microservices';
import { KafkaConsumerContext, KafkaEventPattern, type ConsumedRecord } from '@switchboard/kafka';
import { MessageFilterConsumerGroup } from '../message-filter-consumer-groups';
import { BlocklistFollower } from './blocklist.follower';

/** Reads `contacts.blocklist` a partition batch at a time into the in-memory blocklist. */
@Controller()
export class BlocklistController {
  constructor(private readonly follower: BlocklistFollower) {}

  @KafkaEventPattern('contactBlocklist', { group: MessageFilterConsumerGroup.blocklist, batch: true })
  apply(@Payload() records: ConsumedRecord[], @Ctx() context: KafkaConsumerContext): Promise<void> {
    return this.follower.applyRecords(records, context.getGroupId());
  }
}
