import { Controller } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import { KafkaEventPattern, type ConsumedRecord } from '@switchboard/kafka';
import { GatewayConsumerGroup } from '../gateway-consumer-groups';
import { ContactEventsListener } from './contact-events.listener';

/** Reads `contacts.events` a partition batch at a time for the outcomes requests wait for. */
@Controller()
export class ContactEventsController {
  constructor(private readonly listener: ContactEventsListener) {}

  @KafkaEventPattern('contactEvents', { group: GatewayConsumerGroup.outcomes, batch: true })
  deliver(@Payload() records: ConsumedRecord[]): void {
    this.listener.deliver(records);
  }
}
