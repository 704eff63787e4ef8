import { Controller } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import { parseContactEvent, parseJson } from '@switchboard/contracts';
import { KafkaEventPattern, type ConsumedRecord } from '@switchboard/kafka';
import { ContactsConsumerGroup } from '../contacts-consumer-groups';
import { ActivityProjector } from './activity.projector';

/** Reads `contacts.events` into the activity timelines. */
@Controller()
export class ContactEventsController {
  constructor(private readonly projector: ActivityProjector) {}

  @KafkaEventPattern('contactEvents', { group: ContactsConsumerGroup.activity })
  handle(@Payload() record: ConsumedRecord): Promise<void> {
    return this.projector.project(parseContactEvent(parseJson(record.value)));
  }
}
