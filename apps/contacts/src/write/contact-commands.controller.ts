import { Controller } from '@nestjs/common';
import { Ctx, Payload } from '@nestjs/microservices';
import { commandKey, parseCommand, parseJson } from '@switchboard/contracts';
import {
  eachKeyInOrder,
  groupMembershipLost,
  KafkaConsumerContext,
  KafkaEventPattern,
  type ConsumedRecord,
} from '@switchboard/kafka';
import { ContactsConsumerGroup } from '../contacts-consumer-groups';
import { ContactsSettings } from '../contacts-settings';
import { sliceInto } from '../store/bounded-bulk';
import { ContactWriteEngine } from './contact-write-engine';
import { CommandRouter } from './command-router';

/**
 * Reads `contacts.commands` a partition batch at a time. Every record is parsed and validated
 * first; then the commands are applied a slice of `COMMANDS_PER_PUBLICATION` at a time: those
 * of one subject (a contact, a tenant's catalog, see `commandKey`) in order and other subjects
 * meanwhile, and what the slice changed is published at once (ContactWriteEngine) before the next.
 * A batch with a bad record, or one that fails, is handled again record by record, where a bad
 * record goes to the DLQ with its answer; commands applied before are recognised by their ids.
 */
@Controller()
export class ContactCommandsController {
  constructor(
    private readonly router: CommandRouter,
    private readonly engine: ContactWriteEngine,
    private readonly settings: ContactsSettings,
  ) {}

  @KafkaEventPattern('contactCommands', { group: ContactsConsumerGroup.commands, batch: true })
  async handle(@Payload() records: ConsumedRecord[], @Ctx() context: KafkaConsumerContext): Promise<void> {
    const parsed = records.map((record) => ({ record, command: parseCommand(parseJson(record.value)) }));
    for (const slice of sliceInto(parsed, this.settings.COMMANDS_PER_PUBLICATION)) {
      const { partition, offset } = slice[0].record;
      const lastOffset = Number(slice[slice.length - 1].record.offset);
      const batch = this.engine.batch(partition, Number(offset), context.getAssignment());
      const commands = slice.map((item) => item.command);
      try {
        await eachKeyInOrder(
          commands,
          commandKey,
          this.settings.COMMAND_KEYS_CONCURRENTLY,
          async (command) => {
            await this.router.route(command, batch);
            await context.heartbeat();
          },
        );
      } catch (error) {
        // What was applied before the failure goes out now, if it can (the retry finds it applied),
        // unless the partition may have another owner already: that one publishes it.
        if (!groupMembershipLost(error)) {
          await this.engine.publish(batch, lastOffset).catch(() => undefined);
        }
        throw error;
      }
      await this.engine.publish(batch, lastOffset);
    }
  }
}
