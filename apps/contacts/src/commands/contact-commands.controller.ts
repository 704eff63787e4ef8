import { Controller } from '@nestjs/common';
import { Ctx, Payload } from '@nestjs/microservices';
import { commandKey, parseCommand, parseJson } from '@switchboard/contracts';
import {
  eachKeyInOrder,
  KafkaConsumerContext,
  KafkaEventPattern,
  type ConsumedRecord,
} from '@switchboard/kafka';
import { ContactsConsumerGroup } from '../contacts-consumer-groups';
import { ContactsSettings } from '../contacts-settings';
import { CommandRouter } from './command-router';

/**
 * Reads `contacts.commands` a partition batch at a time. Every record is parsed and validated
 * first; then the commands are routed, those of one subject (a contact, a tenant's catalog, see
 * `commandKey`) in order and other subjects meanwhile. A batch with a bad record, or one that
 * fails, is handled again record by record, where a bad record goes to the DLQ with its answer;
 * commands applied before are recognised by their ids.
 */
@Controller()
export class ContactCommandsController {
  constructor(
    private readonly router: CommandRouter,
    private readonly settings: ContactsSettings,
  ) {}

  @KafkaEventPattern('contactCommands', { group: ContactsConsumerGroup.commands, batch: true })
  handle(@Payload() records: ConsumedRecord[], @Ctx() context: KafkaConsumerContext): Promise<void> {
    const commands = records.map((record) => parseCommand(parseJson(record.value)));
    return eachKeyInOrder(commands, commandKey, this.settings.COMMAND_KEYS_CONCURRENTLY, async (command) => {
      await this.router.route(command);
      await context.heartbeat();
    });
  }
}
