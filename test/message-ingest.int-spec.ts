import mongoose, { type Connection } from 'mongoose';
import { parseEnvironment } from '@switchboard/config';
import { identityKey, topicNames, topicSpecs, type InboundMessage } from '@switchboard/contracts';
import { createKafkaClient, ensureTopics, KafkaProducer, type ConsumedRecord } from '@switchboard/kafka';
import { anInboundMessage, aTenantId, expectEventually, TopicProbe } from '@switchboard/testing';
import { ContactsSettings } from '../apps/contacts/src/contacts-settings';
import { IdentityClaimsRepository } from '../apps/contacts/src/contacts/identity-claims.repository';
import { IdentityClaim, IdentityClaimSchema } from '../apps/contacts/src/contacts/identity-claim.schema';
import { IdentityActivityRepository } from '../apps/contacts/src/messages/identity-activity.repository';
import { WriteFencedError } from '../apps/contacts/src/store/write-fenced.error';
import {
  IdentityActivity,
  IdentityActivitySchema,
  identityActivityId,
} from '../apps/contacts/src/messages/identity-activity.schema';
import { MessageHistoryRepository } from '../apps/contacts/src/messages/message-history.repository';
import { MessageIngestEngine } from '../apps/contacts/src/messages/message-ingest.engine';
import { StoredMessage, StoredMessageSchema } from '../apps/contacts/src/messages/stored-message.schema';
import { BoundedBulk } from '../apps/contacts/src/store/bounded-bulk';
import { migrateMessageActivity } from '../scripts/migrate-message-activity';

/**
 * The ingest engine on the real store: a partition batch is counted once whatever is repeated
 * (the batch after a crash, a resent message, a message twice in one batch), and a write
 * decided from a document another process changed meanwhile is refused, not applied.
 */
describe('message ingest engine on the real store', () => {
  const prefix = `ingest-${Date.now().toString(36)}.`;
  const topics = topicNames(prefix);
  const tenant = aTenantId();
  const kafka = createKafkaClient('ingest-test', process.env.KAFKA_BROKERS!.split(','));
  let connection: Connection;
  let producer: KafkaProducer;
  let engine: MessageIngestEngine;
  let history: MessageHistoryRepository;
  let activity: IdentityActivityRepository;
  let claims: IdentityClaimsRepository;
  let probe: TopicProbe;
  let offset = 0;

  beforeAll(async () => {
    connection = await mongoose
      .createConnection(process.env.MONGODB_URI!, { dbName: process.env.MONGODB_DB })
      .asPromise();
    const bulk = new BoundedBulk(parseEnvironment(ContactsSettings, process.env));
    const messages = connection.model(StoredMessage.name, StoredMessageSchema);
    const activityModel = connection.model(IdentityActivity.name, IdentityActivitySchema);
    await Promise.all([messages.init(), activityModel.init()]);
    history = new MessageHistoryRepository(messages, bulk);
    activity = new IdentityActivityRepository(activityModel, bulk);
    claims = new IdentityClaimsRepository(connection.model(IdentityClaim.name, IdentityClaimSchema));
    await ensureTopics(
      kafka,
      topicSpecs(topics, 3).filter((spec) => spec.name === topics.contactCommands),
    );
    producer = new KafkaProducer(kafka);
    engine = new MessageIngestEngine(history, activity, claims, producer, topics);
    probe = await new TopicProbe(kafka, [topics.contactCommands]).start();
  }, 60_000);

  afterAll(async () => {
    await probe?.stop();
    await producer?.onApplicationShutdown();
    await connection?.close();
  });

  /** Records of one partition of `messages.accepted`, at the next offsets (or from `at`). */
  function recordsOf(
    messages: InboundMessage[],
    { partition = 0, at }: { partition?: number; at?: number } = {},
  ) {
    let next = at ?? offset;
    const records: ConsumedRecord[] = messages.map((message) => ({
      topic: topics.messagesAccepted,
      partition,
      offset: String(next++),
      key: Buffer.from(identityKey(message.tenantId, message.channel, message.from)),
      value: Buffer.from(JSON.stringify(message)),
      headers: {},
      timestamp: String(Date.now()),
    }));
    if (at === undefined) {
      offset = next;
    }
    return records;
  }

  const ingest = (records: ConsumedRecord[]) =>
    engine.ingest({ records, status: 'accepted', groupId: 'test-group', heartbeat: () => Promise.resolve() });

  async function countOf(message: InboundMessage): Promise<number | undefined> {
    const id = identityActivityId(identityKey(tenant, message.channel, message.from), 'accepted');
    return (await activity.findByIds([id])).get(id)?.count;
  }

  it('counts a batch once when it is handled again, whole or after its messages were stored', async () => {
    const from = '+14155550101';
    const messages = Array.from({ length: 5 }, (_, index) =>
      anInboundMessage({
        tenantId: tenant,
        from,
        sentAt: new Date(Date.UTC(2026, 0, 1, 0, index)).toISOString(),
      }),
    );
    const records = recordsOf(messages);
    // A crash after the messages were stored and before their count was written...
    await history.storeNew(
      records.map((record, index) => ({
        _id: `${tenant}:${messages[index].messageId}`,
        tenantId: tenant,
        identity: `whatsapp|${from}`,
        messageId: messages[index].messageId,
        channel: 'whatsapp',
        from,
        type: 'text',
        content: messages[index].content,
        sentAt: new Date(messages[index].sentAt),
        status: 'accepted',
        source: `${record.topic}/${record.partition}/${record.offset}`,
      })),
    );
    // ...then the batch again, and again after it was all written.
    await ingest(records);
    await ingest(records);
    expect(await countOf(messages[0])).toBe(5);
    const page = await history.page(tenant, [`whatsapp|${from}`], { limit: 10 });
    expect(page.map((message) => message.messageId)).toEqual(messages.map((m) => m.messageId).reverse());
  });

  it('stores and counts a resent message once, in the same batch and in a later one', async () => {
    const message = anInboundMessage({ tenantId: tenant, from: '+14155550102' });
    await ingest(recordsOf([message, message]));
    await ingest(recordsOf([message]));
    expect(await countOf(message)).toBe(1);
  });

  it('asks for the contact of an unknown sender once, on the contact partition, as a create', async () => {
    const from = '+14155550103';
    const first = anInboundMessage({ tenantId: tenant, from, profile: { name: 'Grace' } });
    await ingest(recordsOf([first, anInboundMessage({ tenantId: tenant, from })]));
    await ingest(recordsOf([anInboundMessage({ tenantId: tenant, from })]));
    const creates = () =>
      probe
        .of(topics.contactCommands)
        .map(
          (record) =>
            JSON.parse(String(record.value)) as { type: string; payload: { identities: unknown[] } },
        )
        .filter((command) => JSON.stringify(command.payload.identities).includes(from));
    await expectEventually(() => expect(creates()).toHaveLength(1));
    expect(creates()[0]).toMatchObject({
      type: 'contact.create',
      tenantId: tenant,
      payload: { identities: [{ channel: 'whatsapp', address: from }], name: 'Grace' },
    });
    expect(await countOf(first)).toBe(3);
  });

  it('counts records of another partition at lower offsets (the topic got more partitions)', async () => {
    const from = '+14155550105';
    await ingest(recordsOf([anInboundMessage({ tenantId: tenant, from })], { partition: 0, at: 5_000 }));
    await ingest(recordsOf([anInboundMessage({ tenantId: tenant, from })], { partition: 1, at: 3 }));
    expect(await countOf(anInboundMessage({ tenantId: tenant, from }))).toBe(2);
  });

  it('decides again when another process counted the partition meanwhile (a rebalance)', async () => {
    const from = '+14155550106';
    const messages = Array.from({ length: 6 }, () => anInboundMessage({ tenantId: tenant, from }));
    const [first, second, third] = [0, 2, 4].map((start) => messages.slice(start, start + 2));
    const start = 20_000;
    const other = new MessageIngestEngine(history, activity, claims, producer, topics);
    await ingest(recordsOf(first, { at: start }));
    // The partition moves to another process, which counts the next records but dies before
    // it commits them: they come back to this one, which still remembers the partition.
    await other.ingest({
      records: recordsOf(second, { at: start + 2 }),
      status: 'accepted',
      groupId: 'test-group',
      heartbeat: () => Promise.resolve(),
    });
    const redelivered = recordsOf(second, { at: start + 2 });
    await expect(ingest(redelivered)).rejects.toBeInstanceOf(WriteFencedError);
    await ingest(redelivered);
    await ingest(recordsOf(third, { at: start + 4 }));
    expect(await countOf(messages[0])).toBe(6);
  });

  it('carries counters and history of earlier versions over, once, and counts on top of them', async () => {
    const db = connection.db!;
    const from = '+14155550107';
    const sentAt = (minute: number) => new Date(Date.UTC(2026, 2, 1, 0, minute)).toISOString();
    const recent = [0, 1, 2].map((minute) => ({
      messageId: `old-${tenant}-${minute}`,
      channel: 'whatsapp',
      from,
      type: 'text',
      content: { text: 'earlier' },
      sentAt: sentAt(minute),
      status: minute === 1 ? 'blocked' : 'accepted',
    }));
    await db.collection('contact_messages').insertOne({
      _id: `${tenant}:c_old` as never,
      tenantId: tenant,
      contactId: 'c_old',
      counters: { accepted: 120, blocked: 7 },
      recentMessages: recent,
      lastMessageAt: new Date(sentAt(2)),
      firstSeenAt: new Date(Date.UTC(2025, 0, 1)),
    });
    expect(await migrateMessageActivity(db)).toBe(1);
    expect(await migrateMessageActivity(db)).toBe(0);
    const contact = { contactId: 'c_old', identities: [{ channel: 'whatsapp', address: from }] };
    expect((await activity.ofContacts(tenant, [contact])).get('c_old')).toMatchObject({
      counters: { accepted: 120, blocked: 7 },
      firstSeenAt: new Date(Date.UTC(2025, 0, 1)),
      lastMessageAt: new Date(sentAt(2)),
    });
    expect(await history.page(tenant, [`whatsapp|${from}`], { limit: 10 })).toHaveLength(3);
    await ingest(recordsOf([anInboundMessage({ tenantId: tenant, from })]));
    expect((await activity.ofContacts(tenant, [contact])).get('c_old')?.counters).toEqual({
      accepted: 121,
      blocked: 7,
    });
  });

  it('refuses a write decided from a document that changed since it was read', async () => {
    const message = anInboundMessage({ tenantId: tenant, from: '+14155550104' });
    await ingest(recordsOf([message]));
    const id = identityActivityId(identityKey(tenant, message.channel, message.from), 'accepted');
    const stored = (await activity.findByIds([id])).get(id)!;
    // A former owner of the partition, deciding from the offset before the one now stored.
    const stale = {
      next: { ...stored, count: 99, appliedOffset: stored.appliedOffset + 1 },
      read: { appliedAt: stored.appliedAt, appliedOffset: stored.appliedOffset - 1 },
    };
    await expect(activity.write([stale])).rejects.toBeInstanceOf(WriteFencedError);
    // And one that creates a document that exists.
    await expect(activity.write([{ next: { ...stored, count: 99 } }])).rejects.toBeInstanceOf(
      WriteFencedError,
    );
    expect(await countOf(message)).toBe(1);
    // A former owner's write landing after ours (a conditional update that is not atomic):
    // reading ours back finds it gone.
    const ours = { ...stored, count: 2, appliedOffset: stored.appliedOffset + 1 };
    await activity.write([{ next: ours, read: stored }]);
    await activity.write([{ next: stored, read: ours }]);
    await expect(activity.verifyWritten([ours])).rejects.toBeInstanceOf(WriteFencedError);
    await expect(activity.verifyWritten([stored])).resolves.toBeUndefined();
  });
});
