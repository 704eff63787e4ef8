/**
 * The baseline of `bench:filter`: consume → produce with the same client, consumer and
 * producer settings as the message filter, but no parsing and no lookup.
 *   INPUT_TOPIC, OUTPUT_TOPIC, GROUP_ID, PARTITIONS_CONCURRENTLY
 */
import 'reflect-metadata';
import { createKafkaClient, KafkaProducer, RecordConsumer } from '@switchboard/kafka';

async function main(): Promise<void> {
  const kafka = createKafkaClient(
    'bench-passthrough',
    (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(','),
  );
  const producer = new KafkaProducer(kafka);
  await producer.connect();
  const output = process.env.OUTPUT_TOPIC!;
  const consumer = new RecordConsumer(kafka, producer, {
    groupId: process.env.GROUP_ID!,
    topics: [process.env.INPUT_TOPIC!],
    fromBeginning: true,
    partitionsConsumedConcurrently: Number(process.env.PARTITIONS_CONCURRENTLY ?? 4),
    handleBatch: (records) =>
      producer.send(
        records.map((record) => ({ topic: output, key: record.key?.toString() ?? '', value: record.value })),
      ),
  });
  await consumer.start();
  const stop = () => void consumer.stop().then(() => process.exit(0));
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

void main();
