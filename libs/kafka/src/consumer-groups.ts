import type { Consumer } from 'kafkajs';
import type { TopicRole } from '@switchboard/contracts';
import type { RecordConsumerOptions } from './record-consumer';

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

/**
 * How one consumer group of a service runs, from its typed settings: every `RecordConsumer`
 * option except the topics and the handler, which come from the group's `@KafkaEventPattern`
 * handlers, and the stall check, which the transport gives every group (the service's
 * `ConsumerStallCheck`). Options RecordConsumer gains later pass through unchanged.
 */
export type ConsumerGroupOptions = DistributiveOmit<
  RecordConsumerOptions,
  'topics' | 'handleRecord' | 'handleBatch' | 'stallCheck'
> & {
  /** The name this group's readiness check is registered under (`/health/ready`). */
  readinessCheck: string;
  /**
   * What else the group's readiness needs besides holding its partitions: the state a private
   * reader builds (loaded, positioned, caught up), read from the provider that holds it.
   */
  readyWhen?: () => boolean;
  /** Gets the group's kafkajs consumer before it starts, to follow its events (joins, fetches). */
  watchClient?: (client: Consumer) => void;
  /**
   * Resolves when the group may start consuming (the filter waits for its blocklist); the
   * transport starts the group in the background then, so the service answers health checks
   * meanwhile. A rejection is fatal.
   */
  startAfter?: () => Promise<unknown>;
};

/**
 * A service's consumer groups by the name its handlers give in `@KafkaEventPattern`. A private
 * reader (every instance reads every partition, e.g. to build in-memory state) is a group with a
 * per-instance `groupId` and `commit: false`.
 */
export type ConsumerGroups = Record<string, ConsumerGroupOptions>;

/** Injection token of the service's `ConsumerGroups`. */
export const CONSUMER_GROUPS = Symbol('CONSUMER_GROUPS');

/** What a handler declares in its pattern's extras. */
export interface KafkaEventExtras {
  /** The consumer group, a key of the service's `ConsumerGroups`. */
  group: string;
  /** Receive a whole partition batch (`ConsumedRecord[]`) instead of one record. */
  batch?: boolean;
}

/** A handler's pattern: the role of the topic it reads, resolved with the run's TOPIC_PREFIX. */
export type KafkaEventTopic = TopicRole;
