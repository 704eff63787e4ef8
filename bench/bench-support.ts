import 'reflect-metadata';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Kafka, Producer } from 'kafkajs';
import { CompressionTypes, Partitioners } from 'kafkajs';

export const root = resolve(__dirname, '..');

export function brokers(): string[] {
  return (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(',');
}

/** Brings the local stack up unless KAFKA_BROKERS points elsewhere. */
export function ensureLocalStack(): void {
  if (!process.env.KAFKA_BROKERS) {
    execFileSync('bash', [resolve(root, 'stack/stack.sh'), 'up'], { stdio: 'inherit' });
  }
}

export function percentile(sortedValues: number[], fraction: number): number {
  if (sortedValues.length === 0) {
    return Number.NaN;
  }
  return sortedValues[Math.min(sortedValues.length - 1, Math.floor(fraction * sortedValues.length))];
}

export function aBenchProducer(kafka: Kafka): Producer {
  return kafka.producer({
    createPartitioner: Partitioners.DefaultPartitioner,
    allowAutoTopicCreation: false,
  });
}

/** Produces records in parallel batches; returns records per second. */
export async function produceAll(
  producer: Producer,
  topic: string,
  count: number,
  record: (index: number) => { key: string; value: string },
  { batchSize = 2_000, inFlight = 8 } = {},
): Promise<number> {
  const startedAt = Date.now();
  let next = 0;
  const worker = async () => {
    while (next < count) {
      const start = next;
      next = Math.min(count, next + batchSize);
      const messages = [];
      for (let index = start; index < next; index++) {
        messages.push(record(index));
      }
      await producer.send({ topic, messages, acks: -1, compression: CompressionTypes.None });
    }
  };
  await Promise.all(Array.from({ length: inFlight }, worker));
  return count / ((Date.now() - startedAt) / 1000);
}

/** Sum of the end offsets of `topics`: how many records have been written to them. */
export async function totalEndOffset(kafka: Kafka, topics: string[]): Promise<number> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    let total = 0;
    for (const topic of topics) {
      for (const { high } of await admin.fetchTopicOffsets(topic)) {
        total += Number(high);
      }
    }
    return total;
  } finally {
    await admin.disconnect();
  }
}

/**
 * Polls the output topics until they hold `expected` more records than `baseline`;
 * returns the sustained rate between the first and the last record seen.
 */
export async function measureDrain(
  kafka: Kafka,
  outputTopics: string[],
  baseline: number,
  expected: number,
  timeoutMs = 600_000,
): Promise<{ ratePerSecond: number; seconds: number }> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const deadline = Date.now() + timeoutMs;
    let firstAt: number | undefined;
    for (;;) {
      let total = 0;
      for (const topic of outputTopics) {
        for (const { high } of await admin.fetchTopicOffsets(topic)) {
          total += Number(high);
        }
      }
      const done = total - baseline;
      if (done > 0 && firstAt === undefined) {
        firstAt = Date.now();
      }
      if (done >= expected) {
        const seconds = (Date.now() - (firstAt ?? Date.now())) / 1000;
        return { ratePerSecond: expected / Math.max(seconds, 0.001), seconds };
      }
      if (Date.now() > deadline) {
        throw new Error(`only ${done} of ${expected} records arrived in ${timeoutMs} ms`);
      }
      await new Promise((resolveWait) => setTimeout(resolveWait, 100));
    }
  } finally {
    await admin.disconnect();
  }
}

/** Resident set size and its peak of a process, in MiB, from /proc. */
export function memoryOf(pid: number): { rssMiB: number; peakMiB: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kib = (field: string) => Number(new RegExp(`${field}:\\s+(\\d+)`).exec(status)?.[1] ?? Number.NaN);
  return { rssMiB: kib('VmRSS') / 1024, peakMiB: kib('VmHWM') / 1024 };
}

/** Runs a Kafka tool class from the stack's jars and returns its output. */
export function kafkaTool(mainClass: string, args: string[]): string {
  return execFileSync('bash', [resolve(root, 'stack/stack.sh'), 'kafka-class', mainClass, ...args], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
    maxBuffer: 64 * 1024 * 1024,
  });
}

export function formatRate(value: number): string {
  return `${Math.round(value).toLocaleString('en-US')} msgs/s`;
}

/** Deletes a run's topics (a benchmark's inputs and outputs are large) and, if named, its database. */
export async function removeRun(kafka: Kafka, topicPrefix: string, database?: string): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const topics = (await admin.listTopics()).filter((topic) => topic.startsWith(topicPrefix));
    await admin.deleteTopics({ topics });
  } finally {
    await admin.disconnect();
  }
  if (database) {
    const { MongoClient } = await import('mongodb');
    const client = await MongoClient.connect(process.env.MONGODB_URI ?? 'mongodb://127.0.0.1:27017/');
    await client.db(database).dropDatabase();
    await client.close();
  }
}
