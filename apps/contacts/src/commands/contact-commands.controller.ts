import { Controller } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import { parseCommand, parseJson } from '@switchboard/contracts';
import { KafkaEventPattern, type ConsumedRecord } from '@switchboard/kafka';
import { ContactsConsumerGroup } from '../contacts-consumer-groups';
import { CommandRouter } from './command-router';

/** Reads `contacts.commands`: parses and validates each record, then routes it. */
@Controller()
export class ContactCommandsController {
  constructor(private readonly router: CommandRouter) {}

  @KafkaEventPattern('contactCommands', { group: ContactsConsumerGroup.commands })
  handle(@Payload() record: ConsumedRecord): Promise<void> {
    return this.router.route(parseCommand(parseJson(record.value)));
  }
}
