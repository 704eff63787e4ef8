import { Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import { CompressionTypes, Partitioners, type Kafka, type Producer, type TopicMessages } from 'kafkajs';
import type { OutboundRecord } from './consumed-record';

/**
 * The service's one producer. `send` resolves when every record is acknowledged by all
 * in-sync replicas (acks=all); callers commit or answer only after that.
 */
/** Stays well under the broker's default 1 MiB `message.max.bytes` per partition batch. */
const MAX_CHUNK_BYTES = 512 * 1024;

function sizeOf(record: OutboundRecord): number {
  const headers = Object.entries(record.headers ?? {}).reduce(
    (total, [name, value]) => total + name.length + value.length,
    0,
  );
  return record.key.length + (record.value?.length ?? 0) + headers + 64;
}

function chunksOf(records: OutboundRecord[], maxBytes: number): OutboundRecord[][] {
  const chunks: OutboundRecord[][] = [[]];
  let bytes = 0;
  for (const record of records) {
    const size = sizeOf(record);
    if (bytes + size > maxBytes && chunks[chunks.length - 1].length > 0) {
      chunks.push([]);
      bytes = 0;
    }
    chunks[chunks.length - 1].push(record);
    bytes += size;
  }
  return chunks;
}

@Injectable()
export class KafkaProducer implements OnApplicationShutdown {
  private readonly logger = new Logger(KafkaProducer.name);
  private readonly producer: Producer;
  private connection?: Promise<void>;
  private connected = false;

  constructor(kafka: Kafka) {
    // The default partitioner is Java-compatible (murmur2): other clients put a key where we do.
    this.producer = kafka.producer({
      allowAutoTopicCreation: false,
      maxInFlightRequests: 5,
      createPartitioner: Partitioners.DefaultPartitioner,
    });
    this.producer.on(this.producer.events.CONNECT, () => (this.connected = true));
    this.producer.on(this.producer.events.DISCONNECT, () => (this.connected = false));
  }

  isConnected(): boolean {
    return this.connected;
  }

  async connect(): Promise<void> {
    this.connection ??= this.producer.connect().catch((error: unknown) => {
      this.connection = undefined;
      throw error;
    });
    await this.connection;
  }

  async send(records: OutboundRecord[]): Promise<void> {
    if (records.length === 0) {
      return;
    }
    await this.connect();
    // One request per chunk, in order: a big batch never exceeds the broker's request limits.
    for (const chunk of chunksOf(records, MAX_CHUNK_BYTES)) {
      await this.sendChunk(chunk);
    }
  }

  private async sendChunk(records: OutboundRecord[]): Promise<void> {
    const byTopic = new Map<string, TopicMessages>();
    for (const record of records) {
      const topicMessages = byTopic.get(record.topic) ?? { topic: record.topic, messages: [] };
      topicMessages.messages.push({ key: record.key, value: record.value, headers: record.headers });
      byTopic.set(record.topic, topicMessages);
    }
    await this.producer.sendBatch({
      topicMessages: [...byTopic.values()],
      acks: -1,
      compression: CompressionTypes.None,
    });
  }

  async onApplicationShutdown(): Promise<void> {
    await this.producer
      .disconnect()
      .catch((error: unknown) => this.logger.warn({ err: error }, 'producer disconnect failed'));
  }
}
