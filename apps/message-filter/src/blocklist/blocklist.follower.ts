import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnModuleDestroy,
} from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { Kafka } from 'kafkajs';
import { BlocklistEntry, parseJson, validateContract, type TopicNames } from '@switchboard/contracts';
import {
  KafkaProducer,
  ConsumerStallCheck,
  RecordConsumer,
  deadLetterRecord,
  type OutboundRecord,
  TOPICS,
  TopicReadProgress,
  type ConsumedRecord,
} from '@switchboard/kafka';
import { counter, gauge, ReadinessRegistry } from '@switchboard/observability';
import { MessageFilterSettings } from '../message-filter-settings';
import { BlocklistState } from './blocklist.state';

const blockedIdentities = gauge({
  name: 'switchboard_filter_blocked_identities',
  help: 'Blocked identities held in memory by this filter instance',
});
const unreadableEntries = counter({
  name: 'switchboard_filter_unreadable_blocklist_records_total',
  help: 'contacts.blocklist records this instance could not parse (sent to the DLQ)',
});

/**
 * Keeps the in-memory blocklist equal to `contacts.blocklist`: reads the whole compacted
 * topic from the beginning (every partition, with a private group that never commits),
 * reports loaded once it reached the end offsets seen at start, then follows it live.
 */
@Injectable()
export class BlocklistFollower implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(BlocklistFollower.name);
  private readonly consumer: RecordConsumer;
  /** How far the blocklist has been applied, against its end at start. */
  private readonly applied = new TopicReadProgress();
  private markLoaded!: () => void;
  private startedAt = 0;
  readonly loaded = new Promise<void>((resolve) => (this.markLoaded = resolve));
  private loadedFlag = false;
  private readonly appliedListeners: (() => void)[] = [];

  private readonly groupId: string;

  constructor(
    private readonly kafka: Kafka,
    private readonly producer: KafkaProducer,
    settings: MessageFilterSettings,
    readiness: ReadinessRegistry,
    stallCheck: ConsumerStallCheck,
    @Inject(TOPICS) private readonly topics: TopicNames,
    readonly state: BlocklistState,
  ) {
    this.groupId = `${settings.TOPIC_PREFIX}message-filter-blocklist-${hostname()}-${randomUUID()}`;
    this.consumer = new RecordConsumer(kafka, producer, {
      groupId: this.groupId,
      topics: [topics.contactBlocklist],
      fromBeginning: true,
      commit: false,
      maxBytesPerPartition: 10_485_760,
      handleBatch: (records) => this.applyRecords(records),
      stallCheck,
    });
    readiness.register('blocklist-loaded', () => this.loadedFlag && this.consumer.isReady());
  }

  get isLoaded(): boolean {
    return this.loadedFlag;
  }

  /** Next offset to apply per partition, as reported to the gateway. */
  appliedOffsets(): Record<string, string> {
    return this.applied.offsets();
  }

  /** Calls `listener` after every applied batch of blocklist records. */
  onApplied(listener: () => void): void {
    this.appliedListeners.push(listener);
  }

  async onApplicationBootstrap(): Promise<void> {
    this.startedAt = Date.now();
    const admin = this.kafka.admin();
    await admin.connect();
    try {
      await this.applied.start(admin, this.topics.contactBlocklist);
    } finally {
      await admin.disconnect();
    }
    this.checkLoaded();
    await this.consumer.start();
  }

  async onModuleDestroy(): Promise<void> {
    await this.consumer.stop();
  }

  /**
   * Applies a batch in order. An unreadable record changes nothing and goes to the DLQ with the
   * reason. Every instance reads the whole topic, so each one that meets it dead-letters it
   * (`dlq-consumer-group` names the instance; `dlq-source-offset` tells the copies apart).
   */
  private async applyRecords(records: ConsumedRecord[]): Promise<void> {
    const deadLetters: OutboundRecord[] = [];
    for (const record of records) {
      const key = record.key?.toString() ?? '';
      try {
        const entry =
          record.value === null ? null : validateContract(BlocklistEntry, parseJson(record.value));
        this.state.apply(key, entry);
      } catch (error) {
        unreadableEntries.inc();
        this.logger.warn(
          { key, offset: record.offset, reason: (error as Error).message },
          'sending an unreadable blocklist record to the DLQ',
        );
        deadLetters.push(deadLetterRecord(record, error, this.groupId));
      }
      this.applied.advance(record.partition, record.offset);
    }
    await this.producer.send(deadLetters);
    blockedIdentities.set(this.state.size);
    this.checkLoaded();
    for (const listener of this.appliedListeners) {
      listener();
    }
  }

  private checkLoaded(): void {
    if (this.loadedFlag || !this.applied.caughtUp) {
      return;
    }
    this.loadedFlag = true;
    this.logger.log(
      { blockedIdentities: this.state.size, ms: Date.now() - this.startedAt },
      'blocklist loaded',
    );
    this.markLoaded();
  }
}
