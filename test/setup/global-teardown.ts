import 'tsconfig-paths/register';
import { MongoClient } from 'mongodb';
import { createKafkaClient } from '@switchboard/kafka';
import { deleteTopicsWithPrefix } from '@switchboard/testing';

/**
 * Drops this run's database and topics, so repeated runs do not pile up in the local stack,
 * and stops the containers the setup started (the local stack itself stays up).
 */
export default async function globalTeardown(): Promise<void> {
  const containers = (globalThis as { containers?: { stop(): Promise<unknown> }[] }).containers ?? [];
  const prefix = process.env.TOPIC_PREFIX;
  if (containers.length === 0 && prefix?.startsWith('test-')) {
    const kafka = createKafkaClient('switchboard-test-teardown', process.env.KAFKA_BROKERS!.split(','));
    await deleteTopicsWithPrefix(kafka, prefix);
    const client = await MongoClient.connect(process.env.MONGODB_URI!);
    try {
      await client.db(process.env.MONGODB_DB).dropDatabase();
    } finally {
      await client.close();
    }
  }
  await Promise.all(containers.map((container) => container.stop()));
}
