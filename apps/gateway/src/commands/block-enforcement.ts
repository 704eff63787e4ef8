import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnModuleDestroy,
} from '@nestjs/common';
import { Kafka, type Admin } from 'kafkajs';
import {
  FILTER_LIVENESS_MS,
  FilterProgress,
  parseJson,
  validateContract,
  type TopicNames,
} from '@switchboard/contracts';
import { TOPICS, TopicReadProgress, type ConsumedRecord } from '@switchboard/kafka';
import { histogram } from '@switchboard/observability';

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
 * their reports on `message-filter.progress`, read by the gateway's private `filter-progress`
 * group) and waits until all of them have passed the blocklist's current end: after that,
 * every record written before the call is enforced.
 */
@Injectable()
export class BlockEnforcement implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(BlockEnforcement.name);
  private readonly admin: Admin;
  private readonly instances = new Map<string, InstanceProgress>();
  private readonly waiters = new Set<() => void>();
  /** How far the progress topic has been read, against its end at start. */
  private readonly progressRead = new TopicReadProgress();

  constructor(
    kafka: Kafka,
    @Inject(TOPICS) private readonly topics: TopicNames,
  ) {
    this.admin = kafka.admin();
  }

  /** Whether every filter's last report is known: an empty view would confirm anything. */
  get caughtUp(): boolean {
    return this.progressRead.caughtUp;
  }

  /** Reads the progress topic's end before the reader starts (the transport starts it after the hooks). */
  async onApplicationBootstrap(): Promise<void> {
    await this.admin.connect();
    await this.progressRead.start(this.admin, this.topics.filterProgress);
  }

  async onModuleDestroy(): Promise<void> {
    await this.admin.disconnect();
  }

  /** Applies a batch of progress reports and wakes the requests waiting for enforcement. */
  applyReports(records: ConsumedRecord[]): void {
    for (const record of records) {
      this.apply(record.key?.toString() ?? '', record.value);
      this.progressRead.advance(record.partition, record.offset);
    }
    for (const wake of this.waiters) {
      wake();
    }
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
