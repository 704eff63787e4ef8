import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { ConsumerGroups } from '@switchboard/kafka';
import { BlocklistFollower } from './blocklist/blocklist.follower';
import { ProgressReporter } from './blocklist/progress.reporter';
import { MessageFilterSettings } from './message-filter-settings';

/** The consumer groups of the message filter, as its `@KafkaEventPattern` handlers name them. */
export const MessageFilterConsumerGroup = {
  inbound: 'message-filter',
  blocklist: 'message-filter-blocklist',
} as const;

/** How each group runs in this deployment. */
export function messageFilterConsumerGroups(
  settings: MessageFilterSettings,
  blocklist: BlocklistFollower,
  progress: ProgressReporter,
): ConsumerGroups {
  return {
    [MessageFilterConsumerGroup.inbound]: {
      groupId: `${settings.TOPIC_PREFIX}message-filter`,
      fromBeginning: true,
      partitionsConsumedConcurrently: settings.INBOUND_PARTITIONS_CONCURRENTLY,
      readinessCheck: 'inbound-consumer',
      // No message passes on a partial blocklist; and the loaded blocklist is announced first,
      // so the gateway counts this instance when it confirms the next block.
      startAfter: () => blocklist.loaded.then(() => progress.report()),
    },
    // A private reader: every instance holds the whole blocklist.
    [MessageFilterConsumerGroup.blocklist]: {
      groupId: `${settings.TOPIC_PREFIX}message-filter-blocklist-${hostname()}-${randomUUID()}`,
      fromBeginning: true,
      commit: false,
      // kafkajs decodes a whole fetch response in one go (10 MB per partition blocked the event
      // loop for seconds at bootstrap): small fetches keep it turning, and load no slower.
      maxBytesPerPartition: 65_536,
      readinessCheck: 'blocklist-loaded',
      readyWhen: () => blocklist.isLoaded,
    },
  };
}
