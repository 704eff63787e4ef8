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

const CONTACTS = 400;
const BLOCKED_EVERY = 10; // every 10th contact is blocked

interface StoredContact {
  contactId: string;
  tags: string[];
  tagIds: string[];
  version: number;
}

/**
 * kill -9 of the contacts service while a catalog rename and a campaign dispatch are both
 * under way, then a restart: the rename reaches every tagged contact exactly once, and the
 * campaign's counts equal its audience, blocked contacts excluded.
 */
// Deadlines follow progress (a slow machine only takes longer; stalled work fails), so the
// test's own limit is a generous ceiling.
jest.setTimeout(1_800_000);

describe('catalog rename and campaign dispatch across a contacts service crash', () => {
  const prefix = `jcrash-${randomUUID().slice(0, 8)}.`;
  const database = `jcrash_${randomUUID().slice(0, 8)}`;
  const tenant = 'jobs-crash';
  let kafka: Kafka;
  let topics: TopicNames;
  let producer: Producer;
  let probe: TopicProbe;
  let store: MongoClient;
  let service: ServiceProcess | undefined;
  const environment = {
    TOPIC_PREFIX: prefix,
    MONGODB_DB: database,
    // Slow the jobs down so the crash lands in the middle of them, and resume soon after it.
    JOB_STEPS_CONCURRENTLY: '1',
    CAMPAIGN_DISPATCH_CHUNK: '10',
    JOB_LEASE_MS: '2000',
  };

  beforeAll(async () => {
    kafka = createKafkaClient('jobs-crash-test', process.env.KAFKA_BROKERS!.split(','));
    topics = topicNames(prefix);
    await ensureTopics(kafka, topicSpecs(topics, 3));
    producer = kafka.producer();
    await producer.connect();
    store = await MongoClient.connect(process.env.MONGODB_URI!);
    probe = await new TopicProbe(kafka, [topics.contactEvents, topics.campaignDispatch]).start();
  });

  afterAll(async () => {
    await service?.stop();
    await probe?.stop();
    await producer?.disconnect();
    await store?.db(database).dropDatabase();
    await store?.close();
    await deleteTopicsWithPrefix(kafka, prefix);
  });

  const send = (key: string, command: object) =>
    producer.send({ topic: topics.contactCommands, messages: [{ key, value: JSON.stringify(command) }] });
  const outcomeOf = (commandId: string) =>
    probe.json<{ commandId: string; type: string; payload: any }>(
      topics.contactEvents,
      (event) => event.commandId === commandId,
    )[0];
  const db = () => store.db(database);

  it('applies the rename to each contact once and counts every recipient once', async () => {
    const contactIds = Array.from({ length: CONTACTS }, (_, index) => `c_j_${index}`);
    const setup: { key: string; value: string; commandId: string }[] = [];
    const add = (contactId: string, command: { commandId: string }) =>
      setup.push({
        key: contactKey(tenant, contactId),
        value: JSON.stringify(command),
        commandId: command.commandId,
      });
    contactIds.forEach((contactId, index) => {
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
          payload: { tags: ['Loyal'] },
        }) as never,
      );
      if (index % BLOCKED_EVERY === 0) {
        add(
          contactId,
          aContactCommand({ tenantId: tenant, contactId, type: 'contact.block', payload: {} }) as never,
        );
      }
    });
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
    const contactsBefore = await db()
      .collection<StoredContact>('contacts')
      .find({ tenantId: tenant })
      .toArray();
    const versionBefore = new Map(contactsBefore.map((contact) => [contact.contactId, contact.version]));
    const loyal = (await catalogWithUsage(db(), tenant)).find((tag) => tag.nameKey === 'loyal');
    expect(loyal?.usage).toBe(CONTACTS);

    const rename = aTenantCommand(
      'tag.update',
      'tags',
      { tagId: loyal!.tagId, name: 'Gold Loyal' },
      { tenantId: tenant },
    ) as {
      commandId: string;
    };
    const campaign = aTenantCommand(
      'campaign.create',
      'campaign:c_crash',
      // Either name: the campaign may resolve its segment before or after the rename.
      {
        campaignId: 'c_crash',
        name: 'Crash sale',
        message: { text: 'Hello' },
        segment: { any: ['loyal', 'gold loyal'] },
      },
      { tenantId: tenant },
    ) as { commandId: string };
    await send(`${tenant}:tags`, rename);
    await send(`${tenant}:campaign:c_crash`, campaign);
    const jobs = db().collection<{
      jobId: string;
      processed: number;
      changed: number;
      status: string;
      runs: number;
    }>('jobs');
    const jobProgress = async () =>
      (await jobs.find({ jobId: { $in: [`j_${rename.commandId}`, 'j_c_crash'] } }).toArray()).map(
        (job) => job.processed,
      );
    // Crash while both are under way.
    await expectEventually(
      async () => {
        const [renameJob, campaignJob] = await Promise.all([
          jobs.findOne({ jobId: `j_${rename.commandId}` }),
          jobs.findOne({ jobId: 'j_c_crash' }),
        ]);
        expect(renameJob?.processed).toBeGreaterThan(0);
        expect(campaignJob?.processed).toBeGreaterThan(100);
        expect(campaignJob?.status).toBe('running');
      },
      { timeoutMs: 60_000, intervalMs: 5, progress: jobProgress },
    );
    await service.crash();
    const renamedAtCrash = (await jobs.findOne({ jobId: `j_${rename.commandId}` }))!.processed;

    service = spawnService('contacts', aPort(), environment, `${prefix}contacts-2`);
    const [renameJob, campaignJob] = await expectEventually(
      async () => {
        const finished = await Promise.all([
          jobs.findOne({ jobId: `j_${rename.commandId}` }),
          jobs.findOne({ jobId: 'j_c_crash' }),
        ]);
        expect(finished.map((job) => job?.status)).toEqual(['completed', 'completed']);
        return finished;
      },
      { timeoutMs: 60_000, intervalMs: 250, progress: jobProgress },
    );

    const contactsAfter = await db()
      .collection<StoredContact>('contacts')
      .find({ tenantId: tenant })
      .toArray();
    const notRenamed = contactsAfter.filter((contact) => contact.tags.join() !== 'Gold Loyal');
    const appliedTwice = contactsAfter.filter(
      (contact) => contact.version !== versionBefore.get(contact.contactId)! + 1,
    );
    // Every renamed contact's event is published (at least once), each from one step.
    const renameStepsPerContact = await expectEventually(() => {
      const steps = new Map<string, Set<string>>();
      for (const event of probe.json<{ contactId: string; type: string; commandId: string }>(
        topics.contactEvents,
        (candidate) => candidate.type === 'ContactUpdated',
      )) {
        steps.set(event.contactId, (steps.get(event.contactId) ?? new Set()).add(event.commandId));
      }
      expect(steps.size).toBe(CONTACTS);
      return steps;
    });

    const blocked = new Set(contactIds.filter((_, index) => index % BLOCKED_EVERY === 0));
    const stored = await db()
      .collection<{ counts: Record<string, number>; status: string }>('campaigns')
      .findOne({ campaignId: 'c_crash' });
    const dispatched = new Set(
      probe
        .json<{ contactId: string; campaignId: string }>(
          topics.campaignDispatch,
          (record) => record.campaignId === 'c_crash',
        )
        .map((record) => record.contactId),
    );
    console.log(
      `catalog jobs crash: rename ${CONTACTS} contacts, ${renamedAtCrash} done at the crash, not renamed ${notRenamed.length}, ` +
        `applied twice ${appliedTwice.length}, rename runs ${renameJob!.runs}; campaign counts ${JSON.stringify(stored?.counts)}, ` +
        `dispatch records for ${dispatched.size} contacts, campaign runs ${campaignJob!.runs}`,
    );
    expect([renameJob!.runs, campaignJob!.runs]).toEqual([2, 2]); // both resumed
    expect(renameJob).toMatchObject({ processed: CONTACTS, changed: CONTACTS });
    expect(notRenamed).toEqual([]);
    expect(appliedTwice).toEqual([]);
    expect([...renameStepsPerContact.values()].filter((steps) => steps.size !== 1)).toEqual([]);
    expect(stored).toMatchObject({
      status: 'dispatched',
      counts: { resolved: CONTACTS, published: CONTACTS - blocked.size, excluded: blocked.size },
    });
    expect([...dispatched].filter((contactId) => blocked.has(contactId))).toEqual([]);
    expect(dispatched.size).toBe(CONTACTS - blocked.size);
    const usage = (await catalogWithUsage(db(), tenant)).find((tag) => tag.tagId === loyal!.tagId);
    expect(usage).toMatchObject({ name: 'Gold Loyal', usage: CONTACTS });
  });
});
