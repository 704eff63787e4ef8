/**
 * Brings a store written by earlier versions up to this one, every step idempotent:
 * - message counters and history kept in `contact_messages` move to the ingest's collections
 *   (migrate-message-activity.ts);
 * - temporary blocks get `blockExpires`, which the block-expiry sweeper looks them up by
 *   (migrate-block-expiries.ts);
 * - identities stored in other spellings are re-keyed by their one spelling, and the contacts
 *   one customer got under several spellings are merged (migrate-identities.ts): this step
 *   publishes to `contacts.events` and `contacts.blocklist` (KAFKA_BROKERS, TOPIC_PREFIX).
 * Run it once with the contacts service stopped, before starting this version; it is safe to run
 * again.
 *
 *   npm run migrate
 */
import { MongoClient } from 'mongodb';
import { topicNames } from '@switchboard/contracts';
import { createKafkaClient, type OutboundRecord } from '@switchboard/kafka';
import { migrateBlockExpiries } from './migrate-block-expiries';
import { migrateIdentities } from './migrate-identities';
import { migrateMessageActivity } from './migrate-message-activity';

async function main(): Promise<void> {
  const client = await MongoClient.connect(process.env.MONGODB_URI ?? 'mongodb://127.0.0.1:27017/');
  try {
    const db = client.db(process.env.MONGODB_DB ?? 'switchboard');
    const carried = await migrateMessageActivity(db);
    console.log(`migrate — carried the message activity of ${carried} contacts over`);
    const marked = await migrateBlockExpiries(db);
    console.log(`migrate — marked ${marked} temporary blocks for the block-expiry sweeper`);
    await producer.connect();
    const report = await migrateIdentities(db, topicNames(process.env.TOPIC_PREFIX ?? ''), publish);
    console.log(
      `migrate — re-keyed ${report.respelled} identities by their one spelling, merged ${report.merged} contacts into another`,
    );
    if (report.orphaned > 0) {
      console.log(
        `migrate — dropped ${report.orphaned} claims in other spellings of contacts that do not exist`,
      );
    }
    if (report.replanned > 0) {
      console.log(
        `migrate — planned ${report.replanned} groups again: their contact changed since an unfinished run`,
      );
    }
    // Contact ids, not identities: no phone number or e-mail address in the output.
    if (report.waiting.length > 0) {
      console.log(
        `migrate — left for a later run (publications not yet sent; start and stop the contacts service, then run again): ${report.waiting.join(', ')}`,
      );
    }
    if (report.unreadable.length > 0) {
      console.log(
        `migrate — identities left as stored, no one spelling, of contacts: ${report.unreadable.join(', ')}`,
      );
    }
  } finally {
    await client.close();
    await producer.disconnect();
  }
}

const producer = createKafkaClient(
  'switchboard-migrate',
  (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(','),
).producer();

async function publish(records: OutboundRecord[]): Promise<void> {
  const byTopic = new Map<string, OutboundRecord[]>();
  for (const record of records) {
    byTopic.set(record.topic, [...(byTopic.get(record.topic) ?? []), record]);
  }
  await producer.sendBatch({
    acks: -1,
    topicMessages: [...byTopic].map(([topic, messages]) => ({
      topic,
      messages: messages.map(({ key, value, headers }) => ({ key, value, headers })),
    })),
  });
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
