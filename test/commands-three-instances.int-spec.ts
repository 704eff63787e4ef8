import { randomUUID } from 'node:crypto';
import type { Consumer, Kafka, Producer } from 'kafkajs';
import { MongoClient } from 'mongodb';
import {
  commandKey,
  identityKey,
  topicNames,
  topicSpecs,
  type InboundMessage,
  type TopicNames,
} from '@switchboard/contracts';
import { createKafkaClient, ensureTopics } from '@switchboard/kafka';
import {
  aContactCommand,
  aTenantCommand,
  anInboundMessage,
  aWhatsappIdentity,
  deleteTopicsWithPrefix,
  expectEventually,
  mintToken,
} from '@switchboard/testing';
import { http } from './support/http';
import { countsAndRecount } from './support/message-counts';
import { random } from './support/seeded-random';
import { startGateway, type RunningService } from './support/system';
import { catalogWithUsage } from './support/tag-usage';
import { aPort, spawnService, type ServiceProcess } from './support/service-process';

const CONTACTS = 40;
const ROUNDS = 9; // block/unblock commands per contact, the last a block
/** Tag commands per contact after the rounds, each a change: Gold and Silver added, Gold removed. */
const TAG_CHANGES = [
  { type: 'contact.tag', tags: ['Gold'] },
  { type: 'contact.tag', tags: ['Silver'] },
  { type: 'contact.untag', tags: ['gold'] },
] as const;
const EXPIRING = 20;
const PARTITIONS = 6;
/** Customers never seen before who write in mid-run: each message's first one creates a contact. */
const NEW_SENDERS = 40;
const MESSAGES = 1_200;

/**
 * Three contacts instances take mixed traffic: commands produced straight to Kafka as another
 * service would (creates, blocks and unblocks, tags added and removed), notes added through the
 * gateway's HTTP API, a bulk tagging job and a catalog rename over the same contacts, temporary
 * blocks that end, and inbound messages from those contacts and from customers never seen
 * before, while one instance is killed with -9 and another added. Every contact has one writer
 * (its partition's consumer; job steps and block expiries are commands there too): in the end
 * every command has one outcome, each applied once (the contact's version counts them), the job
 * counted each contact once, every message is stored once and counted once per sender, every
 * new sender has a contact, and every tag's usage count equals a recount of the contacts.
 */
// Deadlines follow progress (a slow machine only takes longer; stalled work fails).
jest.setTimeout(1_800_000);

describe('commands on three contacts instances, one killed with -9 and one added', () => {
  const prefix = `c3crash-${randomUUID().slice(0, 8)}.`;
  const database = `c3crash_${randomUUID().slice(0, 8)}`;
  const tenant = 'three-instances';
  let kafka: Kafka;
  let topics: TopicNames;
  let producer: Producer;
  let observer: Consumer;
  let store: MongoClient;
  const instances: ServiceProcess[] = [];
  const eventsByCommand = new Map<string, Set<string>>();
  const unblockEvents = new Map<string, { eventId: string; actorId: string }[]>();
  const notesAdded = new Map<string, Set<string>>();
  let gateway: RunningService | undefined;
  const rejections: string[] = [];

  beforeAll(async () => {
    kafka = createKafkaClient('commands-three-instances-test', process.env.KAFKA_BROKERS!.split(','));
    topics = topicNames(prefix);
    await ensureTopics(kafka, topicSpecs(topics, PARTITIONS));
    producer = kafka.producer();
    await producer.connect();
    store = await MongoClient.connect(process.env.MONGODB_URI!);
    observer = kafka.consumer({ groupId: `c3crash-observer-${randomUUID()}`, maxWaitTimeInMs: 100 });
    await observer.connect();
    await observer.subscribe({ topics: [topics.contactEvents], fromBeginning: true });
    await observer.run({
      eachMessage: ({ message }) => {
        const event = JSON.parse(message.value!.toString()) as {
          commandId: string;
          eventId: string;
          type: string;
          contactId?: string;
          actor: { id: string };
          payload: { code?: string; reason?: string };
        };
        if (event.type === 'CommandRejected') {
          rejections.push(`${event.contactId}: ${event.payload.code} ${event.payload.reason}`);
        }
        const eventIds = eventsByCommand.get(event.commandId) ?? new Set<string>();
        eventIds.add(event.eventId);
        eventsByCommand.set(event.commandId, eventIds);
        if (event.type === 'NoteAdded' && event.contactId) {
          notesAdded.set(event.contactId, (notesAdded.get(event.contactId) ?? new Set()).add(event.eventId));
        }
        if (event.type === 'ContactUnblocked' && event.contactId) {
          const unblocks = unblockEvents.get(event.contactId) ?? [];
          unblocks.push({ eventId: event.eventId, actorId: event.actor.id });
          unblockEvents.set(event.contactId, unblocks);
        }
        return Promise.resolve();
      },
    });
  });

  afterAll(async () => {
    await gateway?.close();
    await Promise.all(instances.map((instance) => instance.stop()));
    await observer?.disconnect();
    await producer?.disconnect();
    await store?.db(database).dropDatabase();
    await store?.close();
    await deleteTopicsWithPrefix(kafka, prefix);
  });

  it('applies every command, job step and expiry once, whatever the crash', async () => {
    const contactIds = Array.from({ length: CONTACTS }, (_, index) => `c_three_${index}`);
    const expiringIds = Array.from({ length: EXPIRING }, (_, index) => `c_expiring_${index}`);
    type Sent = { commandId: string; key: string; value: string };
    const asSent = (command: object): Sent => ({
      commandId: (command as { commandId: string }).commandId,
      key: commandKey(command as never),
      value: JSON.stringify(command),
    });
    const addresses = new Map(
      contactIds.map((contactId, index) => [contactId, `+1555200${String(1_000 + index)}`]),
    );
    const creates = [...contactIds, ...expiringIds].map((contactId) =>
      asSent(
        aContactCommand({
          tenantId: tenant,
          contactId,
          payload: { identities: [aWhatsappIdentity(addresses.get(contactId))] },
        }),
      ),
    );
    // Tagged before the run, renamed by the catalog during it.
    const vipTags = contactIds.map((contactId) =>
      asSent(
        aContactCommand({ tenantId: tenant, contactId, type: 'contact.tag', payload: { tags: ['Vip'] } }),
      ),
    );
    const rounds: Sent[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      for (const contactId of contactIds) {
        const type = round % 2 === 0 ? 'contact.block' : 'contact.unblock';
        rounds.push(asSent(aContactCommand({ tenantId: tenant, contactId, type, payload: {} })));
      }
    }
    for (const { type, tags } of TAG_CHANGES) {
      for (const contactId of contactIds) {
        rounds.push(
          asSent(aContactCommand({ tenantId: tenant, contactId, type, payload: { tags: [...tags] } })),
        );
      }
    }
    const send = (sent: Sent[]) =>
      producer.send({
        topic: topics.contactCommands,
        messages: sent.map(({ key, value }) => ({ key, value })),
      });
    const answered = (sent: Sent[]) => sent.filter(({ commandId }) => eventsByCommand.has(commandId)).length;

    const environment = { TOPIC_PREFIX: prefix, MONGODB_DB: database, STORE_SHARING_PROCESSES: '4' };
    const start = (name: string) => {
      const instance = spawnService('contacts', aPort(), environment, `${prefix}${name}`);
      instances.push(instance);
      return instance;
    };
    const [victim] = ['contacts-1', 'contacts-2', 'contacts-3'].map(start);
    // The temporary blocks apply before the crash (a block whose end has passed is refused) and
    // end after it, while the partitions of the killed instance move to the others.
    // A minute ahead: on a loaded machine three instances may take a while to share the partitions.
    const until = new Date(Date.now() + 60_000).toISOString();
    const temporaryBlocks = expiringIds.map((contactId) =>
      asSent(aContactCommand({ tenantId: tenant, contactId, type: 'contact.block', payload: { until } })),
    );
    await send([...creates, ...vipTags, ...temporaryBlocks]);
    const before = [...creates, ...vipTags, ...temporaryBlocks];
    await expectEventually(() => expect(answered(before)).toBe(before.length), {
      timeoutMs: 120_000,
      intervalMs: 100,
      progress: () => answered(before),
    });

    // Then, all at once: the rounds and a bulk job over the same contacts.
    const jobId = `j_three_${randomUUID().slice(0, 8)}`;
    const bulk = asSent(
      aTenantCommand(
        'bulk.tag',
        `job:${jobId}`,
        { jobId, action: 'add', tags: ['Wave'], contactIds },
        { tenantId: tenant },
      ),
    );
    const db = store.db(database);
    const vip = await db.collection<{ tagId: string }>('tags').findOne({ tenantId: tenant, name: 'Vip' });
    const rename = asSent(
      aTenantCommand('tag.update', 'tags', { tagId: vip!.tagId, name: 'Platinum' }, { tenantId: tenant }),
    );
    // Inbound messages, as the filter routes them: from the contacts and from new customers,
    // one in twenty a redelivery of an earlier message (the same id, a later offset).
    const next = random(23);
    const newAddress = (index: number) => `+1555300${String(1_000 + index)}`;
    const messages: InboundMessage[] = [];
    for (let index = 0; index < MESSAGES; index++) {
      const sender = Math.floor(next() * (CONTACTS + NEW_SENDERS));
      const from = sender < CONTACTS ? addresses.get(contactIds[sender])! : newAddress(sender - CONTACTS);
      messages.push(
        index > 0 && next() < 0.05
          ? messages[Math.floor(next() * messages.length)]
          : anInboundMessage({ tenantId: tenant, from, messageId: `m_three_${index}` }),
      );
    }
    const all = [...before, ...rounds, bulk, rename];
    await send([...rounds, bulk, rename]);
    await producer.send({
      topic: topics.messagesAccepted,
      messages: messages.map((message) => ({
        key: identityKey(tenant, message.channel, message.from),
        value: JSON.stringify(message),
      })),
    });
    // Notes through the HTTP API meanwhile: answered 200, or 202 when the crash delays them.
    gateway = await startGateway(instances[1].url, { TOPIC_PREFIX: prefix });
    const agent = mintToken({ tenant, sub: 'agent-ada', role: 'agent' });
    const notes = Promise.all(
      contactIds.map((contactId) =>
        http('POST', `${gateway!.url}/v1/contacts/${contactId}/notes`, {
          token: agent,
          body: { body: `Called ${contactId} back` },
        }),
      ),
    );
    await expectEventually(() => expect(answered(all)).toBeGreaterThan(all.length / 3), {
      timeoutMs: 120_000,
      intervalMs: 20,
      progress: () => answered(all),
    });
    await victim.crash();
    instances.splice(instances.indexOf(victim), 1);
    const answeredAtCrash = answered(all);
    start('contacts-4');

    const noteAnswers = (await notes).map((response) => response.status);
    await expectEventually(
      async () => {
        expect(answered(all)).toBe(all.length);
        expect(contactIds.filter((contactId) => notesAdded.get(contactId)?.size !== 1)).toEqual([]);
        const job = await db.collection('jobs').findOne({ _id: `${tenant}:${jobId}` as never });
        expect(job?.status).toBe('completed');
        const notUnblocked = expiringIds.filter((contactId) => !unblockEvents.has(contactId));
        if (notUnblocked.length > 0) {
          const [first] = await db
            .collection('contacts')
            .find({ _id: `${tenant}:${notUnblocked[0]}` as never }, { projection: { block: 1, version: 1 } })
            .toArray();
          throw new Error(
            `${notUnblocked.length} temporary blocks not ended, first: ${JSON.stringify(first)}`,
          );
        }
      },
      { timeoutMs: 180_000, intervalMs: 500, progress: () => answered(all) },
    );

    const stored = await db
      .collection<{
        _id: string;
        contactId: string;
        version: number;
        block: { blocked: boolean };
        tags: string[];
      }>('contacts')
      .find({ tenantId: tenant })
      .toArray();
    const byId = new Map(stored.map((contact) => [contact.contactId, contact]));
    // Created (1), tagged Vip (1), each block or unblock (ROUNDS), each tag change, tagged by the
    // job (1), renamed by the catalog (1), a note (1): every change once.
    const wrongContacts = contactIds.filter((contactId) => {
      const contact = byId.get(contactId);
      return (
        !contact ||
        contact.version !== ROUNDS + TAG_CHANGES.length + 5 ||
        !contact.block.blocked ||
        [...contact.tags].sort().join() !== 'Platinum,Silver,Wave'
      );
    });
    const tags = await catalogWithUsage(db, tenant);
    const usage = Object.fromEntries(tags.map((tag) => [tag.name, tag.usage]));
    // Created, blocked until a moment, unblocked by the system once.
    const wrongExpiries = expiringIds.filter((contactId) => {
      const contact = byId.get(contactId);
      const unblocks = new Set((unblockEvents.get(contactId) ?? []).map(({ eventId }) => eventId));
      const bySystem = (unblockEvents.get(contactId) ?? []).every(({ actorId }) => actorId === 'system');
      return !contact || contact.version !== 3 || contact.block.blocked || unblocks.size !== 1 || !bySystem;
    });
    const withTwoOutcomes = all.filter(({ commandId }) => (eventsByCommand.get(commandId)?.size ?? 0) > 1);
    const job = await db.collection('jobs').findOne({ _id: `${tenant}:${jobId}` as never });
    console.log(
      `three instances: commands ${all.length}, answered at crash ${answeredAtCrash}, answered ${answered(all)}, ` +
        `contacts wrong ${wrongContacts.length}, expiries wrong ${wrongExpiries.length}, ` +
        `job ${job?.processed}/${job?.changed}/${job?.skipped}`,
    );
    expect(rejections).toEqual([]);
    expect(withTwoOutcomes.map(({ commandId }) => commandId)).toEqual([]);
    expect(wrongContacts).toEqual([]);
    expect(wrongExpiries).toEqual([]);
    expect(job).toMatchObject({ processed: CONTACTS, changed: CONTACTS, skipped: 0 });
    expect(noteAnswers.filter((status) => status !== 200 && status !== 202)).toEqual([]);

    // Every message stored once, every sender's count equal to a recount, every new sender a contact.
    const distinct = new Map(messages.map((message) => [message.messageId, message]));
    const newSenders = new Set(
      [...distinct.values()].map(({ from }) => from).filter((from) => from.startsWith('+1555300')),
    );
    await expectEventually(
      async () => {
        const { stored: storedMessages, counted, recount } = await countsAndRecount(db, tenant);
        expect(storedMessages).toBe(distinct.size);
        expect(counted).toEqual(recount);
      },
      { timeoutMs: 120_000, intervalMs: 1_000 },
    );
    await expectEventually(
      async () => {
        const contacts = await db.collection('contacts').countDocuments({ tenantId: tenant });
        expect(contacts).toBe(CONTACTS + EXPIRING + newSenders.size);
      },
      { timeoutMs: 120_000, intervalMs: 1_000 },
    );
    // Everything applied was published and its outbox emptied (just after its event went out):
    // nothing is left to be published again later.
    await expectEventually(async () => {
      const withOutbox = (
        await db
          .collection<{ contactId: string; pendingPublications: unknown[] }>('contacts')
          .find({ tenantId: tenant }, { projection: { contactId: 1, pendingPublications: 1 } })
          .toArray()
      ).filter((contact) => contact.pendingPublications.length > 0);
      expect(withOutbox.map((contact) => contact.contactId)).toEqual([]);
    });
    const recount = Object.fromEntries(
      tags.map((tag) => [tag.name, stored.filter((contact) => contact.tags.includes(tag.name)).length]),
    );
    expect(usage).toEqual(recount);
    expect(recount).toEqual({ Wave: CONTACTS, Gold: 0, Silver: CONTACTS, Platinum: CONTACTS });
  });
});
