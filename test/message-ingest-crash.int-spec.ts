import { randomUUID } from 'node:crypto';
import type { Kafka, Producer } from 'kafkajs';
import { MongoClient } from 'mongodb';
import {
  identityKey,
  topicNames,
  topicSpecs,
  type BlockedMessage,
  type InboundMessage,
  type TopicNames,
} from '@switchboard/contracts';
import { createKafkaClient, ensureTopics } from '@switchboard/kafka';
import { anInboundMessage, deleteTopicsWithPrefix, expectEventually } from '@switchboard/testing';
import { aStoredContact } from './support/contacts-factory';
import { countsAndRecount } from './support/message-counts';
import { random } from './support/seeded-random';
import { aPort, spawnService, type ServiceProcess } from './support/service-process';

const KNOWN = 150;
const NEW = 150;
const MESSAGES = 12_000;
const PARTITIONS = 6;

/**
 * Three contacts instances record one stream of routed messages (known and never-seen senders,
 * resent messages, dropped ones); one is killed with -9 in the middle and started again. In the
 * end every message is stored once, every sender's counts equal a recount of its stored
 * messages, and every new sender has its contact.
 */
// Deadlines follow progress (a slow machine only takes longer; stalled work fails).
jest.setTimeout(1_800_000);

describe('message ingest on three instances, one killed with -9 and added back', () => {
  const prefix = `icrash-${randomUUID().slice(0, 8)}.`;
  const database = `icrash_${randomUUID().slice(0, 8)}`;
  const tenant = 'ingest-crash';
  let kafka: Kafka;
  let topics: TopicNames;
  let producer: Producer;
  let store: MongoClient;
  const instances: ServiceProcess[] = [];

  beforeAll(async () => {
    kafka = createKafkaClient('ingest-crash-test', process.env.KAFKA_BROKERS!.split(','));
    topics = topicNames(prefix);
    await ensureTopics(kafka, topicSpecs(topics, PARTITIONS));
    producer = kafka.producer();
    await producer.connect();
    store = await MongoClient.connect(process.env.MONGODB_URI!);
  });

  afterAll(async () => {
    await Promise.all(instances.map((instance) => instance.stop()));
    await producer?.disconnect();
    await store?.db(database).dropDatabase();
    await store?.close();
    await deleteTopicsWithPrefix(kafka, prefix);
  });

  /** Records on the two routed topics (a producer's retry may have written a batch twice). */
  async function produced(): Promise<number> {
    const admin = kafka.admin();
    await admin.connect();
    try {
      const ends = await Promise.all(
        [topics.messagesAccepted, topics.messagesBlocked].map((topic) => admin.fetchTopicOffsets(topic)),
      );
      return ends.flat().reduce((total, { high }) => total + Number(high), 0);
    } finally {
      await admin.disconnect();
    }
  }

  /** Records the instances' group has committed on the two routed topics. */
  async function committed(): Promise<number> {
    const admin = kafka.admin();
    await admin.connect();
    try {
      const groups = await admin.fetchOffsets({
        groupId: `${prefix}contacts-messages`,
        topics: [topics.messagesAccepted, topics.messagesBlocked],
      });
      return groups
        .flatMap((group) => group.partitions)
        .reduce((total, { offset }) => total + Math.max(Number(offset), 0), 0);
    } finally {
      await admin.disconnect();
    }
  }

  it('stores every message once and counts every sender exactly, whatever the crash', async () => {
    const db = store.db(database);
    const address = (index: number) => `+1555${String(1_000_000 + index)}`;
    await db.collection('contacts').insertMany(
      Array.from({ length: KNOWN }, (_, index) =>
        aStoredContact({
          tenantId: tenant,
          contactId: `c_known_${index}`,
          identities: [{ channel: 'whatsapp', address: address(index) }],
        }),
      ) as never[],
    );
    await db.collection('identity_claims').insertMany(
      Array.from({ length: KNOWN }, (_, index) => ({
        _id: identityKey(tenant, 'whatsapp', address(index)),
        tenantId: tenant,
        contactId: `c_known_${index}`,
      })) as never[],
    );
    const next = random(17);
    const sent: { message: InboundMessage; status: 'accepted' | 'blocked' }[] = [];
    for (let index = 0; index < MESSAGES; index++) {
      // One in twenty is a resend of an earlier message (the same id, a later offset).
      const resend = index > 0 && next() < 0.05;
      const earlier = sent[Math.floor(next() * sent.length)];
      const sender = Math.floor(next() * (KNOWN + NEW));
      const message = resend
        ? earlier.message
        : anInboundMessage({ tenantId: tenant, from: address(sender), messageId: `m_${index}` });
      const status = resend ? earlier.status : next() < 0.1 ? 'blocked' : 'accepted';
      sent.push({ message, status });
    }
    const recordOf = ({ message, status }: (typeof sent)[number]) => {
      const key = identityKey(tenant, message.channel, message.from);
      const blocked: BlockedMessage = {
        message,
        block: { contactId: 'c_any', blockedAt: message.sentAt, blockedBy: 'agent-ada' },
        droppedAt: message.sentAt,
      };
      return { key, value: JSON.stringify(status === 'accepted' ? message : blocked) };
    };
    for (const status of ['accepted', 'blocked'] as const) {
      const records = sent.filter((item) => item.status === status).map(recordOf);
      const topic = status === 'accepted' ? topics.messagesAccepted : topics.messagesBlocked;
      for (let start = 0; start < records.length; start += 1_000) {
        await producer.send({ topic, messages: records.slice(start, start + 1_000) });
      }
    }

    const environment = {
      TOPIC_PREFIX: prefix,
      MONGODB_DB: database,
      STORE_SHARING_PROCESSES: '4',
    };
    const start = (name: string) => {
      const instance = spawnService('contacts', aPort(), environment, `${prefix}${name}`);
      instances.push(instance);
      return instance;
    };
    const [victim] = ['contacts-1', 'contacts-2', 'contacts-3'].map(start);
    await expectEventually(async () => expect(await committed()).toBeGreaterThan(MESSAGES / 4), {
      timeoutMs: 120_000,
      intervalMs: 200,
      progress: committed,
    });
    await victim.crash();
    instances.splice(instances.indexOf(victim), 1);
    start('contacts-4');
    const records = await produced();
    expect(records).toBeGreaterThanOrEqual(MESSAGES);
    await expectEventually(async () => expect(await committed()).toBe(records), {
      timeoutMs: 120_000,
      intervalMs: 500,
      progress: committed,
    });

    const distinct = new Map(sent.map(({ message, status }) => [message.messageId, { message, status }]));
    const { stored, counted: counters, recount } = await countsAndRecount(db, tenant);
    const wrongCounts = [...counters].filter(([id, count]) => count !== recount.get(id));
    const uncounted = [...recount.keys()].filter((id) => !counters.has(id));
    const newSenders = new Set(
      [...distinct.values()]
        .map(({ message }) => message.from)
        .filter((from) => Number(from.slice(5)) - 1_000_000 >= KNOWN),
    );
    const counted = [...counters.values()].reduce((total, count) => total + count, 0);
    console.log(
      `ingest crash: records ${records} (sent ${MESSAGES}), distinct messages ${distinct.size}, stored ${stored}, ` +
        `counted ${counted}, senders with a wrong count ${wrongCounts.length}, new senders ${newSenders.size}`,
    );
    expect(stored).toBe(distinct.size);
    expect(counted).toBe(distinct.size);
    expect(wrongCounts).toEqual([]);
    expect(uncounted).toEqual([]);
    // Every new sender got its contact, through a create on the contact's own partition.
    await expectEventually(
      async () => {
        const claims = await db
          .collection('identity_claims')
          .countDocuments({ tenantId: tenant, contactId: { $not: /^c_known_/ } });
        expect(claims).toBe(newSenders.size);
      },
      { timeoutMs: 120_000, intervalMs: 1_000 },
    );
  });
});
