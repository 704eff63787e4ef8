import { randomUUID } from 'node:crypto';
import type { Consumer, Kafka } from 'kafkajs';
import type { ConsumedRecord } from '@switchboard/kafka';

/**
 * Reads topics from the beginning into memory for assertions (a private group per probe).
 * Resolves `start()` only once the consumer holds its partitions.
 */
export class TopicProbe {
  readonly records: ConsumedRecord[] = [];
  private readonly consumer: Consumer;

  constructor(
    kafka: Kafka,
    private readonly topics: string[],
  ) {
    this.consumer = kafka.consumer({ groupId: `probe-${randomUUID()}`, maxWaitTimeInMs: 100 });
  }

  async start(): Promise<this> {
    await this.consumer.connect();
    await this.consumer.subscribe({ topics: this.topics, fromBeginning: true });
    const joined = new Promise<void>((resolve) =>
      this.consumer.on(this.consumer.events.GROUP_JOIN, () => resolve()),
    );
    await this.consumer.run({
      eachMessage: ({ topic, partition, message }) => {
        this.records.push({
          topic,
          partition,
          offset: message.offset,
          key: message.key,
          value: message.value,
          headers: message.headers ?? {},
          timestamp: message.timestamp,
        });
        return Promise.resolve();
      },
    });
    await joined;
    return this;
  }

  /** Values of a topic's records that are JSON objects and match; others are left out. */
  json<T = Record<string, unknown>>(topic: string, predicate: (value: T) => boolean = () => true): T[] {
    return this.jsonRecords(topic, predicate).map(({ value }) => value);
  }

  /**
   * Records of a topic whose value is a JSON object that matches, with the value parsed. The
   * suites share their topics, and some send poison on purpose: those records are left out.
   */
  jsonRecords<T = Record<string, unknown>>(
    topic: string,
    predicate: (value: T) => boolean = () => true,
  ): { record: ConsumedRecord; value: T }[] {
    return this.of(topic).flatMap((record) => {
      try {
        const value: unknown = record.value === null ? null : JSON.parse(record.value.toString());
        return typeof value === 'object' && value !== null && !Array.isArray(value) && predicate(value as T)
          ? [{ record, value: value as T }]
          : [];
      } catch {
        return []; // a poison record some test sent on purpose
      }
    });
  }

  of(topic: string): ConsumedRecord[] {
    return this.records.filter((record) => record.topic === topic);
  }

  async stop(): Promise<void> {
    await this.consumer.disconnect();
  }
}
