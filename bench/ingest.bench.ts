/**
 * bench:ingest — inbound messages through the real message-filter and contacts services, in two
 * traffic shapes, each on its own topics and database:
 *   (a) known: senders drawn Zipf-distributed (s = 1.1) from 100,000 contacts already stored;
 *   (b) new:   200,000 senders never seen before (each message's contact is created from it).
 * Prints, per shape: the filter's rate, the contacts service's sustained ingest rate (its
 * committed offsets on messages.accepted), and in the same run the store ceiling for the same
 * writes: the raw driver doing exactly the engine's reads and writes (same documents, same
 * batch sizes as the service's batches measured, same partitions at once), and the ratio.
 * Shape (a) then runs at a fixed offered rate and prints the lag over time. Each shape runs with
 * each number of contacts instances given, and prints the scaling factor against the first.
 *
 *   npm run bench:ingest [-- --messages 1000000 --known 100000 --new 200000 --offered 5000
 *                            --offered-seconds 60 --instances 1,3 --partitions 6 --shapes known,new]
 */
import { createHash } from 'node:crypto';
import { parseArgs } from 'node:util';
import type { Kafka } from 'kafkajs';
import { MongoClient, type AnyBulkWriteOperation, type Db } from 'mongodb';
import {
  identityKey,
  topicNames,
  topicSpecs,
  type InboundMessage,
  type TopicNames,
} from '@switchboard/contracts';
import { createKafkaClient, ensureTopics } from '@switchboard/kafka';
import { parseEnvironment } from '@switchboard/config';
import { ContactsSettings } from '../apps/contacts/src/contacts-settings';
import { identityActivityId } from '../apps/contacts/src/messages/identity-activity.schema';
import { storeWriteBudget } from '../apps/contacts/src/store/store-write-budget';
import { aPort, spawnService, type ServiceProcess } from '../test/support/service-process';
import {
  aBenchProducer,
  brokers,
  committedBy,
  ensureLocalStack,
  formatRate,
  mongoUri,
  produceAll,
  removeRun,
  secondsSince,
  seedKnownSenders,
  seededRandom,
  totalEndOffset,
  zipf,
} from './bench-support';

const { values: options } = parseArgs({
  options: {
    messages: { type: 'string', default: '1000000' },
    known: { type: 'string', default: '100000' },
    new: { type: 'string', default: '200000' },
    offered: { type: 'string', default: '5000' },
    'offered-seconds': { type: 'string', default: '60' },
    instances: { type: 'string', default: '1,3' },
    partitions: { type: 'string', default: '6' },
    shapes: { type: 'string', default: 'known,new' },
  },
});
const MESSAGES = Number(options.messages);
const KNOWN = Number(options.known);
const NEW = Number(options.new);
const OFFERED = Number(options.offered);
const OFFERED_SECONDS = Number(options['offered-seconds']);
const INSTANCE_COUNTS = options.instances.split(',').map(Number);
const PARTITIONS = Number(options.partitions);
const TENANT = 'bench-ingest';
/** As `instances` contacts services run: partitions counted at once each, update statements per command. */
function serviceShape(instances: number) {
  const settings = parseEnvironment(ContactsSettings, {
    ...process.env,
    STORE_SHARING_PROCESSES: String(Math.max(4, instances + 1)),
  });
  return {
    partitionsAtOnce: settings.MESSAGE_PARTITIONS_CONCURRENTLY * instances,
    updateStatements: storeWriteBudget(settings, settings.JOBS_CONCURRENTLY).bulkStatements,
  };
}

type Shape = 'known' | 'new';

const senderAddress = (shape: Shape, index: number) =>
  `+1${String((shape === 'known' ? 5_000_000_000 : 6_000_000_000) + index)}`;
const contactId = (index: number) => `c_ingest_${index}`;

/** The messages of a shape, the same for the service and the ceiling. */
function messagesOf(shape: Shape, count: number, seed: number): InboundMessage[] {
  const random = seededRandom(seed);
  const draw = shape === 'known' ? zipf(KNOWN, 1.1, random) : () => Math.floor(random() * NEW);
  const sentAt = Date.UTC(2026, 10, 1);
  return Array.from({ length: count }, (_, index) => ({
    messageId: `m_${shape}_${seed}_${index}`,
    tenantId: TENANT,
    channel: 'whatsapp',
    from: senderAddress(shape, draw()),
    to: '+14155550100',
    type: 'text',
    content: { text: 'Hello, where is my order? It was due on Monday.' },
    sentAt: new Date(sentAt + index * 10).toISOString(),
  }));
}

async function seedKnown(database: Db): Promise<void> {
  await seedKnownSenders(database, {
    tenantId: TENANT,
    count: KNOWN,
    address: (index) => senderAddress('known', index),
    contactId,
  });
}

/** Polls `progress` until it reaches `target`; the rate between its first move and the end. */
async function sustainedRate(
  progress: () => Promise<number>,
  baseline: number,
  target: number,
  timeoutMs = 3_600_000,
): Promise<{ rate: number; seconds: number }> {
  const deadline = Date.now() + timeoutMs;
  let firstAt: number | undefined;
  let firstValue = baseline;
  for (;;) {
    const value = await progress();
    if (value > baseline && firstAt === undefined) {
      firstAt = Date.now();
      firstValue = value;
    }
    if (value >= target) {
      const seconds = (Date.now() - (firstAt ?? Date.now())) / 1000;
      return { rate: (target - firstValue) / Math.max(seconds, 0.001), seconds };
    }
    if (Date.now() > deadline) {
      throw new Error(`only ${value - baseline} of ${target - baseline} arrived in ${timeoutMs} ms`);
    }
    await new Promise((resolveWait) => setTimeout(resolveWait, 250));
  }
}

/** The mean records per batch the contacts service handled on `topic`, from its metrics. */
async function meanBatchSize(services: ServiceProcess[], topic: string): Promise<number> {
  let sum = 0;
  let count = 0;
  for (const service of services) {
    const text = await (await fetch(`${service.url}/metrics`)).text();
    const value = (suffix: string) =>
      text
        .split('\n')
        .filter((line) => line.startsWith(`switchboard_consumer_batch_records_${suffix}{`))
        .filter((line) => line.includes(`topic="${topic}"`))
        .reduce((total, line) => total + Number(line.split(' ').pop()), 0);
    sum += value('sum');
    count += value('count');
  }
  return count === 0 ? 1 : Math.max(1, Math.round(sum / count));
}

/** The partition a key goes to, for the ceiling: any stable spread does (the writes are the same). */
function partitionOf(key: string): number {
  return createHash('md5').update(key).digest().readUInt32BE(0) % PARTITIONS;
}

/**
 * The store ceiling: the engine's reads and writes for the same messages with the raw driver,
 * no Kafka, no framework: per batch one read of activity and owners, the messages inserted,
 * the activity documents inserted or updated (update bulks bounded as the service bounds them).
 */
async function ceiling(
  database: Db,
  messages: InboundMessage[],
  batchSize: number,
  { partitionsAtOnce, updateStatements: statements }: ReturnType<typeof serviceShape>,
): Promise<number> {
  const byPartition = Array.from({ length: PARTITIONS }, () => [] as InboundMessage[]);
  for (const message of messages) {
    byPartition[partitionOf(identityKey(message.tenantId, message.channel, message.from))].push(message);
  }
  const activity = database.collection<{ _id: string; count: number; appliedOffset: number }>(
    'identity_activity',
  );
  const stored = database.collection<{ _id: string }>('messages');
  const claims = database.collection<{ _id: string; contactId: string }>('identity_claims');
  const startedAt = performance.now();
  const owners = new Map<string, string>();
  const partitionWork = async (partition: number) => {
    const list = byPartition[partition];
    const memory = new Map<string, { _id: string; count: number; appliedOffset: number }>();
    for (let start = 0; start < list.length; start += batchSize) {
      const batch = list.slice(start, start + batchSize);
      const keys = [...new Set(batch.map((m) => identityKey(m.tenantId, m.channel, m.from)))];
      // As the engine: exact `_id` reads of what this partition has not seen yet.
      const unseen = keys.filter((key) => !memory.has(identityActivityId(key, 'accepted')));
      const unowned = keys.filter((key) => !owners.has(key));
      const [current, claimed] = await Promise.all([
        Promise.all(unseen.map((key) => activity.findOne({ _id: identityActivityId(key, 'accepted') }))),
        Promise.all(unowned.map((key) => claims.findOne({ _id: key }))),
      ]);
      for (const claim of claimed) {
        if (claim) owners.set(claim._id, claim.contactId);
      }
      for (const doc of current) {
        if (doc) memory.set(doc._id, doc);
      }
      const documents = batch.map((m, index) => ({
        _id: `${m.tenantId}:${m.messageId}`,
        tenantId: m.tenantId,
        identity: `${m.channel}|${m.from}`,
        messageId: m.messageId,
        channel: m.channel,
        from: m.from,
        type: m.type,
        content: m.content,
        sentAt: new Date(m.sentAt),
        status: 'accepted',
        source: `ceiling/${partition}/${start + index}`,
      }));
      for (let slice = 0; slice < documents.length; slice += 1_000) {
        await stored.insertMany(documents.slice(slice, slice + 1_000), { ordered: false });
      }
      const counts = new Map<string, { count: number; last: InboundMessage; offset: number }>();
      batch.forEach((m, index) => {
        const id = identityActivityId(identityKey(m.tenantId, m.channel, m.from), 'accepted');
        const entry = counts.get(id) ?? { count: 0, last: m, offset: 0 };
        counts.set(id, { count: entry.count + 1, last: m, offset: start + index });
      });
      const inserts = [];
      const written: { _id: string; count: number; appliedOffset: number }[] = [];
      const updates: AnyBulkWriteOperation<{ _id: string; count: number; appliedOffset: number }>[] = [];
      for (const [id, entry] of counts) {
        const before = memory.get(id);
        const fields = {
          tenantId: TENANT,
          contactId: 'c',
          status: 'accepted',
          count: (before?.count ?? 0) + entry.count,
          firstSeenAt: new Date(entry.last.sentAt),
          lastMessageAt: new Date(entry.last.sentAt),
          lastMessage: entry.last,
          appliedOffset: entry.offset,
        };
        written.push({ _id: id, ...fields });
        if (before) {
          updates.push({
            updateOne: { filter: { _id: id, appliedOffset: before.appliedOffset }, update: { $set: fields } },
          });
        } else {
          inserts.push({ _id: id, ...fields });
        }
      }
      for (let slice = 0; slice < inserts.length; slice += 1_000) {
        await activity.insertMany(inserts.slice(slice, slice + 1_000), { ordered: false });
      }
      // As the service's unordered update bulks: commands of 2 statements, `statements` in flight.
      let nextSlice = 0;
      await Promise.all(
        Array.from({ length: Math.max(1, Math.floor(statements / 2)) }, async () => {
          while (nextSlice < updates.length) {
            const slice = updates.slice(nextSlice, nextSlice + 2);
            nextSlice += 2;
            await activity.bulkWrite(slice, { ordered: false });
          }
        }),
      );
      for (const doc of written) {
        memory.set(doc._id, doc);
      }
    }
  };
  let nextPartition = 0;
  await Promise.all(
    Array.from({ length: partitionsAtOnce }, async () => {
      while (nextPartition < PARTITIONS) {
        await partitionWork(nextPartition++);
      }
    }),
  );
  return messages.length / ((performance.now() - startedAt) / 1000);
}

/** Spreads `count` records over `seconds` at `rate` per second; samples the lag every 5 s. */
async function offeredLoad(
  kafka: Kafka,
  topics: TopicNames,
  groupId: string,
  messages: InboundMessage[],
): Promise<void> {
  const producer = aBenchProducer(kafka);
  await producer.connect();
  const baseline = await committedBy(kafka, groupId, topics.messagesAccepted);
  const acceptedBaseline = await totalEndOffset(kafka, [topics.messagesAccepted]);
  console.log(`  offered ${formatRate(OFFERED)} for ${OFFERED_SECONDS} s: lag = routed − recorded`);
  const startedAt = Date.now();
  let sent = 0;
  let nextSample = 5_000;
  while (sent < messages.length) {
    const due = Math.min(messages.length, Math.floor(((Date.now() - startedAt) / 1000) * OFFERED));
    if (due > sent) {
      await producer.send({
        topic: topics.messagesInbound,
        messages: messages.slice(sent, due).map((message) => ({
          key: identityKey(message.tenantId, message.channel, message.from),
          value: JSON.stringify(message),
        })),
      });
      sent = due;
    }
    if (Date.now() - startedAt >= nextSample) {
      const routed = (await totalEndOffset(kafka, [topics.messagesAccepted])) - acceptedBaseline;
      const recorded = (await committedBy(kafka, groupId, topics.messagesAccepted)) - baseline;
      console.log(
        `    t=${String(Math.round(nextSample / 1000)).padStart(3)} s  offered ${sent.toLocaleString('en-US').padStart(9)}  routed ${routed.toLocaleString('en-US').padStart(9)}  recorded ${recorded.toLocaleString('en-US').padStart(9)}  lag ${(routed - recorded).toLocaleString('en-US')}`,
      );
      nextSample += 5_000;
    }
    await new Promise((resolveWait) => setTimeout(resolveWait, 50));
  }
  const drained = await sustainedRate(
    () => committedBy(kafka, groupId, topics.messagesAccepted),
    baseline,
    baseline + messages.length,
  );
  console.log(
    `    all ${messages.length.toLocaleString('en-US')} recorded ${secondsSince(startedAt)} after the first was offered (${drained.seconds.toFixed(1)} s of recording)`,
  );
  await producer.disconnect();
}

/** One run of a shape with `instances` contacts services; the contacts' sustained rate. */
async function runShape(kafka: Kafka, client: MongoClient, shape: Shape, instances: number): Promise<number> {
  const prefix = `benchingest-${shape}-${Date.now().toString(36)}.`;
  const topics = topicNames(prefix);
  const database = `benchingest_${shape}_${Date.now().toString(36)}`;
  const ceilingDatabase = `${database}_ceiling`;
  console.log(
    `\nshape (${shape === 'known' ? 'a' : 'b'}) ${shape}: ${MESSAGES.toLocaleString('en-US')} messages from ${shape === 'known' ? `${KNOWN.toLocaleString('en-US')} known contacts, Zipf 1.1` : `${NEW.toLocaleString('en-US')} never-seen senders`}; ${instances} contacts instance(s)`,
  );
  await ensureTopics(kafka, topicSpecs(topics, PARTITIONS));
  const seedStarted = Date.now();
  if (shape === 'known') {
    await seedKnown(client.db(database));
    await seedKnown(client.db(ceilingDatabase));
    console.log(
      `  seed: ${KNOWN.toLocaleString('en-US')} contacts and identity claims, twice (${secondsSince(seedStarted)})`,
    );
  }
  const messages = messagesOf(shape, MESSAGES, 1);
  const environment = {
    TOPIC_PREFIX: prefix,
    MONGODB_DB: database,
    LOG_LEVEL: 'warn',
    STORE_SHARING_PROCESSES: String(Math.max(4, instances + 1)),
  };
  const groupId = `${prefix}contacts-messages`;
  const services: ServiceProcess[] = [];
  try {
    services.push(spawnService('message-filter', aPort(), environment, `${prefix}message-filter`));
    for (let instance = 0; instance < instances; instance++) {
      services.push(spawnService('contacts', aPort(), environment, `${prefix}contacts-${instance}`));
    }
    await Promise.all(services.map((service) => service.untilReady(300_000)));
    const producer = aBenchProducer(kafka);
    await producer.connect();
    const produced = await produceAll(producer, topics.messagesInbound, messages.length, (index) => ({
      key: identityKey(TENANT, 'whatsapp', messages[index].from),
      value: JSON.stringify(messages[index]),
    }));
    await producer.disconnect();
    const [filter, contacts] = await Promise.all([
      sustainedRate(() => totalEndOffset(kafka, [topics.messagesAccepted]), 0, messages.length),
      sustainedRate(() => committedBy(kafka, groupId, topics.messagesAccepted), 0, messages.length),
    ]);
    const batchSize = await meanBatchSize(services.slice(1), topics.messagesAccepted);
    console.log(`  produced into messages.inbound: ${formatRate(produced)}`);
    console.log(
      `  filter routed:                  ${formatRate(filter.rate)} (${filter.seconds.toFixed(1)} s)`,
    );
    console.log(
      `  contacts recorded (${instances} instance${instances > 1 ? 's' : ''}):   ${formatRate(contacts.rate)} (${contacts.seconds.toFixed(1)} s; mean batch ${batchSize} records)`,
    );
    if (shape === 'new') {
      const created = await client.db(database).collection('contacts').estimatedDocumentCount();
      console.log(
        `  contacts created from first messages by then: ${created.toLocaleString('en-US')} of ${new Set(messages.map((m) => m.from)).size.toLocaleString('en-US')} senders (the command path)`,
      );
    }
    if (shape === 'known' && OFFERED > 0) {
      await offeredLoad(kafka, topics, groupId, messagesOf(shape, OFFERED * OFFERED_SECONDS, 2));
    }
    // The services stop first: the store serves the ceiling alone (a new sender's contact is
    // still being created by the command path long after its messages were counted).
    await Promise.all(services.splice(0).map((service) => service.stop()));
    const shapeOfService = serviceShape(instances);
    const rate = await ceiling(client.db(ceilingDatabase), messages, batchSize, shapeOfService);
    console.log(
      `  store ceiling (raw driver, same writes, batches of ${batchSize}, ${shapeOfService.partitionsAtOnce} partition(s) at once): ${formatRate(rate)}`,
    );
    console.log(`  ingest/ceiling: ${(contacts.rate / rate).toFixed(2)}`);
    return contacts.rate;
  } finally {
    await Promise.all(services.map((service) => service.stop()));
    await removeRun(kafka, prefix, database);
    await client.db(ceilingDatabase).dropDatabase();
  }
}

async function main(): Promise<void> {
  ensureLocalStack();
  console.log(
    `bench:ingest — ${INSTANCE_COUNTS.join(' and ')} contacts instance(s), ${PARTITIONS} partitions`,
  );
  const kafka = createKafkaClient('bench-ingest', brokers());
  const client = await MongoClient.connect(mongoUri());
  try {
    for (const shape of options.shapes.split(',') as Shape[]) {
      const rates: number[] = [];
      for (const instances of INSTANCE_COUNTS) {
        rates.push(await runShape(kafka, client, shape, instances));
      }
      for (let index = 1; index < rates.length; index++) {
        console.log(
          `  scaling, shape ${shape}: ${INSTANCE_COUNTS[index]} instances record ${(rates[index] / rates[0]).toFixed(2)}× what ${INSTANCE_COUNTS[0]} did`,
        );
      }
    }
  } finally {
    await client.close();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
