/**
 * bench:details — the user-details call (`GET /v1/contacts/{id}`: contact, tag colours, recent
 * notes and activity) on a store of 1,000,000 contacts, through the real gateway and contacts
 * service. Prints latency p50/p99 sequentially and with 8 callers at once, and the same reads made
 * directly with the MongoDB driver, in the same run. The seed is kept in its own database and
 * reused by later runs.
 *
 *   npm run bench:details [-- --contacts 1000000 --requests 2000]
 */
import { parseArgs } from 'node:util';
import { MongoClient, type Db } from 'mongodb';
import { topicNames, topicSpecs } from '@switchboard/contracts';
import { createKafkaClient, ensureTopics } from '@switchboard/kafka';
import { mintToken } from '@switchboard/testing';
import { aPort, spawnService } from '../test/support/service-process';
import { brokers, describeLatency, ensureLocalStack, percentile, removeRun, timeEach } from './bench-support';

const { values: options } = parseArgs({
  options: {
    contacts: { type: 'string', default: '1000000' },
    requests: { type: 'string', default: '2000' },
    database: { type: 'string', default: 'bench_details' },
  },
});
const CONTACTS = Number(options.contacts);
const REQUESTS = Number(options.requests);
const TENANT = 'bench-details';
const TAGS = [
  'vip',
  'newsletter',
  'churn-risk',
  'wholesale',
  'beta',
  ...Array.from({ length: 45 }, (_, index) => `segment-${index}`),
];
const mongoUri = process.env.MONGODB_URI ?? 'mongodb://127.0.0.1:27017/';

const contactId = (index: number) => `c_bench_${index}`;
/** The identity key of a seeded contact's one sender (`c_bench_N` writes from +1 5000000000+N). */
const senderOf = (id: string) =>
  `${TENANT}|whatsapp|+1${String(5_000_000_000 + Number(id.slice('c_bench_'.length)))}`;

async function seed(client: MongoClient): Promise<void> {
  const database = client.db(options.database);
  const contacts = database.collection<{ _id: string }>('contacts');
  // FerretDB counts by reading every document: probe the last seeded contact instead.
  const present = (await contacts.findOne({ _id: `${TENANT}:${contactId(CONTACTS - 1)}` })) ? CONTACTS : 0;
  if (present >= CONTACTS) {
    console.log(
      `  seed: reusing ${present.toLocaleString('en-US')} contacts in database ${options.database}`,
    );
    await seedMessages(database);
    return;
  }
  await database.dropDatabase();
  const startedAt = Date.now();
  const now = new Date();
  for (let start = 0; start < CONTACTS; start += 5_000) {
    const documents = [];
    for (let index = start; index < Math.min(CONTACTS, start + 5_000); index++) {
      documents.push({
        _id: `${TENANT}:${contactId(index)}`,
        tenantId: TENANT,
        contactId: contactId(index),
        identities: [{ channel: 'whatsapp', address: `+1${String(5_000_000_000 + index)}` }],
        name: `Customer ${index}`,
        email: `customer${index}@example.com`,
        attributes: { plan: index % 3 === 0 ? 'pro' : 'free', seats: index % 50 },
        // A few very common tags, a long tail.
        tags: [TAGS[index % 5], ...(index % 7 === 0 ? [TAGS[5 + (index % 45)]] : [])].map((name) =>
          name.toUpperCase(),
        ),
        block:
          index % 100 === 0
            ? { blocked: true, blockedAt: now, blockedBy: 'agent-1', reason: 'spam' }
            : { blocked: false },
        version: 2,
        appliedCommandIds: [],
        pendingPublications: [],
        createdAt: now,
        updatedAt: now,
      });
    }
    await contacts.insertMany(documents, { ordered: false });
  }
  await database.collection<{ _id: string }>('tags').insertMany(
    TAGS.map((name) => ({
      _id: `${TENANT}:${name}`,
      tenantId: TENANT,
      name: name.toUpperCase(),
      colour: '#1f77b4',
      createdAt: now,
    })),
  );
  const notes = [];
  const activity = [];
  for (let index = 0; index < CONTACTS; index += 10) {
    for (let note = 0; note < 3; note++) {
      notes.push({
        _id: `${TENANT}:n_${index}_${note}`,
        tenantId: TENANT,
        contactId: contactId(index),
        noteId: `n_${index}_${note}`,
        authorId: 'agent-1',
        body: `Called about order ${index}-${note}; customer prefers WhatsApp.`,
        createdAt: new Date(now.getTime() - note * 60_000),
        updatedAt: now,
        deleted: false,
        version: 1,
        appliedCommandIds: [],
      });
      activity.push({
        _id: `${TENANT}:e_${index}_${note}`,
        tenantId: TENANT,
        contactId: contactId(index),
        eventId: `e_${index}_${note}`,
        type: 'NoteAdded',
        actor: { id: 'agent-1', kind: 'agent', role: 'agent' },
        occurredAt: new Date(now.getTime() - note * 60_000),
        details: { noteId: `n_${index}_${note}` },
      });
    }
    if (notes.length >= 5_000) {
      await database.collection<{ _id: string }>('notes').insertMany(notes.splice(0), { ordered: false });
      await database
        .collection<{ _id: string }>('activity')
        .insertMany(activity.splice(0), { ordered: false });
    }
  }
  if (notes.length > 0) {
    await database.collection<{ _id: string }>('notes').insertMany(notes, { ordered: false });
    await database.collection<{ _id: string }>('activity').insertMany(activity, { ordered: false });
  }
  console.log(
    `  seed: ${CONTACTS.toLocaleString('en-US')} contacts, ${(CONTACTS * 0.3).toLocaleString('en-US')} notes and activity entries in ${((Date.now() - startedAt) / 1000).toFixed(0)} s`,
  );
  await seedMessages(database);
}

/** Five messages per contact and their sender's activity, as the contacts service keeps them. */
async function seedMessages(database: Db): Promise<void> {
  const activity = database.collection<{ _id: string }>('identity_activity');
  const messages = database.collection<{ _id: string }>('messages');
  const lastFrom = `+1${String(5_000_000_000 + CONTACTS - 1)}`;
  if (await activity.findOne({ _id: `${TENANT}|whatsapp|${lastFrom}|accepted` })) {
    return;
  }
  await Promise.all([activity.deleteMany({}), messages.deleteMany({})]);
  const startedAt = Date.now();
  const now = new Date();
  for (let start = 0; start < CONTACTS; start += 5_000) {
    const activityDocuments = [];
    const messageDocuments = [];
    for (let index = start; index < Math.min(CONTACTS, start + 5_000); index++) {
      const from = `+1${String(5_000_000_000 + index)}`;
      const history = Array.from({ length: 5 }, (_, message) => ({
        messageId: `m_${index}_${message}`,
        channel: 'whatsapp',
        from,
        type: 'text',
        content: { text: 'Hello, where is my order?' },
        sentAt: now.toISOString(),
        status: 'accepted',
      }));
      messageDocuments.push(
        ...history.map((message, offset) => ({
          ...message,
          _id: `${TENANT}:${message.messageId}`,
          tenantId: TENANT,
          identity: `whatsapp|${from}`,
          sentAt: now,
          source: `bench/0/${index * 5 + offset}`,
        })),
      );
      activityDocuments.push({
        _id: `${TENANT}|whatsapp|${from}|accepted`,
        tenantId: TENANT,
        contactId: contactId(index),
        status: 'accepted',
        count: 5,
        firstSeenAt: now,
        lastMessageAt: now,
        lastMessage: history[4],
        appliedOffset: index * 5 + 4,
      });
    }
    await activity.insertMany(activityDocuments, { ordered: false });
    await messages.insertMany(messageDocuments, { ordered: false });
  }
  console.log(
    `  seed: messages and sender activity of ${CONTACTS.toLocaleString('en-US')} contacts in ${((Date.now() - startedAt) / 1000).toFixed(0)} s`,
  );
}

async function main(): Promise<void> {
  ensureLocalStack();
  console.log(
    `bench:details — user details on ${CONTACTS.toLocaleString('en-US')} contacts, ${REQUESTS} requests`,
  );
  const client = await MongoClient.connect(mongoUri);
  await seed(client);

  const prefix = `benchdetails-${Date.now().toString(36)}.`;
  const kafka = createKafkaClient('bench-details', brokers());
  await ensureTopics(kafka, topicSpecs(topicNames(prefix), 3));
  const environment = { TOPIC_PREFIX: prefix, MONGODB_DB: options.database, LOG_LEVEL: 'warn' };
  const contactsService = spawnService('contacts', aPort(), environment, `${prefix}contacts`);
  await contactsService.untilReady(600_000);
  const gateway = spawnService(
    'gateway',
    aPort(),
    { ...environment, CONTACTS_URL: contactsService.url },
    `${prefix}gateway`,
  );
  await gateway.untilReady();
  const token = mintToken({ tenant: TENANT, role: 'viewer' });
  // Random contacts, one in ten with notes and activity.
  const pick = (index: number) =>
    contactId(Math.floor((((index * 2_654_435_761) % 2 ** 32) / 2 ** 32) * CONTACTS));

  const fetchDetails = async (index: number) => {
    const response = await fetch(`${gateway.url}/v1/contacts/${pick(index)}`, {
      headers: { authorization: `Bearer ${token}` },
    });
    if (!response.ok) {
      throw new Error(`details answered ${response.status}`);
    }
    await response.arrayBuffer();
  };
  await timeEach(200, 4, fetchDetails); // warm-up
  const sequential = await timeEach(REQUESTS, 1, fetchDetails);
  const startedAt = performance.now();
  const concurrent = await timeEach(REQUESTS, 8, (index) => fetchDetails(index + REQUESTS));
  const concurrentRate = REQUESTS / ((performance.now() - startedAt) / 1000);

  const database = client.db(options.database);
  const direct = await timeEach(REQUESTS, 1, async (index) => {
    const id = pick(index);
    const [contact] = await Promise.all([
      database.collection('contacts').findOne({ _id: `${TENANT}:${id}` as never }),
      // The contact view's counters: the activity of its identity, both statuses, in one read.
      database
        .collection('identity_activity')
        .find({ _id: { $in: [`${senderOf(id)}|accepted`, `${senderOf(id)}|blocked`] as never[] } })
        .toArray(),
      database
        .collection('notes')
        .find({ tenantId: TENANT, contactId: id, deleted: false })
        .sort({ createdAt: -1 })
        .limit(6)
        .toArray(),
      database
        .collection('activity')
        .find({ tenantId: TENANT, contactId: id })
        .sort({ occurredAt: -1 })
        .limit(60)
        .toArray(),
    ]);
    const tags = (contact?.tags as string[] | undefined) ?? [];
    await Promise.all(
      tags.map((name) =>
        database.collection('tags').findOne({ _id: `${TENANT}:${name.toLowerCase()}` as never }),
      ),
    );
  });

  console.log('');
  console.log(`  GET /v1/contacts/{id}   ${describeLatency(sequential)} (one caller)`);
  console.log(
    `  GET /v1/contacts/{id}   ${describeLatency(concurrent)} (8 callers, ${Math.round(concurrentRate)} req/s)`,
  );
  console.log(
    `  same reads, driver only ${describeLatency(direct)} (one caller); gateway overhead at p50 ×${(percentile(sequential, 0.5) / percentile(direct, 0.5)).toFixed(2)}`,
  );

  await gateway.stop();
  await contactsService.stop();
  await client.close();
  // The seed database stays for the next run; the run's topics go.
  await removeRun(kafka, prefix);
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
