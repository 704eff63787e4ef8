import { Logger } from '@nestjs/common';
import type { Gauge } from 'prom-client';
import type { Admin as KafkaAdmin, Kafka } from 'kafkajs';
import { gauge } from '@switchboard/observability';

/** A partition that has records to read and has not moved for longer than the bound. */
export interface PartitionStall {
  group: string;
  topic: string;
  partition: number;
  /** Records between the group's position and the partition's end. */
  lag: string;
  noProgressForSeconds: number;
}

export interface ConsumerProgressOptions {
  groupId: string;
  /** Where the group starts on a partition without a committed offset (as the consumer does). */
  fromBeginning: boolean;
  /** How often end offsets (and unknown committed offsets) are read from the broker. */
  refreshMs?: number;
}

interface PartitionState {
  topic: string;
  partition: number;
  /** Next offset the group reads: committed, or handled for a private reader that never commits. */
  position?: bigint;
  /** Set on a (re)join: the committed offset may have moved while another member held it. */
  positionStale: boolean;
  /** High watermark: the offset the next record written will get. */
  end?: bigint;
  low?: bigint;
  /** Last time the partition advanced, or was seen with nothing to read. */
  progressAt: number;
}

const DEFAULT_REFRESH_MS = 5_000;

/** Trackers of running consumers; the gauges read them when Prometheus scrapes. */
const running = new Set<ConsumerProgress>();

function partitionGauge(
  name: string,
  help: string,
  read: (state: PartitionState, now: number) => number | undefined,
) {
  return gauge({
    name,
    help,
    labelNames: ['group', 'topic', 'partition'] as const,
    collect(this: Gauge<'group' | 'topic' | 'partition'>) {
      // Rebuilt per scrape: partitions this member no longer holds disappear.
      this.reset();
      const now = Date.now();
      for (const progress of running) {
        progress.observe(now);
        for (const state of progress.partitionStates()) {
          const value = read(state, now);
          if (value !== undefined) {
            this.set(
              { group: progress.groupId, topic: state.topic, partition: String(state.partition) },
              value,
            );
          }
        }
      }
    },
  });
}

partitionGauge(
  'switchboard_consumer_committed_offset',
  'Next offset the consumer group reads, per partition this instance holds (committed; handled, for private readers that never commit)',
  (state) => (state.position === undefined ? undefined : Number(state.position)),
);
partitionGauge(
  'switchboard_consumer_end_offset',
  'End offset (high watermark) of each partition this instance holds',
  (state) => (state.end === undefined ? undefined : Number(state.end)),
);
partitionGauge(
  'switchboard_consumer_lag',
  'Records between the consumer group position and the end, per partition this instance holds',
  (state) => {
    const lag = lagOf(state);
    return lag === undefined ? undefined : Number(lag);
  },
);
partitionGauge(
  'switchboard_consumer_seconds_since_progress',
  'Seconds a partition with lag has gone without progress (0 while it is caught up)',
  (state, now) => {
    const lag = lagOf(state);
    return lag === undefined ? undefined : lag > 0n ? (now - state.progressAt) / 1000 : 0;
  },
);

function lagOf(state: PartitionState): bigint | undefined {
  if (state.position === undefined || state.end === undefined) {
    return undefined;
  }
  const lag = state.end - state.position;
  return lag > 0n ? lag : 0n;
}

const key = (topic: string, partition: number) => `${partition}@${topic}`;

/**
 * How far one consumer group has got on the partitions this instance holds: its position, the
 * partitions' end offsets, the lag and when each partition last moved. The consumer reports
 * what it sees (assignments, batches, commits); a timer reads end offsets from the broker so
 * that a partition that gets no batches (idle, or starved behind a stuck one) is still right.
 * One ListOffsets per topic per refresh, plus an OffsetFetch only while a position is unknown.
 */
export class ConsumerProgress {
  private readonly logger: Logger;
  private readonly partitions = new Map<string, PartitionState>();
  private admin?: KafkaAdmin;
  private adminConnection?: Promise<void>;
  private timer?: NodeJS.Timeout;
  private refreshing?: Promise<void>;

  constructor(
    private readonly kafka: Kafka,
    private readonly options: ConsumerProgressOptions,
  ) {
    this.logger = new Logger(`ConsumerProgress:${options.groupId}`);
  }

  get groupId(): string {
    return this.options.groupId;
  }

  /** Starts the periodic refresh and the metrics of this consumer. */
  start(): void {
    running.add(this);
    this.timer ??= setInterval(() => void this.refresh(), this.options.refreshMs ?? DEFAULT_REFRESH_MS);
    this.timer.unref();
  }

  /** Stops refreshing, forgets the partitions and drops this consumer's metrics. */
  async stop(): Promise<void> {
    running.delete(this);
    clearInterval(this.timer);
    this.timer = undefined;
    this.partitions.clear();
    await this.refreshing;
    const admin = this.admin;
    this.admin = undefined;
    this.adminConnection = undefined;
    await admin?.disconnect().catch(() => undefined);
  }

  /**
   * The partitions this member holds after a (re)join (kafkajs GROUP_JOIN `memberAssignment`).
   * Partitions it kept keep their last progress time, so a consumer that restarts on a stuck
   * partition over and over is still seen stuck.
   */
  assigned(assignment: Record<string, number[]>, now = Date.now()): void {
    const held = new Set<string>();
    for (const [topic, partitions] of Object.entries(assignment)) {
      for (const partition of partitions) {
        const id = key(topic, partition);
        held.add(id);
        const state = this.partitions.get(id);
        if (state) {
          state.positionStale = true;
        } else {
          this.partitions.set(id, { topic, partition, positionStale: true, progressAt: now });
        }
      }
    }
    for (const id of this.partitions.keys()) {
      if (!held.has(id)) {
        this.partitions.delete(id);
      }
    }
    void this.refresh();
  }

  /** A batch arrived; its high watermark is (at least) the partition's end. */
  fetched(topic: string, partition: number, highWatermark: string, now = Date.now()): void {
    const state = this.partitions.get(key(topic, partition));
    if (!state) {
      return;
    }
    state.end = max(state.end, BigInt(highWatermark));
    this.observeOne(state, now);
  }

  /** A record of the partition was handled (its commit may come later, with its batch). */
  progressed(topic: string, partition: number, now = Date.now()): void {
    const state = this.partitions.get(key(topic, partition));
    if (state) {
      state.progressAt = now;
    }
  }

  /** The group's position on the partition is now `nextOffset` (committed, or handled). */
  committed(topic: string, partition: number, nextOffset: string, now = Date.now()): void {
    const state = this.partitions.get(key(topic, partition));
    if (!state) {
      return;
    }
    state.position = max(state.position, BigInt(nextOffset));
    state.positionStale = false;
    state.progressAt = now;
    this.observeOne(state, now);
  }

  /** Partitions with lag that made no progress for longer than `boundMs`. */
  stalls(boundMs: number, now = Date.now()): PartitionStall[] {
    this.observe(now);
    const stalls: PartitionStall[] = [];
    for (const state of this.partitions.values()) {
      const lag = lagOf(state);
      if (lag !== undefined && lag > 0n && now - state.progressAt > boundMs) {
        stalls.push({
          group: this.groupId,
          topic: state.topic,
          partition: state.partition,
          lag: lag.toString(),
          noProgressForSeconds: Math.floor((now - state.progressAt) / 1000),
        });
      }
    }
    return stalls;
  }

  /** A caught-up partition has done all it can: it counts as progress (idle is healthy). */
  observe(now = Date.now()): void {
    for (const state of this.partitions.values()) {
      this.observeOne(state, now);
    }
  }

  /** The partitions this member holds, for the metrics. */
  partitionStates(): Iterable<PartitionState> {
    return this.partitions.values();
  }

  /** Reads end offsets, and the committed offsets still unknown, from the broker. */
  refresh(): Promise<void> {
    this.refreshing ??= this.readOffsets()
      .catch((error: unknown) =>
        this.logger.warn({ err: error }, 'could not read the offsets of the consumed partitions'),
      )
      .finally(() => (this.refreshing = undefined));
    return this.refreshing;
  }

  private async readOffsets(): Promise<void> {
    if (this.partitions.size === 0) {
      return;
    }
    const admin = await this.connectedAdmin();
    const topics = [...new Set([...this.partitions.values()].map((state) => state.topic))];
    for (const topic of topics) {
      for (const { partition, high, low } of await admin.fetchTopicOffsets(topic)) {
        const state = this.partitions.get(key(topic, partition));
        if (state) {
          state.end = max(state.end, BigInt(high));
          state.low = BigInt(low);
        }
      }
    }
    const unknown = [...this.partitions.values()].filter((state) => state.positionStale);
    if (unknown.length > 0) {
      const groupOffsets = await admin.fetchOffsets({
        groupId: this.groupId,
        topics: [...new Set(unknown.map((state) => state.topic))],
      });
      const now = Date.now();
      for (const { topic, partitions } of groupOffsets) {
        for (const { partition, offset } of partitions) {
          const state = this.partitions.get(key(topic, partition));
          if (!state?.positionStale) {
            continue;
          }
          const committed = BigInt(offset);
          if (committed >= 0n) {
            this.moveTo(state, committed, now);
          } else if (state.position === undefined) {
            // No committed offset: the consumer starts where kafkajs starts it.
            state.position = this.options.fromBeginning ? state.low : state.end;
          }
          state.positionStale = false;
        }
      }
    }
    this.observe();
  }

  private moveTo(state: PartitionState, position: bigint, now: number): void {
    if (state.position !== undefined && position > state.position) {
      state.progressAt = now;
    }
    state.position = max(state.position, position);
  }

  private observeOne(state: PartitionState, now: number): void {
    if (lagOf(state) === 0n) {
      state.progressAt = now;
    }
  }

  private async connectedAdmin(): Promise<KafkaAdmin> {
    if (!this.admin) {
      this.admin = this.kafka.admin();
      this.adminConnection = this.admin.connect().catch((error: unknown) => {
        this.admin = undefined;
        this.adminConnection = undefined;
        throw error;
      });
    }
    const admin = this.admin;
    await this.adminConnection;
    return admin;
  }
}

function max(current: bigint | undefined, candidate: bigint): bigint {
  return current === undefined || candidate > current ? candidate : current;
}
