import { randomUUID } from 'node:crypto';
import type { Consumer, Kafka, Producer } from 'kafkajs';
import { MongoClient } from 'mongodb';
import { contactKey, topicNames, topicSpecs, type TopicNames } from '@switchboard/contracts';
import { createKafkaClient, ensureTopics } from '@switchboard/kafka';
import {
  aContactCommand,
  aWhatsappIdentity,
  expectEventually,
  deleteTopicsWithPrefix,
} from '@switchboard/testing';
import { aPort, spawnService, type ServiceProcess } from './support/service-process';

const CONTACTS = 40;
const ROUNDS = 15; // block/unblock commands per contact

/**
 * kill -9 of the contacts service in the middle of a stream of block/unblock commands, then a
 * restart: every command ends in one outcome (published at least once, always the same event),
 * each applies once to state, and the blocklist ends in line with every contact.
 */
// Deadlines follow progress (a slow machine only takes longer; stalled work fails), so the
// test's own limit is a generous ceiling.
jest.setTimeout(1_800_000);

describe('contacts service crash (kill -9) in the middle of command processing', () => {
  const prefix = `ccrash-${randomUUID().slice(0, 8)}.`;
  const database = `ccrash_${randomUUID().slice(0, 8)}`;
  const tenant = 'crash-tenant';
  let kafka: Kafka;
  let topics: TopicNames;
  let producer: Producer;
  let observer: Consumer;
  let store: MongoClient;
  let service: ServiceProcess | undefined;
  const eventsByCommand = new Map<string, Set<string>>();
  const lastBlocklistValue = new Map<string, string | null>();

  beforeAll(async () => {
    kafka = createKafkaClient('contacts-crash-test', process.env.KAFKA_BROKERS!.split(','));
    topics = topicNames(prefix);
    await ensureTopics(kafka, topicSpecs(topics, 3));
    producer = kafka.producer();
    await producer.connect();
    store = await MongoClient.connect(process.env.MONGODB_URI!);
    observer = kafka.consumer({ groupId: `ccrash-observer-${randomUUID()}`, maxWaitTimeInMs: 100 });
    await observer.connect();
    await observer.subscribe({
      topics: [topics.contactEvents, topics.contactBlocklist],
      fromBeginning: true,
    });
    await observer.run({
      eachMessage: ({ topic, message }) => {
        if (topic === topics.contactBlocklist) {
          lastBlocklistValue.set(message.key!.toString(), message.value?.toString() ?? null);
        } else {
          const event = JSON.parse(message.value!.toString()) as { commandId: string; eventId: string };
          const eventIds = eventsByCommand.get(event.commandId) ?? new Set<string>();
          eventIds.add(event.eventId);
          eventsByCommand.set(event.commandId, eventIds);
        }
        return Promise.resolve();
      },
    });
  });

  afterAll(async () => {
    await service?.stop();
    await observer?.disconnect();
    await producer?.disconnect();
    await store?.db(database).dropDatabase();
    await store?.close();
    await deleteTopicsWithPrefix(kafka, prefix);
  });

  it('loses no outcome and applies every command once', async () => {
    const contacts = Array.from({ length: CONTACTS }, (_, index) => ({
      contactId: `c_crash_${index}`,
      identity: aWhatsappIdentity(),
    }));
    const commands: { commandId: string; contactId: string; type: string; value: string }[] = [];
    for (const { contactId, identity } of contacts) {
      const create = aContactCommand({
        tenantId: tenant,
        contactId,
        payload: { identities: [identity] },
      }) as {
        commandId: string;
      };
      commands.push({
        commandId: create.commandId,
        contactId,
        type: 'contact.create',
        value: JSON.stringify(create),
      });
    }
    for (let round = 0; round < ROUNDS; round++) {
      for (const { contactId } of contacts) {
        const type = round % 2 === 0 ? 'contact.block' : 'contact.unblock';
        const command = aContactCommand({ tenantId: tenant, contactId, type, payload: {} }) as {
          commandId: string;
        };
        commands.push({ commandId: command.commandId, contactId, type, value: JSON.stringify(command) });
      }
    }
    await producer.send({
      topic: topics.contactCommands,
      messages: commands.map((command) => ({
        key: contactKey(tenant, command.contactId),
        value: command.value,
      })),
    });

    const environment = { TOPIC_PREFIX: prefix, MONGODB_DB: database };
    service = spawnService('contacts', aPort(), environment, `${prefix}contacts-1`);
    await expectEventually(() => expect(eventsByCommand.size).toBeGreaterThan(commands.length / 4), {
      timeoutMs: 60_000,
      intervalMs: 20,
      progress: () => eventsByCommand.size,
    });
    await service.crash();
    const outcomesAtCrash = eventsByCommand.size;

    service = spawnService('contacts', aPort(), environment, `${prefix}contacts-2`);
    await expectEventually(() => expect(eventsByCommand.size).toBe(commands.length), {
      timeoutMs: 60_000,
      intervalMs: 200,
      progress: () => eventsByCommand.size,
    });

    const withTwoDifferentEvents = [...eventsByCommand].filter(([, eventIds]) => eventIds.size !== 1);
    const stored = await store
      .db(database)
      .collection<{ _id: string; contactId: string; version: number; block: { blocked: boolean } }>(
        'contacts',
      )
      .find({ tenantId: tenant })
      .toArray();
    // Created once (version 1), then one version per block or unblock: every command once.
    const wrongVersions = stored.filter((contact) => contact.version !== 1 + ROUNDS);
    const lastIsBlock = (ROUNDS - 1) % 2 === 0;
    const wrongState = stored.filter((contact) => contact.block.blocked !== lastIsBlock);
    const wrongBlocklist = contacts.filter(({ identity }) => {
      const value = lastBlocklistValue.get(`${tenant}|${identity.channel}|${identity.address}`);
      return lastIsBlock ? !value : value !== null;
    });
    console.log(
      `contacts crash: commands ${commands.length}, outcomes at crash ${outcomesAtCrash}, outcomes ${eventsByCommand.size}, ` +
        `lost ${commands.length - eventsByCommand.size}, applied twice ${wrongVersions.length}, blocklist out of line ${wrongBlocklist.length}`,
    );
    expect(withTwoDifferentEvents).toEqual([]);
    expect(stored).toHaveLength(CONTACTS);
    expect(wrongVersions).toEqual([]);
    expect(wrongState).toEqual([]);
    expect(wrongBlocklist).toEqual([]);
  });
});
