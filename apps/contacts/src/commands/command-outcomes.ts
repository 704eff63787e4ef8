import { Inject, Injectable } from '@nestjs/common';
import type { Command, ContactEvent, FieldError, TenantCommand, TopicNames } from '@switchboard/contracts';
import { KafkaProducer, TOPICS } from '@switchboard/kafka';
import { counter } from '@switchboard/observability';
import { CommandOutcomesRepository } from './command-outcomes.repository';
import { eventOf, eventRecord, rejectionEvent } from '../contacts/contact-publications';

/** Commands handled, by type and outcome (contact commands and tenant commands alike). */
export const commandsHandled = counter({
  name: 'switchboard_commands_handled_total',
  help: 'Commands handled, by type and outcome',
  labelNames: ['type', 'outcome'] as const,
});

type TenantEventType = Exclude<ContactEvent['type'], 'CommandRejected'>;

/**
 * What answering a command needs of it. A dead-lettered command may be malformed: any type
 * (`unknown` when it is none of ours), and possibly neither a valid contact id nor subject.
 */
export type AnsweredCommand = Pick<Command, 'commandId' | 'tenantId' | 'actor'> & {
  type: string;
  contactId?: string;
  subject?: string;
};

/**
 * Publishes a command's outcome to `contacts.events` and records it, for redeliveries and for
 * `GET /v1/commands/{id}`: rejections of any command, replays of any command handled before,
 * and the events of tenant commands (catalog, segments, campaigns, bulk jobs), keyed by their
 * subject. The state change comes first and is idempotent by the ids the command carries, so
 * a crash before this only means the outcome is published on redelivery. (Contact commands
 * publish their events from the contact's outbox instead.)
 */
@Injectable()
export class CommandOutcomes {
  constructor(
    private readonly outcomes: CommandOutcomesRepository,
    private readonly producer: KafkaProducer,
    @Inject(TOPICS) private readonly topics: TopicNames,
  ) {}

  /** The recorded outcome of a command handled before, published again; false if there is none. */
  async republish(command: Pick<AnsweredCommand, 'commandId' | 'tenantId' | 'type'>): Promise<boolean> {
    const outcome = await this.outcomes.find(command.tenantId, command.commandId);
    if (!outcome) {
      return false;
    }
    await this.producer.send([outcome.event]);
    commandsHandled.inc({ type: command.type, outcome: 'duplicate' });
    return true;
  }

  async publish<T extends TenantEventType>(
    command: TenantCommand,
    type: T,
    payload: Extract<ContactEvent, { type: T }>['payload'],
  ): Promise<void> {
    const event = eventOf<TenantEventType>(command, { subject: command.subject }, type, payload, new Date());
    await this.send(command, event);
    commandsHandled.inc({ type: command.type, outcome: 'applied' });
  }

  async reject(
    command: AnsweredCommand,
    code: string,
    reason: string,
    fieldErrors?: FieldError[],
  ): Promise<void> {
    await this.send(command, rejectionEvent(command, { code, reason, fieldErrors }, new Date()));
    commandsHandled.inc({ type: command.type, outcome: 'rejected' });
  }

  /**
   * Recorded first, published second: whoever sees the event (a caller answered 200) finds the
   * outcome in `GET /v1/commands/{id}`; a crash in between publishes it on redelivery. A command
   * that already had an outcome keeps it, and that one is published instead.
   */
  private async send(command: AnsweredCommand, event: ContactEvent): Promise<void> {
    const record = eventRecord(this.topics, event);
    const recorded = await this.outcomes.record(command.tenantId, command.commandId, event.type, {
      topic: record.topic,
      key: record.key,
      value: String(record.value),
    });
    const earlier = recorded ? null : await this.outcomes.find(command.tenantId, command.commandId);
    await this.producer.send([earlier?.event ?? record]);
  }
}
