import type { ConsumerGroups } from '@switchboard/kafka';
import { CommandRouter } from './write/command-router';
import { ContactsSettings } from './contacts-settings';

/** The consumer groups of the contacts service, as its `@KafkaEventPattern` handlers name them. */
export const ContactsConsumerGroup = {
  commands: 'contacts-commands',
  messages: 'contacts-messages',
  activity: 'contacts-activity',
} as const;

/** How each group runs in this deployment. */
export function contactsConsumerGroups(settings: ContactsSettings, commands: CommandRouter): ConsumerGroups {
  return {
    [ContactsConsumerGroup.commands]: {
      groupId: `${settings.TOPIC_PREFIX}contacts-commands`,
      fromBeginning: true,
      partitionsConsumedConcurrently: settings.COMMAND_PARTITIONS_CONCURRENTLY,
      readinessCheck: 'commands-consumer',
      // a command that goes to the DLQ is answered (CommandRejected, or its recorded outcome)
      onDeadLetter: (record, error) => commands.answerDeadLettered(record, error),
    },
    [ContactsConsumerGroup.messages]: {
      groupId: `${settings.TOPIC_PREFIX}contacts-messages`,
      fromBeginning: true,
      partitionsConsumedConcurrently: settings.MESSAGE_PARTITIONS_CONCURRENTLY,
      readinessCheck: 'messages-consumer',
    },
    [ContactsConsumerGroup.activity]: {
      groupId: `${settings.TOPIC_PREFIX}contacts-activity`,
      fromBeginning: true,
      partitionsConsumedConcurrently: settings.COMMAND_PARTITIONS_CONCURRENTLY,
      readinessCheck: 'activity-projector',
    },
  };
}
