/**
 * Brings a store written by earlier versions up to this one, every step idempotent:
 * - message counters and history kept in `contact_messages` move to the ingest's collections
 *   (migrate-message-activity.ts);
 * - temporary blocks get `blockExpires`, which the block-expiry sweeper looks them up by
 *   (migrate-block-expiries.ts).
 * Run it once with the contacts service stopped, before starting this version; it is safe to run
 * again.
 *
 *   npm run migrate
 */
import { MongoClient } from 'mongodb';
import { migrateBlockExpiries } from './migrate-block-expiries';
import { migrateMessageActivity } from './migrate-message-activity';

async function main(): Promise<void> {
  const client = await MongoClient.connect(process.env.MONGODB_URI ?? 'mongodb://127.0.0.1:27017/');
  try {
    const db = client.db(process.env.MONGODB_DB ?? 'switchboard');
    const carried = await migrateMessageActivity(db);
    console.log(`migrate — carried the message activity of ${carried} contacts over`);
    const marked = await migrateBlockExpiries(db);
    console.log(`migrate — marked ${marked} temporary blocks for the block-expiry sweeper`);
  } finally {
    await client.close();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
