import { randomUUID } from 'node:crypto';
import mongoose, { type Connection, type Model } from 'mongoose';
import { parseEnvironment } from '@switchboard/config';
import { contactKey, topicNames, topicSpecs } from '@switchboard/contracts';
import { createKafkaClient, ensureTopics, KafkaProducer, type OutboundRecord } from '@switchboard/kafka';
import { aTenantId, expectEventually, TopicProbe } from '@switchboard/testing';
import { ContactsSettings } from '../apps/contacts/src/contacts-settings';
import { CommandOutcome, CommandOutcomeSchema } from '../apps/contacts/src/commands/command-outcome.schema';
import { CommandOutcomesRepository } from '../apps/contacts/src/commands/command-outcomes.repository';
import {
  Contact,
  ContactSchema,
  type PendingPublication,
} from '../apps/contacts/src/contacts/contact.schema';
import { ContactsRepository } from '../apps/contacts/src/contacts/contacts.repository';
import { BoundedBulk } from '../apps/contacts/src/store/bounded-bulk';
import { WriteFencedError } from '../apps/contacts/src/store/write-fenced.error';
import { TagUsageRepository } from '../apps/contacts/src/tags/tag-usage.repository';
import { TagUsageShare, TagUsageShareSchema } from '../apps/contacts/src/tags/tag-usage.schema';
import { ContactWriteEngine } from '../apps/contacts/src/write/contact-write-engine';

/**
 * The contacts write engine on the real store and broker: what a batch applied is published
 * once its writes are known to stand, a contact's outbox left by a crash goes out with the next
 * batch that reads the contact, and usage counts move once per publication.
 */
describe('contacts write engine on the real store', () => {
  const prefix = `write-engine-${Date.now().toString(36)}.`;
  const topics = topicNames(prefix);
  const tenant = aTenantId();
  const kafka = createKafkaClient('write-engine-test', process.env.KAFKA_BROKERS!.split(','));
  let connection: Connection;
  let contactModel: Model<Contact>;
  let contacts: ContactsRepository;
  let usage: TagUsageRepository;
  let outcomes: CommandOutcomesRepository;
  let producer: KafkaProducer;
  let engine: ContactWriteEngine;
  let probe: TopicProbe;
  let offset = 0;

  beforeAll(async () => {
    connection = await mongoose
      .createConnection(process.env.MONGODB_URI!, { dbName: process.env.MONGODB_DB })
      .asPromise();
    const bulk = new BoundedBulk(parseEnvironment(ContactsSettings, process.env));
    contactModel = connection.model(Contact.name, ContactSchema);
    const shares = connection.model(TagUsageShare.name, TagUsageShareSchema);
    const outcomeModel = connection.model(CommandOutcome.name, CommandOutcomeSchema);
    await Promise.all([contactModel.init(), shares.init(), outcomeModel.init()]);
    contacts = new ContactsRepository(contactModel, bulk);
    usage = new TagUsageRepository(shares, bulk);
    outcomes = new CommandOutcomesRepository(outcomeModel, bulk);
    await ensureTopics(
      kafka,
      topicSpecs(topics, 1).filter((spec) => spec.name === topics.contactEvents),
    );
    producer = new KafkaProducer(kafka);
    engine = new ContactWriteEngine(contacts, usage, outcomes, producer);
    probe = await new TopicProbe(kafka, [topics.contactEvents]).start();
  }, 60_000);

  afterAll(async () => {
    await probe?.stop();
    await producer?.onApplicationShutdown();
    await connection?.close();
  });

  /** A publication of one event about `contactId`, moving the given tags' usage. */
  function aPublication(contactId: string, usageDeltas?: Record<string, number>): PendingPublication {
    const commandId = randomUUID();
    const event: OutboundRecord = {
      topic: topics.contactEvents,
      key: contactKey(tenant, contactId),
      value: JSON.stringify({ commandId, type: 'ContactTagged', contactId }),
    };
    return { commandId, records: [event], ...(usageDeltas && { usageDeltas }) };
  }

  const eventsOf = (commandId: string) =>
    probe.of(topics.contactEvents).filter((record) => record.value?.toString().includes(commandId));

  /** The next batch of partition 0, following the last one (one record long). */
  function nextBatch() {
    return engine.batch(0, offset++);
  }

  async function created(contactId: string, publication: PendingPublication): Promise<Contact> {
    const contact = await contacts.insert(
      tenant,
      contactId,
      {},
      publication.commandId,
      publication,
      new Date(),
    );
    return contact!;
  }

  it('publishes a batch whose writes another process overwrote only after deciding again', async () => {
    const contactId = `c_${randomUUID()}`;
    const publication = aPublication(contactId);
    // A partition just taken up settles: its writes are read back before they are published.
    const batch = engine.batch(0, 10_000);
    expect(batch.settling).toBe(true);
    batch.wrote(await created(contactId, publication));
    // A former owner of the partition, still finishing, passed the same condition (on a store
    // where a conditional update is not atomic) and wrote the same version for another command.
    const formerOwners = aPublication(contactId);
    await contactModel.collection.updateOne(
      { _id: contactKey(tenant, contactId) as never },
      {
        $set: {
          name: 'written by the former owner',
          appliedCommandIds: [formerOwners.commandId],
          pendingPublications: [formerOwners],
        },
      },
    );

    await expect(engine.publish(batch, 10_000)).rejects.toBeInstanceOf(WriteFencedError);
    // The retry reads what is stored, not what the failed batch wrote, and publishes that.
    const retry = engine.batch(0, 10_000);
    expect(await retry.find(tenant, contactId)).toMatchObject({
      version: 1,
      name: 'written by the former owner',
    });
    await engine.publish(retry, 10_000);
    await expectEventually(() => expect(eventsOf(formerOwners.commandId)).toHaveLength(1));
    expect(eventsOf(publication.commandId)).toEqual([]);
    expect(await outcomes.find(tenant, publication.commandId)).toBeNull();
  });

  it("publishes a contact's outbox that a crash left, with the next batch that reads the contact", async () => {
    const contactId = `c_${randomUUID()}`;
    const publication = aPublication(contactId, { t_left: 1 });
    // Written, then the process died before publishing.
    await created(contactId, publication);

    const batch = nextBatch();
    await batch.find(tenant, contactId);
    await engine.publish(batch, offset - 1);

    await expectEventually(() => expect(eventsOf(publication.commandId)).toHaveLength(1));
    expect(await outcomes.find(tenant, publication.commandId)).toMatchObject({ eventType: 'ContactTagged' });
    expect((await contacts.find(tenant, contactId))?.pendingPublications).toEqual([]);
    expect((await usage.totals(tenant, ['t_left'])).get('t_left')).toBe(1);
  });

  it('counts a publication left in an outbox after its outcome was recorded only once', async () => {
    const contactId = `c_${randomUUID()}`;
    const tagId = `t_${randomUUID().slice(0, 8)}`;
    const publication = aPublication(contactId, { [tagId]: 1 });
    // Applied, counted and its outcome recorded; then the process failed before emptying the outbox.
    await created(contactId, publication);
    await usage.count(0, [{ tenantId: tenant, tagId, delta: 1, publicationId: publication.commandId }]);
    await outcomes.recordAll([
      {
        tenantId: tenant,
        commandId: publication.commandId,
        eventType: 'ContactTagged',
        event: { ...publication.records[0], value: String(publication.records[0].value) },
      },
    ]);
    // Many other changes of the tag on the partition since: the share no longer remembers it.
    await usage.count(
      0,
      Array.from({ length: 400 }, () => ({
        tenantId: tenant,
        tagId,
        delta: 0,
        publicationId: randomUUID(),
      })).map((delta, index) => ({ ...delta, delta: index % 2 === 0 ? 1 : -1 })),
    );

    const batch = nextBatch();
    await batch.find(tenant, contactId);
    await engine.publish(batch, offset - 1);

    await expectEventually(() => expect(eventsOf(publication.commandId)).toHaveLength(1));
    expect((await contacts.find(tenant, contactId))?.pendingPublications).toEqual([]);
    expect((await usage.totals(tenant, [tagId])).get(tagId)).toBe(1);
  });

  it('finds a usage share another process overwrote', async () => {
    const tagId = `t_${randomUUID().slice(0, 8)}`;
    const counted = await usage.count(3, [
      { tenantId: tenant, tagId, delta: 1, publicationId: randomUUID() },
    ]);
    await expect(usage.verifyCounted(counted)).resolves.toBeUndefined();
    // A former owner's count passed the same condition and landed last, with the same version.
    await connection
      .collection('tag_usage')
      .updateOne({ _id: counted[0]._id as never }, { $set: { counted: [randomUUID()] } });
    await expect(usage.verifyCounted(counted)).rejects.toBeInstanceOf(WriteFencedError);
  });

  it('counts a publication once in the usage shares, however often its batch is published', async () => {
    const tagId = `t_${randomUUID().slice(0, 8)}`;
    const publications = ['a', 'b', 'c'].map((name) => aPublication(`c_${name}_${tagId}`, { [tagId]: 1 }));
    const deltas = publications.map((publication) => ({
      tenantId: tenant,
      tagId,
      delta: 1,
      publicationId: publication.commandId,
    }));
    await usage.count(0, deltas.slice(0, 2));
    // The batch again (a crash after counting), then with the third, and on another partition.
    await usage.count(0, deltas.slice(0, 2));
    await usage.count(0, deltas);
    await usage.count(1, [{ ...deltas[0], publicationId: randomUUID(), delta: -1 }]);

    expect((await usage.totals(tenant, [tagId])).get(tagId)).toBe(3 - 1);
    expect((await usage.totals(tenant)).get(tagId)).toBe(2);
  });
});
