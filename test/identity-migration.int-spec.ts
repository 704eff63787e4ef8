import { randomUUID } from 'node:crypto';
import type { Kafka, Producer } from 'kafkajs';
import { MongoClient, type Db } from 'mongodb';
import {
  contactKey,
  identityKey,
  topicNames,
  topicSpecs,
  type ContactEvent,
  type TopicNames,
} from '@switchboard/contracts';
import { createKafkaClient, ensureTopics, type OutboundRecord } from '@switchboard/kafka';
import { deleteTopicsWithPrefix, expectEventually, mintToken, TopicProbe } from '@switchboard/testing';
import { migrateIdentities } from '../scripts/migrate-identities';
import { http } from './support/http';
import { startSystem, type System } from './support/system';

/**
 * The migration of identities that earlier versions stored in other spellings: phantom
 * contacts merge into the customer's one contact (notes, tags, messages, counters, the
 * stricter block), lone spellings are re-keyed, the blocklist follows, a crash part-way
 * resumes, and a second run changes nothing.
 */
describe('migrating identities stored in other spellings', () => {
  const prefix = `idmig-${randomUUID().slice(0, 8)}.`;
  const database = `idmig_${randomUUID().slice(0, 8)}`;
  const tenant = 'respelled-tenant';
  const number = '+14155550123';
  let kafka: Kafka;
  let topics: TopicNames;
  let producer: Producer;
  let probe: TopicProbe;
  let store: MongoClient;
  let db: Db;
  let system: System | undefined;

  beforeAll(async () => {
    kafka = createKafkaClient('identity-migration-test', process.env.KAFKA_BROKERS!.split(','));
    topics = topicNames(prefix);
    await ensureTopics(kafka, topicSpecs(topics, 3));
    producer = kafka.producer();
    await producer.connect();
    store = await MongoClient.connect(process.env.MONGODB_URI!);
    db = store.db(database);
    probe = await new TopicProbe(kafka, [topics.contactEvents, topics.contactBlocklist]).start();
    await seedAsAnEarlierVersionStoredIt();
  });

  afterAll(async () => {
    await system?.stop();
    await probe?.stop();
    await producer?.disconnect();
    await db?.dropDatabase();
    await store?.close();
    await deleteTopicsWithPrefix(kafka, prefix);
  });

  const publish = async (records: OutboundRecord[]) => {
    for (const { topic, key, value, headers } of records) {
      await producer.send({ topic, messages: [{ key, value, headers }] });
    }
  };

  const at = (minutesAgo: number) => new Date(Date.now() - minutesAgo * 60_000);

  function contact(contactId: string, fields: Record<string, unknown>) {
    return {
      _id: contactKey(tenant, contactId),
      tenantId: tenant,
      contactId,
      attributes: {},
      tags: [],
      tagIds: [],
      block: { blocked: false },
      version: 3,
      appliedCommandIds: [],
      pendingPublications: [],
      createdAt: at(600),
      updatedAt: at(600),
      ...fields,
    };
  }

  function claim(channel: string, address: string, contactId: string) {
    return { _id: identityKey(tenant, channel, address), tenantId: tenant, contactId };
  }

  function message(messageId: string, channel: string, from: string, status: string, minutesAgo: number) {
    return {
      _id: `${tenant}:${messageId}`,
      tenantId: tenant,
      identity: `${channel}|${from}`,
      messageId,
      channel,
      from,
      type: 'text',
      content: { text: messageId },
      sentAt: at(minutesAgo),
      status,
      source: `old/0/${minutesAgo}`,
    };
  }

  function activity(
    channel: string,
    from: string,
    contactId: string,
    status: string,
    count: number,
    minutesAgo: number,
  ) {
    const key = identityKey(tenant, channel, from);
    return {
      _id: `${key}|${status}`,
      tenantId: tenant,
      contactId,
      status,
      count,
      firstSeenAt: at(minutesAgo + 10),
      lastMessageAt: at(minutesAgo),
      lastMessage: {
        messageId: `last-${from}-${status}`,
        channel,
        from,
        type: 'text',
        content: {},
        sentAt: at(minutesAgo).toISOString(),
        status,
      },
      appliedAt: 'old/0',
      appliedOffset: 10,
    };
  }

  /**
   * One customer as three contacts: `c_ada` under the one spelling (tagged VIP), the phantom
   * `c_ada_cloud` from a WhatsApp Cloud API sender (`14155550123`: blocked, VIP and Lead, a note),
   * the phantom `c_ada_twilio` from Twilio (`whatsapp:+1…`); a lone typed number (`c_bo`) and an
   * e-mail with its domain in capitals (`c_cy`), each the only contact of its customer.
   */
  async function seedAsAnEarlierVersionStoredIt() {
    await db.collection<Record<string, unknown> & { _id: string }>('contacts').insertMany([
      contact('c_ada', {
        identities: [{ channel: 'whatsapp', address: number }],
        name: 'Ada',
        tags: ['VIP'],
        tagIds: ['t_vip'],
        createdAt: at(900),
      }),
      contact('c_ada_cloud', {
        identities: [{ channel: 'whatsapp', address: '14155550123' }],
        name: 'Ada L.',
        attributes: { plan: 'pro' },
        tags: ['VIP', 'Lead'],
        tagIds: ['t_vip', 't_lead'],
        block: { blocked: true, blockedAt: at(30), blockedBy: 'agent-1', reason: 'spam' },
      }),
      contact('c_ada_twilio', { identities: [{ channel: 'whatsapp', address: 'whatsapp:+14155550123' }] }),
      contact('c_bo', { identities: [{ channel: 'sms', address: '+1 415-555-0199' }], name: 'Bo' }),
      contact('c_cy', { identities: [{ channel: 'email', address: 'Cy@Example.COM' }], name: 'Cy' }),
    ]);
    await db.collection<Record<string, unknown> & { _id: string }>('identity_claims').insertMany([
      claim('whatsapp', number, 'c_ada'),
      claim('whatsapp', '14155550123', 'c_ada_cloud'),
      claim('whatsapp', 'whatsapp:+14155550123', 'c_ada_twilio'),
      claim('sms', '+1 415-555-0199', 'c_bo'),
      claim('email', 'Cy@Example.COM', 'c_cy'),
      // Claimed by a create refused after its first identity: no contact has this id.
      claim('whatsapp', '+44 20 7946 0958', 'c_gone'),
    ]);
    await db
      .collection<Record<string, unknown> & { _id: string }>('messages')
      .insertMany([
        message('m-1', 'whatsapp', number, 'accepted', 300),
        message('m-2', 'whatsapp', number, 'accepted', 200),
        message('m-3', 'whatsapp', '14155550123', 'accepted', 100),
        message('m-4', 'whatsapp', '14155550123', 'blocked', 20),
        message('m-5', 'whatsapp', '14155550123', 'blocked', 10),
        message('m-6', 'whatsapp', 'whatsapp:+14155550123', 'accepted', 50),
        message('m-7', 'sms', '+1 415-555-0199', 'accepted', 40),
        message('m-8', 'whatsapp', '+44 20 7946 0958', 'accepted', 30),
      ]);
    await db
      .collection<Record<string, unknown> & { _id: string }>('identity_activity')
      .insertMany([
        activity('whatsapp', number, 'c_ada', 'accepted', 2, 200),
        activity('whatsapp', '14155550123', 'c_ada_cloud', 'accepted', 1, 100),
        activity('whatsapp', '14155550123', 'c_ada_cloud', 'blocked', 2, 10),
        activity('whatsapp', 'whatsapp:+14155550123', 'c_ada_twilio', 'accepted', 1, 50),
        activity('sms', '+1 415-555-0199', 'c_bo', 'accepted', 1, 40),
        activity('whatsapp', '+44 20 7946 0958', 'c_gone', 'accepted', 1, 30),
      ]);
    await db.collection<Record<string, unknown> & { _id: string }>('notes').insertOne({
      _id: `${tenant}:n_1`,
      tenantId: tenant,
      contactId: 'c_ada_cloud',
      noteId: 'n_1',
      authorId: 'agent-1',
      body: 'asked for a refund three times',
      createdAt: at(25),
      updatedAt: at(25),
      deleted: false,
    });
    await db.collection<Record<string, unknown> & { _id: string }>('tags').insertMany(
      [
        ['t_vip', 'VIP', 2],
        ['t_lead', 'Lead', 1],
      ].map(([tagId, name, usage]) => ({
        _id: `${tenant}:${tagId}`,
        tenantId: tenant,
        tagId,
        name,
        nameKey: String(name).toLowerCase(),
        colour: '#d62728',
        usage,
        createdAt: at(1000),
      })),
    );
  }

  const events = () => probe.json<ContactEvent>(topics.contactEvents);
  const blocklist = () => probe.of(topics.contactBlocklist);

  it('merges the phantoms, re-keys the lone spellings, and resumes after a crash part-way', async () => {
    const crashing = () => Promise.reject(new Error('the broker went away'));
    await expect(migrateIdentities(db, topics, crashing)).rejects.toThrow('the broker went away');

    const report = await migrateIdentities(db, topics, publish);
    // The first plan (Ada's group, or a lone spelling) was finished by the second run.
    expect(report).toMatchObject({ respelled: 4, merged: 2, waiting: [], unreadable: [], replanned: 0 });

    const contacts = db.collection<Record<string, unknown> & { _id: string }>('contacts');
    expect(await contacts.countDocuments({ tenantId: tenant })).toBe(3);
    expect(await contacts.findOne({ _id: contactKey(tenant, 'c_ada') })).toMatchObject({
      identities: [{ channel: 'whatsapp', address: number }],
      name: 'Ada',
      attributes: { plan: 'pro' },
      tags: ['VIP', 'Lead'],
      tagIds: ['t_vip', 't_lead'],
      block: { blocked: true, blockedBy: 'agent-1', reason: 'spam' },
      version: 4,
    });
    expect(await contacts.findOne({ _id: contactKey(tenant, 'c_bo') })).toMatchObject({
      identities: [{ channel: 'sms', address: '+14155550199' }],
    });
    expect(await contacts.findOne({ _id: contactKey(tenant, 'c_cy') })).toMatchObject({
      identities: [{ channel: 'email', address: 'Cy@example.com' }],
    });
    const claims = await db
      .collection('identity_claims')
      .find({ tenantId: tenant })
      .sort({ _id: 1 })
      .toArray();
    expect(claims.map(({ _id, contactId }) => [_id, contactId])).toEqual([
      [identityKey(tenant, 'email', 'Cy@example.com'), 'c_cy'],
      [identityKey(tenant, 'sms', '+14155550199'), 'c_bo'],
      [identityKey(tenant, 'whatsapp', number), 'c_ada'],
    ]);

    await expectEventually(() => {
      const merged = events().filter((event) => event.type === 'ContactMerged');
      expect(merged.map((event) => [event.contactId, event.payload])).toEqual(
        expect.arrayContaining([
          ['c_ada_cloud', expect.objectContaining({ mergedInto: 'c_ada' })],
          ['c_ada_twilio', expect.objectContaining({ mergedInto: 'c_ada' })],
        ]),
      );
      const updated = events().filter((event) => event.type === 'ContactUpdated');
      expect(updated.map((event) => event.contactId).sort()).toEqual(['c_bo', 'c_cy']);
      // Ada was not blocked; the phantom's block holds for her now: consumers of blocks hear of it.
      expect(events().filter((event) => event.type === 'ContactBlocked')).toEqual([
        expect.objectContaining({ contactId: 'c_ada', payload: expect.objectContaining({ changed: true }) }),
      ]);
      // Every phantom spelling leaves the blocklist; the one spelling is blocked, for the survivor.
      const latest = new Map(blocklist().map((record) => [String(record.key), record.value]));
      expect(latest.get(identityKey(tenant, 'whatsapp', '14155550123'))).toBeNull();
      expect(latest.get(identityKey(tenant, 'whatsapp', 'whatsapp:+14155550123'))).toBeNull();
      expect(JSON.parse(String(latest.get(identityKey(tenant, 'whatsapp', number))))).toMatchObject({
        contactId: 'c_ada',
        reason: 'spam',
      });
    });
  });

  it('drops a claim of a contact that does not exist, re-keying its messages and counters', async () => {
    const orphan = identityKey(tenant, 'whatsapp', '+44 20 7946 0958');
    const canonical = identityKey(tenant, 'whatsapp', '+442079460958');
    expect(await db.collection('identity_claims').countDocuments({ _id: orphan as never })).toBe(0);
    expect(await db.collection('identity_claims').countDocuments({ _id: canonical as never })).toBe(0);
    expect(await db.collection('messages').findOne({ _id: `${tenant}:m-8` as never })).toMatchObject({
      identity: 'whatsapp|+442079460958',
    });
    expect(
      await db.collection('identity_activity').findOne({ _id: `${canonical}|accepted` as never }),
    ).toMatchObject({
      count: 1,
    });
    expect(
      await db.collection('identity_activity').countDocuments({ _id: `${orphan}|accepted` as never }),
    ).toBe(0);
  });

  it('changes nothing when run again', async () => {
    const snapshot = async () =>
      Promise.all(
        [
          'contacts',
          'identity_claims',
          'identity_activity',
          'messages',
          'notes',
          'activity',
          'tag_usage',
        ].map((name) => db.collection(name).find({}).sort({ _id: 1 }).toArray()),
      );
    const before = await snapshot();
    const published: OutboundRecord[] = [];
    const report = await migrateIdentities(db, topics, (records) => {
      published.push(...records);
      return Promise.resolve();
    });
    expect(report).toEqual({
      respelled: 0,
      merged: 0,
      orphaned: 0,
      waiting: [],
      unreadable: [],
      replanned: 0,
    });
    expect(published).toEqual([]);
    expect(await snapshot()).toEqual(before);
  });

  it('keeps what the contacts service applied to a survivor between a crash and the next run', async () => {
    await db
      .collection<Record<string, unknown> & { _id: string }>('contacts')
      .insertMany([
        contact('c_dan', { identities: [{ channel: 'sms', address: '+16505550100' }], createdAt: at(900) }),
        contact('c_dan_typed', { identities: [{ channel: 'sms', address: '+1 650-555-0100' }], name: 'Dan' }),
      ]);
    await db
      .collection<Record<string, unknown> & { _id: string }>('identity_claims')
      .insertMany([claim('sms', '+16505550100', 'c_dan'), claim('sms', '+1 650-555-0100', 'c_dan_typed')]);
    const crashing = () => Promise.reject(new Error('the broker went away'));
    await expect(migrateIdentities(db, topics, crashing)).rejects.toThrow('the broker went away');
    // The service ran before the migration was run again: it tagged Dan (version 5).
    const contacts = db.collection<Record<string, unknown> & { _id: string }>('contacts');
    await contacts.updateOne(
      { _id: contactKey(tenant, 'c_dan') },
      { $set: { version: 5, tags: ['Late'], tagIds: ['t_late'] } },
    );

    const report = await migrateIdentities(db, topics, publish);

    expect(report).toMatchObject({ respelled: 1, merged: 1, replanned: 0 });
    expect(await contacts.findOne({ _id: contactKey(tenant, 'c_dan') })).toMatchObject({
      identities: [{ channel: 'sms', address: '+16505550100' }],
      name: 'Dan',
      tags: ['Late'],
      version: 5,
    });
    expect(await contacts.countDocuments({ _id: contactKey(tenant, 'c_dan_typed') })).toBe(0);
    await expectEventually(() =>
      expect(
        events().filter((event) => event.type === 'ContactMerged' && event.contactId === 'c_dan_typed'),
      ).toEqual([
        expect.objectContaining({
          payload: expect.objectContaining({
            contact: expect.objectContaining({ version: 5, tags: ['Late'] }),
          }),
        }),
      ]),
    );
  });

  it('shows the agent one customer: every message, counter, note and tag, and the stricter block', async () => {
    system = await startSystem({
      contactsEnvironment: { TOPIC_PREFIX: prefix, MONGODB_DB: database },
      gatewayEnvironment: { TOPIC_PREFIX: prefix },
    });
    const token = mintToken({ tenant, sub: 'agent-7', role: 'agent' });
    const details = await http('GET', `${system.gateway.url}/v1/contacts/c_ada`, { token });
    expect(details.status).toBe(200);
    expect(details.body).toMatchObject({
      identities: [{ channel: 'whatsapp', address: number }],
      counters: { accepted: 4, blocked: 2 },
      block: { blocked: true, reason: 'spam' },
    });
    expect(details.body.tags).toEqual(['VIP', 'Lead']);
    expect(details.body.recentNotes.map((note: { noteId: string }) => note.noteId)).toEqual(['n_1']);
    expect(details.body.recentActivity).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ type: 'ContactMerged', details: { mergedContactId: 'c_ada_cloud' } }),
      ]),
    );
    const history = await http('GET', `${system.gateway.url}/v1/contacts/c_ada/messages?limit=50`, { token });
    expect(history.body.items.map((item: { messageId: string }) => item.messageId)).toEqual([
      'm-5',
      'm-4',
      'm-6',
      'm-3',
      'm-2',
      'm-1',
    ]);
    expect((await http('GET', `${system.gateway.url}/v1/contacts/c_ada_cloud`, { token })).status).toBe(404);
    // VIP was carried by two of the three contacts that are one now; Lead by one.
    const catalog = await http('GET', `${system.gateway.url}/v1/tags`, { token });
    expect(
      Object.fromEntries(
        catalog.body.items.map((tag: { name: string; usage: number }) => [tag.name, tag.usage]),
      ),
    ).toEqual({ VIP: 1, Lead: 1 });
  });
});
