import { Controller } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import { KafkaEventPattern, type ConsumedRecord } from '@switchboard/kafka';
import { ContactsConsumerGroup } from '../../contacts-consumer-groups';
import { SegmentIndex } from './segment-index';

/** The segment index's private reader: contact states, merges and message times. */
@Controller()
export class SegmentIndexController {
  constructor(private readonly index: SegmentIndex) {}

  @KafkaEventPattern('contactEvents', { group: ContactsConsumerGroup.segmentIndex, batch: true })
  events(@Payload() records: ConsumedRecord[]): void {
    this.index.applyEvents(records);
  }

  @KafkaEventPattern('messagesAccepted', { group: ContactsConsumerGroup.segmentIndex, batch: true })
  accepted(@Payload() records: ConsumedRecord[]): void {
    this.index.applyMessages(records, 'accepted');
  }

  @KafkaEventPattern('messagesBlocked', { group: ContactsConsumerGroup.segmentIndex, batch: true })
  blocked(@Payload() records: ConsumedRecord[]): void {
    this.index.applyMessages(records, 'blocked');
  }
}
