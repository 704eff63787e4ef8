import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { ConsumerGroups } from '@switchboard/kafka';
import { SegmentIndex } from './segments/index/segment-index';
import { CommandRouter } from './write/command-router';
import { ContactsSettings } from './contacts-settings';

/** The consumer groups of the contacts service, as its `@KafkaEventPattern` handlers name them. */
export const ContactsConsumerGroup = {
  commands: 'contacts-commands',
  messages: 'contacts-messages',
  activity: 'contacts-activity',
  segmentIndex: 'contacts-segment-index',
} as const;

/** How each group runs in this deployment. */
export function contactsConsumerGroups(
  settings: ContactsSettings,
  commands: CommandRouter,
  segmentIndex: SegmentIndex,
): ConsumerGroups {
  const messagesGroupId = `${settings.TOPIC_PREFIX}contacts-messages`;
  const segmentIndexGroupId = `${settings.TOPIC_PREFIX}contacts-segment-index-${hostname()}-${randomUUID()}`;
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
      groupId: messagesGroupId,
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
    // A private reader: every instance holds the whole index (see SegmentIndex).
    [ContactsConsumerGroup.segmentIndex]: {
      groupId: segmentIndexGroupId,
      fromBeginning: true,
      commit: false,
      readinessCheck: 'segment-index',
      startAfter: () => segmentIndex.load(segmentIndexGroupId, messagesGroupId),
      readyWhen: () => segmentIndex.ready,
    },
  };
}
