import { randomUUID } from 'node:crypto';
import type { Kafka, Producer } from 'kafkajs';
import { MongoClient } from 'mongodb';
import { contactKey, topicNames, topicSpecs, type TopicNames } from '@switchboard/contracts';
import { createKafkaClient, ensureTopics } from '@switchboard/kafka';
import {
  aContactCommand,
  aTenantCommand,
  aWhatsappIdentity,
  expectEventually,
  TopicProbe,
  deleteTopicsWithPrefix,
} from '@switchboard/testing';
import { catalogWithUsage } from './support/tag-usage';
import { aPort, spawnService, type ServiceProcess } from './support/service-process';

const CONTACTS = 300;
const GOLD_EVERY = 3; // every 3rd contact carries the target tag already

interface StoredContact {
  contactId: string;
  tags: string[];
  tagIds: string[];
  version: number;
}

interface ChangeEvent {
  contactId: string;
  type: string;
  commandId: string;
  payload: { changes?: { tags?: { before: string[]; after: string[]; added: string[]; removed: string[] } } };
}

/**
 * kill -9 of the contacts service while a tag merge is under way, then a restart: the merge
 * reaches every contact of the merged tag exactly once, and the catalog's usage counts equal
 * what the contacts carry.
 */
// Deadlines follow progress (a slow machine only takes longer; stalled work fails), so the
// test's own limit is a generous ceiling.
jest.setTimeout(1_800_000);

describe('tag merge across a contacts service crash', () => {
  const prefix = `mcrash-${randomUUID().slice(0, 8)}.`;
  const database = `mcrash_${randomUUID().slice(0, 8)}`;
  const tenant = 'merge-crash';
  let kafka: Kafka;
  let topics: TopicNames;
  let producer: Producer;
  let probe: TopicProbe;
  let store: MongoClient;
  let service: ServiceProcess | undefined;
  const environment = {
    TOPIC_PREFIX: prefix,
    MONGODB_DB: database,
    // Slow the job down so the crash lands in the middle of it, and resume soon after it.
    JOB_STEPS_CONCURRENTLY: '1',
    JOB_LEASE_MS: '2000',
  };

  beforeAll(async () => {
    kafka = createKafkaClient('merge-crash-test', process.env.KAFKA_BROKERS!.split(','));
    topics = topicNames(prefix);
    await ensureTopics(kafka, topicSpecs(topics, 3));
    producer = kafka.producer();
    await producer.connect();
    store = await MongoClient.connect(process.env.MONGODB_URI!);
    probe = await new TopicProbe(kafka, [topics.contactEvents]).start();
  });

  afterAll(async () => {
    await service?.stop();
    await probe?.stop();
    await producer?.disconnect();
    await store?.db(database).dropDatabase();
    await store?.close();
    await deleteTopicsWithPrefix(kafka, prefix);
  });

  const outcomeOf = (commandId: string) =>
    probe.json<{ commandId: string; type: string; payload: any }>(
      topics.contactEvents,
      (event) => event.commandId === commandId,
    )[0];
  const db = () => store.db(database);

  it('moves every contact of the merged tag to the target once, and the usage counts stay exact', async () => {
    const contactIds = Array.from({ length: CONTACTS }, (_, index) => `c_m_${index}`);
    const hadGold = new Set(contactIds.filter((_, index) => index % GOLD_EVERY === 0));
    const setup: { key: string; value: string; commandId: string }[] = [];
    const add = (contactId: string, command: { commandId: string }) =>
      setup.push({
        key: contactKey(tenant, contactId),
        value: JSON.stringify(command),
        commandId: command.commandId,
      });
    for (const contactId of contactIds) {
      add(
        contactId,
        aContactCommand({
          tenantId: tenant,
          contactId,
          payload: { identities: [aWhatsappIdentity()] },
        }) as never,
      );
      add(
        contactId,
        aContactCommand({
          tenantId: tenant,
          contactId,
          type: 'contact.tag',
          payload: { tags: hadGold.has(contactId) ? ['Gold', 'Loyal', 'vip'] : ['Loyal', 'vip'] },
        }) as never,
      );
    }
    await producer.send({
      topic: topics.contactCommands,
      messages: setup.map(({ key, value }) => ({ key, value })),
    });

    service = spawnService('contacts', aPort(), environment, `${prefix}contacts-1`);
    await expectEventually(() => expect(setup.filter(({ commandId }) => !outcomeOf(commandId))).toEqual([]), {
      timeoutMs: 60_000,
      intervalMs: 250,
      progress: () => setup.filter(({ commandId }) => outcomeOf(commandId)).length,
    });
    const catalogBefore = await catalogWithUsage(db(), tenant);
    const loyal = catalogBefore.find((tag) => tag.nameKey === 'loyal');
    const gold = catalogBefore.find((tag) => tag.nameKey === 'gold');
    expect([loyal?.usage, gold?.usage]).toEqual([CONTACTS, hadGold.size]);
    const contactsBefore = await db()
      .collection<StoredContact>('contacts')
      .find({ tenantId: tenant })
      .toArray();
    const versionBefore = new Map(contactsBefore.map((contact) => [contact.contactId, contact.version]));

    const merge = aTenantCommand(
      'tag.merge',
      'tags',
      { tagId: loyal!.tagId, into: gold!.tagId },
      { tenantId: tenant },
    ) as { commandId: string };
    await producer.send({
      topic: topics.contactCommands,
      messages: [{ key: `${tenant}:tags`, value: JSON.stringify(merge) }],
    });
    const jobs = db().collection<{
      jobId: string;
      processed: number;
      changed: number;
      status: string;
      runs: number;
    }>('jobs');
    const jobId = `j_${merge.commandId}`;
    const mergeProgress = async () => (await jobs.findOne({ jobId }))?.processed;
    await expectEventually(
      async () => {
        const job = await jobs.findOne({ jobId });
        expect(job?.processed).toBeGreaterThanOrEqual(CONTACTS / 4);
        expect(job?.status).toBe('running');
      },
      { timeoutMs: 60_000, intervalMs: 5, progress: mergeProgress },
    );
    await service.crash();
    const mergedAtCrash = (await jobs.findOne({ jobId }))!.processed;

    service = spawnService('contacts', aPort(), environment, `${prefix}contacts-2`);
    const job = await expectEventually(
      async () => {
        const finished = await jobs.findOne({ jobId });
        expect(finished?.status).toBe('completed');
        return finished!;
      },
      { timeoutMs: 60_000, intervalMs: 250, progress: mergeProgress },
    );

    const contactsAfter = await db()
      .collection<StoredContact>('contacts')
      .find({ tenantId: tenant })
      .toArray();
    const goldCount = (contact: StoredContact) =>
      contact.tagIds.filter((tagId) => tagId === gold!.tagId).length;
    const notMerged = contactsAfter.filter(
      (contact) =>
        goldCount(contact) !== 1 ||
        contact.tags.filter((name) => name === 'Gold').length !== 1 ||
        contact.tagIds.includes(loyal!.tagId) ||
        contact.tags.includes('Loyal'),
    );
    const appliedTwice = contactsAfter.filter(
      (contact) => contact.version !== versionBefore.get(contact.contactId)! + 1,
    );
    // Every contact's merge event is published (at least once), each from one step.
    const mergeEvents = await expectEventually(() => {
      const byContact = new Map<string, ChangeEvent[]>();
      for (const event of probe.json<ChangeEvent>(
        topics.contactEvents,
        (candidate) => candidate.type === 'ContactUpdated',
      )) {
        byContact.set(event.contactId, [...(byContact.get(event.contactId) ?? []), event]);
      }
      expect(byContact.size).toBe(CONTACTS);
      return byContact;
    });
    const stepsPerContact = [...mergeEvents.values()].map(
      (events) => new Set(events.map((event) => event.commandId)).size,
    );
    const merged = outcomeOf(merge.commandId);

    const usageFromContacts = new Map<string, number>();
    for (const contact of contactsAfter) {
      for (const tagId of contact.tagIds) {
        usageFromContacts.set(tagId, (usageFromContacts.get(tagId) ?? 0) + 1);
      }
    }
    const catalog = await catalogWithUsage(db(), tenant);
    const usageMismatches = catalog
      .map((tag) => ({ tag: tag.name, usage: tag.usage, carried: usageFromContacts.get(tag.tagId) ?? 0 }))
      .filter(({ usage, carried }) => usage !== carried);
    console.log(
      `tag merge crash: ${CONTACTS} contacts (${hadGold.size} had the target already), ${mergedAtCrash} done at the crash, ` +
        `not merged ${notMerged.length}, applied twice ${appliedTwice.length}, runs ${job.runs}, ` +
        `usage mismatches ${usageMismatches.length}`,
    );
    expect(merged).toMatchObject({
      type: 'TagMerged',
      payload: { tag: { tagId: loyal!.tagId, name: 'Loyal' }, into: { tagId: gold!.tagId }, job: { jobId } },
    });
    expect(job.runs).toBe(2); // resumed
    expect(job).toMatchObject({ processed: CONTACTS, changed: CONTACTS });
    expect(notMerged).toEqual([]);
    expect(appliedTwice).toEqual([]);
    expect(stepsPerContact.filter((steps) => steps !== 1)).toEqual([]);
    const [someEvent] = mergeEvents.get(contactIds[1])!;
    const [eventOfGoldContact] = mergeEvents.get(contactIds[0])!;
    expect(someEvent.payload.changes?.tags).toEqual({
      before: ['Loyal', 'vip'],
      after: ['Gold', 'vip'],
      added: ['Gold'],
      removed: ['Loyal'],
    });
    expect(eventOfGoldContact.payload.changes?.tags).toEqual({
      before: ['Gold', 'Loyal', 'vip'],
      after: ['Gold', 'vip'],
      added: [],
      removed: ['Loyal'],
    });
    expect(usageMismatches).toEqual([]);
    expect(catalog.find((tag) => tag.tagId === gold!.tagId)).toMatchObject({ name: 'Gold', usage: CONTACTS });
    expect(catalog.find((tag) => tag.tagId === loyal!.tagId)).toMatchObject({
      mergedInto: gold!.tagId,
      usage: 0,
      deletedAt: expect.any(Date),
    });
  });
});
