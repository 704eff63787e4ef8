import { Logger } from '@nestjs/common';
import type { Batch, Consumer, EachBatchPayload, Kafka } from 'kafkajs';
import { counter, histogram } from '@switchboard/observability';
import type { ConsumedRecord } from './consumed-record';
import { ConsumerProgress } from './consumer-progress';
import type { ConsumerStallCheck } from './consumer-stall-check';
import { deadLetterRecord, truncatedDeadLetterRecord } from './dead-letter';
import { backoffMs, classifyFailure, errorCode, groupMembershipLost } from './error-classification';
import type { KafkaProducer } from './kafka-producer';

export interface BatchContext {
  /** Keeps the group membership alive during long work (kafkajs heartbeats only between batches). */
  heartbeat(): Promise<void>;
  isRunning(): boolean;
  /**
   * Counts this consumer's joins of its group: it changes whenever the batch's partition may have
   * been with another member since the previous batch.
   */
  assignment: number;
}

interface CommonOptions {
  groupId: string;
  topics: string[];
  /** Where a group without committed offsets starts. */
  fromBeginning: boolean;
  partitionsConsumedConcurrently?: number;
  sessionTimeoutMs?: number;
  maxBytesPerPartition?: number;
  /** Commit offsets after each batch (false: the group is a private reader that never commits). */
  commit?: boolean;
  /**
   * Attempts for an unexpected error: then a record goes to the DLQ, and a batch is handled
   * record by record.
   */
  maxUnexpectedAttempts?: number;
  /** Counts this consumer's progress in the service's readiness (every consumer of an app gives it). */
  stallCheck?: ConsumerStallCheck;
}

export interface RecordHandlerOptions extends CommonOptions {
  /** Handles one record; resolves once its effects are durable. Records of a partition come in order. */
  handleRecord: (record: ConsumedRecord) => Promise<void>;
  /**
   * Runs for a record sent to the DLQ, once its DLQ copy is acknowledged and before its offset
   * is committed (for example to tell whoever waits for it); failures retry with backoff like
   * other transient work. A record dead-lettered again after a restart runs it again.
   */
  onDeadLetter?: (record: ConsumedRecord, error: unknown) => Promise<void>;
}

export interface BatchHandlerOptions extends CommonOptions {
  /**
   * Handles consecutive records of one partition (a fetched batch, or a single record of it
   * when the batch failed) and routes bad records itself; resolves once every output is
   * acknowledged. A transient failure retries the batch with backoff (outputs may repeat); a
   * poison one, or an unexpected one `maxUnexpectedAttempts` times, has its records handled one
   * at a time, so the one at fault goes to the DLQ and the others proceed.
   */
  handleBatch: (records: ConsumedRecord[], context: BatchContext) => Promise<void> | void;
}

export type RecordConsumerOptions = RecordHandlerOptions | BatchHandlerOptions;

const processedRecords = counter({
  name: 'switchboard_consumed_records_total',
  help: 'Records consumed and committed, by topic and group',
  labelNames: ['topic', 'group'] as const,
});
const deadLetteredRecords = counter({
  name: 'switchboard_dead_lettered_records_total',
  help: 'Records sent to a DLQ, by source topic and error code',
  labelNames: ['topic', 'code'] as const,
});
const retriedRecords = counter({
  name: 'switchboard_record_retries_total',
  help: 'Retries of records or batches after a failure, by topic and kind',
  labelNames: ['topic', 'kind'] as const,
});

const batchRecords = histogram({
  name: 'switchboard_consumer_batch_records',
  help: 'Records per fetched batch, by topic and group (how much one round of a batch handler covers)',
  labelNames: ['topic', 'group'] as const,
  buckets: [1, 10, 50, 100, 250, 500, 1_000, 2_000, 5_000],
});

class ConsumerStoppingError extends Error {}

const maxCommitAttempts = 5;

/**
 * A kafkajs consumer with the offset and retry semantics of the whole project:
 * offsets are committed only after a batch's effects are acknowledged; transient failures
 * retry with backoff without skipping anything; poison records go to `<topic>.dlq` with the
 * reason in headers and are committed, so no record ever stops its partition. Its progress
 * per partition (position, end, lag, last move) is exported as metrics and, given a
 * ConsumerStallCheck, counts in the service's readiness.
 */
export class RecordConsumer {
  private readonly logger: Logger;
  private readonly consumer: Consumer;
  /** How far this consumer has got on the partitions it holds. */
  readonly progress: ConsumerProgress;
  private joined = false;
  /** Joins of the group so far (see BatchContext.assignment). */
  private joins = 0;
  private running = false;

  constructor(
    kafka: Kafka,
    private readonly producer: KafkaProducer,
    private readonly options: RecordConsumerOptions,
  ) {
    this.logger = new Logger(`RecordConsumer:${options.groupId}`);
    this.progress = new ConsumerProgress(kafka, {
      groupId: options.groupId,
      fromBeginning: options.fromBeginning,
    });
    options.stallCheck?.watch(this.progress);
    this.consumer = kafka.consumer({
      groupId: options.groupId,
      sessionTimeout: options.sessionTimeoutMs ?? 30_000,
      heartbeatInterval: 3_000,
      maxWaitTimeInMs: 250,
      maxBytesPerPartition: options.maxBytesPerPartition ?? 1_048_576,
      allowAutoTopicCreation: false,
      retry: { retries: 10 },
    });
    const { GROUP_JOIN, CRASH, STOP } = this.consumer.events;
    this.consumer.on(GROUP_JOIN, (event) => {
      this.joined = true;
      this.joins += 1;
      this.progress.assigned(event.payload.memberAssignment);
    });
    this.consumer.on(STOP, () => (this.joined = false));
    this.consumer.on(CRASH, (event) => {
      this.joined = false;
      this.logger.error({ err: event.payload.error, restart: event.payload.restart }, 'consumer crashed');
    });
  }

  /** True once the consumer holds its share of partitions. */
  isReady(): boolean {
    return this.running && this.joined;
  }

  /** The underlying kafkajs consumer, for its instrumentation events. */
  get client(): Consumer {
    return this.consumer;
  }

  async start(): Promise<void> {
    await this.consumer.connect();
    await this.consumer.subscribe({ topics: this.options.topics, fromBeginning: this.options.fromBeginning });
    this.running = true;
    this.progress.start();
    await this.consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: this.options.partitionsConsumedConcurrently ?? 1,
      eachBatch: async (payload) => {
        const { batch } = payload;
        const heartbeat = () => payload.heartbeat();
        const resolveOffset = (offset: string) => payload.resolveOffset(offset);
        this.progress.fetched(batch.topic, batch.partition, batch.highWatermark);
        if (batch.messages.length === 0) {
          return;
        }
        const context: BatchContext = {
          heartbeat,
          isRunning: () => this.running && payload.isRunning() && !payload.isStale(),
          assignment: this.joins,
        };
        const records = toRecords(batch);
        batchRecords.observe({ topic: batch.topic, group: this.options.groupId }, records.length);
        try {
          const options = this.options;
          if ('handleBatch' in options) {
            const handledWhole = await this.withRetries(batch.topic, context, () =>
              options.handleBatch(records, context),
            );
            if (!handledWhole) {
              await this.eachRecord(records, context, resolveOffset, (record) =>
                options.handleBatch([record], context),
              );
            }
          } else {
            await this.eachRecord(records, context, resolveOffset, (record) => options.handleRecord(record));
          }
        } catch (error) {
          if (error instanceof ConsumerStoppingError) {
            return; // not committed: the next owner of the partition processes these records again
          }
          throw error;
        }
        const last = records[records.length - 1];
        resolveOffset(last.offset);
        const next = (BigInt(last.offset) + 1n).toString();
        if (this.options.commit !== false) {
          await this.commit(payload, batch.topic, batch.partition, next);
        }
        this.progress.committed(batch.topic, batch.partition, next);
        processedRecords.inc({ topic: batch.topic, group: this.options.groupId }, records.length);
        await heartbeat();
      },
    });
  }

  /** Stops fetching, lets the batch in hand finish and commit, then leaves the group. */
  async stop(): Promise<void> {
    if (!this.running) {
      return;
    }
    this.running = false;
    await this.consumer.disconnect();
    await this.progress.stop();
  }

  /** Handles records one at a time, in order, each with the record-level retry semantics. */
  private async eachRecord(
    records: ConsumedRecord[],
    context: BatchContext,
    resolveOffset: (offset: string) => void,
    handle: (record: ConsumedRecord) => Promise<void> | void,
  ): Promise<void> {
    for (const record of records) {
      await this.handleOneRecord(record, context, () => handle(record));
      resolveOffset(record.offset);
      this.progress.progressed(record.topic, record.partition);
      // kafkajs heartbeats only between batches; it sends this one only when one is due
      await context.heartbeat();
    }
  }

  private async handleOneRecord(
    record: ConsumedRecord,
    context: BatchContext,
    handle: () => Promise<void> | void,
  ): Promise<void> {
    const maxUnexpectedAttempts = this.options.maxUnexpectedAttempts ?? 5;
    for (let attempt = 0; ; attempt++) {
      try {
        await handle();
        return;
      } catch (error) {
        const lost = groupMembershipLost(error);
        if (lost) {
          throw lost; // not committed: kafkajs rejoins, and the partition's owner handles the records
        }
        const kind = classifyFailure(error);
        if (kind === 'poison' || (kind === 'unexpected' && attempt + 1 >= maxUnexpectedAttempts)) {
          await this.deadLetter(record, error);
          const onDeadLetter = 'onDeadLetter' in this.options ? this.options.onDeadLetter : undefined;
          if (onDeadLetter) {
            await this.untilDone(record.topic, context, () => onDeadLetter(record, error));
          }
          return;
        }
        retriedRecords.inc({ topic: record.topic, kind });
        this.logger.warn(
          {
            err: error,
            kind,
            attempt,
            topic: record.topic,
            partition: record.partition,
            offset: record.offset,
          },
          'record failed; retrying',
        );
        await this.pause(attempt, context);
      }
    }
  }

  /**
   * Runs a whole batch: a transient failure retries it with backoff, forever (nothing is
   * skipped while a dependency is away; readiness reports the stall). False when it is better
   * handled record by record: a poison failure, or an unexpected one that kept coming (a bug
   * that one record triggers must not stop the partition, nor send its neighbours to the DLQ).
   */
  private async withRetries(
    topic: string,
    context: BatchContext,
    work: () => Promise<void> | void,
  ): Promise<boolean> {
    const maxUnexpectedAttempts = this.options.maxUnexpectedAttempts ?? 5;
    for (let attempt = 0; ; attempt++) {
      try {
        await work();
        return true;
      } catch (error) {
        const lost = groupMembershipLost(error);
        if (lost) {
          throw lost; // not committed: kafkajs rejoins, and the partition's owner handles the records
        }
        const kind = classifyFailure(error);
        if (kind === 'poison' || (kind === 'unexpected' && attempt + 1 >= maxUnexpectedAttempts)) {
          this.logger.warn(
            { err: error, kind, attempt, topic },
            'batch failed; handling its records one by one',
          );
          return false;
        }
        retriedRecords.inc({ topic, kind });
        this.logger.warn({ err: error, kind, attempt, topic }, 'batch failed; retrying');
        await this.pause(attempt, context);
      }
    }
  }

  /**
   * Work that must happen before the offset moves on (answering a dead-lettered record):
   * retried with backoff whatever the failure, so it is never skipped; readiness reports a
   * partition held up by it.
   */
  private async untilDone(topic: string, context: BatchContext, work: () => Promise<void>): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      try {
        await work();
        return;
      } catch (error) {
        retriedRecords.inc({ topic, kind: classifyFailure(error) });
        this.logger.warn({ err: error, attempt, topic }, 'dead-letter follow-up failed; retrying');
        await this.pause(attempt, context);
      }
    }
  }

  private async deadLetter(record: ConsumedRecord, error: unknown): Promise<void> {
    deadLetteredRecords.inc({ topic: record.topic, code: errorCode(error) });
    this.logger.warn(
      {
        topic: record.topic,
        partition: record.partition,
        offset: record.offset,
        reason: (error as Error).message,
      },
      'record sent to DLQ',
    );
    await this.sendToDeadLetterTopic(record, error);
  }

  /**
   * Sends the DLQ copy until it is acknowledged: dropping it would lose the record. One the DLQ
   * refuses for what it is (larger than its max.message.bytes) is sent cut to its first KiB
   * with the reason; anything else retries with backoff (readiness reports a partition stuck
   * on it).
   */
  private async sendToDeadLetterTopic(record: ConsumedRecord, error: unknown): Promise<void> {
    const context: BatchContext = {
      heartbeat: async () => {},
      isRunning: () => this.running,
      assignment: -1,
    };
    let copy = deadLetterRecord(record, error, this.options.groupId);
    let truncated = false;
    for (let attempt = 0; ; attempt++) {
      try {
        await this.producer.send([copy]);
        return;
      } catch (sendError) {
        const kind = classifyFailure(sendError);
        if (kind === 'poison' && !truncated) {
          this.logger.warn(
            { err: sendError, topic: record.topic, partition: record.partition, offset: record.offset },
            'the DLQ refused the record; sending it truncated',
          );
          copy = truncatedDeadLetterRecord(record, error, this.options.groupId);
          truncated = true;
          continue;
        }
        retriedRecords.inc({ topic: record.topic, kind: 'dead-letter' });
        this.logger.warn({ err: sendError, kind, attempt, topic: record.topic }, 'DLQ send failed; retrying');
        await this.pause(attempt, context);
      }
    }
  }

  /**
   * Commits through the batch's payload: consumer.commitOffsets drops a commit once a stop has
   * begun, so the batch a stopping consumer finishes would be processed again. Retried a few
   * times like kafkajs retries its own commits; the partition moving to another member ends it
   * (that member reads the batch again).
   */
  private async commit(
    payload: EachBatchPayload,
    topic: string,
    partition: number,
    offset: string,
  ): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      try {
        await payload.commitOffsetsIfNecessary({ topics: [{ topic, partitions: [{ partition, offset }] }] });
        return;
      } catch (error) {
        if (attempt + 1 >= maxCommitAttempts || payload.isStale()) {
          throw error;
        }
        this.logger.warn({ err: error, attempt, topic, partition }, 'commit failed; retrying');
        await new Promise((resolve) => setTimeout(resolve, backoffMs(attempt)));
      }
    }
  }

  private async pause(attempt: number, context: BatchContext): Promise<void> {
    if (!context.isRunning()) {
      throw new ConsumerStoppingError();
    }
    await new Promise((resolve) => setTimeout(resolve, backoffMs(attempt)));
    await context.heartbeat().catch(() => undefined);
    if (!context.isRunning()) {
      throw new ConsumerStoppingError();
    }
  }
}

function toRecords(batch: Batch): ConsumedRecord[] {
  return batch.messages.map((message) => ({
    topic: batch.topic,
    partition: batch.partition,
    offset: message.offset,
    key: message.key,
    value: message.value,
    headers: message.headers ?? {},
    timestamp: message.timestamp,
  }));
}
