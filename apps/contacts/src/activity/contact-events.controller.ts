import { Controller } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import { parseContactEvent, parseJson } from '@switchboard/contracts';
import { KafkaEventPattern, type ConsumedRecord } from '@switchboard/kafka';
import { ContactsConsumerGroup } from '../contacts-consumer-groups';
import { ActivityProjector } from './activity.projector';

/**
 * Reads `contacts.events` into the activity timelines, a partition batch at a time (a batch with
 * a record that is not an event is handled again record by record; that one goes to the DLQ).
 */
@Controller()
export class ContactEventsController {
  constructor(private readonly projector: ActivityProjector) {}

  @KafkaEventPattern('contactEvents', { group: ContactsConsumerGroup.activity, batch: true })
  handle(@Payload() records: ConsumedRecord[]): Promise<void> {
    return this.projector.project(records.map((record) => parseContactEvent(parseJson(record.value))));
  }
}
