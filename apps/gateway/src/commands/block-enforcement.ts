import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnModuleDestroy,
} from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { Kafka, type Admin } from 'kafkajs';
import {
  FILTER_LIVENESS_MS,
  FilterProgress,
  parseJson,
  validateContract,
  type TopicNames,
} from '@switchboard/contracts';
import {
  ConsumerStallCheck,
  KafkaProducer,
  RecordConsumer,
  TOPICS,
  TopicReadProgress,
} from '@switchboard/kafka';
import { histogram, ReadinessRegistry } from '@switchboard/observability';
import { GatewaySettings } from '../gateway-settings';

interface InstanceProgress {
  offsets: Map<number, bigint>;
  receivedAt: number;
}

const confirmationLatency = histogram({
  name: 'switchboard_gateway_block_confirmation_seconds',
  help: 'Time from a block or unblock outcome until every live filter enforced it',
  buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
});

/**
 * Knows how far every live message-filter instance has applied `contacts.blocklist` (from
 * their reports on `message-filter.progress`) and waits until all of them have passed the
 * blocklist's current end: after that, every record written before the call is enforced.
 */
@Injectable()
export class BlockEnforcement implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(BlockEnforcement.name);
  private readonly consumer: RecordConsumer;
  private readonly admin: Admin;
  private readonly instances = new Map<string, InstanceProgress>();
  private readonly waiters = new Set<() => void>();
  /** How far the progress topic has been read, against its end at start. */
  private readonly progressRead = new TopicReadProgress();

  constructor(
    kafka: Kafka,
    producer: KafkaProducer,
    settings: GatewaySettings,
    readiness: ReadinessRegistry,
    stallCheck: ConsumerStallCheck,
    @Inject(TOPICS) private readonly topics: TopicNames,
  ) {
    this.admin = kafka.admin();
    this.consumer = new RecordConsumer(kafka, producer, {
      groupId: `${settings.TOPIC_PREFIX}gateway-filter-progress-${hostname()}-${randomUUID()}`,
      topics: [topics.filterProgress],
      fromBeginning: true,
      commit: false,
      handleBatch: (records) => {
        for (const record of records) {
          this.apply(record.key?.toString() ?? '', record.value);
          this.progressRead.advance(record.partition, record.offset);
        }
        for (const wake of this.waiters) {
          wake();
        }
      },
      stallCheck,
    });
    // Not ready before every filter's last report is known: an empty view would confirm anything.
    readiness.register('filter-progress', () => this.consumer.isReady() && this.progressRead.caughtUp);
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.admin.connect();
    await this.progressRead.start(this.admin, this.topics.filterProgress);
    await this.consumer.start();
  }

  async onModuleDestroy(): Promise<void> {
    await this.consumer.stop();
    await this.admin.disconnect();
  }

  /**
   * Resolves true once every live filter has applied the blocklist up to its current end,
   * false if that takes longer than `timeoutMs`.
   */
  async waitUntilEnforced(timeoutMs: number): Promise<boolean> {
    const stopTimer = confirmationLatency.startTimer();
    const target = await this.blocklistEnds();
    if (!target) {
      return false;
    }
    const enforced = await new Promise<boolean>((resolve) => {
      const check = () => {
        if (this.allLiveInstancesReached(target)) {
          finish(true);
        }
      };
      const timer = setTimeout(() => finish(false), timeoutMs);
      const finish = (result: boolean) => {
        clearTimeout(timer);
        this.waiters.delete(check);
        resolve(result);
      };
      this.waiters.add(check);
      check();
    });
    if (enforced) {
      stopTimer();
    }
    return enforced;
  }

  /**
   * Whether every live filter has applied the blocklist up to its current end, now: true means
   * every block and unblock recorded before the call is enforced.
   */
  async enforcedNow(): Promise<boolean> {
    const target = await this.blocklistEnds();
    return target !== undefined && this.allLiveInstancesReached(target);
  }

  private async blocklistEnds(): Promise<Map<number, bigint> | undefined> {
    try {
      const ends = await this.admin.fetchTopicOffsets(this.topics.contactBlocklist);
      return new Map(ends.map(({ partition, high }) => [partition, BigInt(high)]));
    } catch (error) {
      // not confirmed is an honest answer (202), a failed lookup is no reason for a 500
      this.logger.warn({ err: error }, 'could not read the blocklist end offsets');
      return undefined;
    }
  }

  private allLiveInstancesReached(target: Map<number, bigint>): boolean {
    const now = Date.now();
    for (const [instanceId, progress] of this.instances) {
      if (now - progress.receivedAt > FILTER_LIVENESS_MS) {
        this.instances.delete(instanceId); // gone without a goodbye (crashed): it passes nothing now
        continue;
      }
      for (const [partition, end] of target) {
        if ((progress.offsets.get(partition) ?? 0n) < end) {
          return false;
        }
      }
    }
    return true;
  }

  private apply(instanceId: string, value: Buffer | null): void {
    if (value === null) {
      this.instances.delete(instanceId);
      return;
    }
    try {
      const progress = validateContract(FilterProgress, parseJson(value));
      this.instances.set(instanceId, {
        offsets: new Map(
          Object.entries(progress.appliedOffsets).map(([partition, offset]) => [
            Number(partition),
            BigInt(offset),
          ]),
        ),
        // Reports replayed at start-up are old: judge them by their own time; live ones by ours,
        // so a filter whose clock lags is not taken for gone.
        receivedAt: this.progressRead.caughtUp
          ? Date.now()
          : Math.min(Date.now(), Date.parse(progress.reportedAt)),
      });
    } catch (error) {
      this.logger.warn(
        { instanceId, reason: (error as Error).message },
        'skipping an unreadable progress report',
      );
    }
  }
}
