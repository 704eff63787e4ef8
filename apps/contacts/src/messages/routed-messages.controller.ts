import { Controller } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import { BlockedMessage, parseInboundMessage, parseJson, validateContract } from '@switchboard/contracts';
import { KafkaEventPattern, type ConsumedRecord } from '@switchboard/kafka';
import { ContactsConsumerGroup } from '../contacts-consumer-groups';
import { MessageIngestService } from './message-ingest.service';

/** Reads `messages.accepted` and `messages.blocked` and records each message on its contact. */
@Controller()
export class RoutedMessagesController {
  constructor(private readonly ingest: MessageIngestService) {}

  @KafkaEventPattern('messagesAccepted', { group: ContactsConsumerGroup.messages })
  accepted(@Payload() record: ConsumedRecord): Promise<void> {
    return this.ingest.record(parseInboundMessage(record.value), 'accepted');
  }

  @KafkaEventPattern('messagesBlocked', { group: ContactsConsumerGroup.messages })
  blocked(@Payload() record: ConsumedRecord): Promise<void> {
    return this.ingest.record(validateContract(BlockedMessage, parseJson(record.value)).message, 'blocked');
  }
}
