import { randomUUID } from 'node:crypto';
import type { Kafka, Producer } from 'kafkajs';
import { MongoClient } from 'mongodb';
import { migrateBlockExpiries } from '../scripts/migrate-block-expiries';
import {
  contactKey,
  identityKey,
  topicNames,
  topicSpecs,
  type ContactEvent,
  type ContactView,
  type Identity,
  type InboundMessage,
  type TopicNames,
} from '@switchboard/contracts';
import { createKafkaClient, ensureTopics } from '@switchboard/kafka';
import {
  aContactCommand,
  aWhatsappIdentity,
  anInboundMessage,
  expectEventually,
  TopicProbe,
  deleteTopicsWithPrefix,
} from '@switchboard/testing';
import { expiryStep } from '../apps/contacts/src/contacts/block-expiry-commands';
import { aPort, spawnService, type ServiceProcess } from './support/service-process';
import { startMessageFilter, untilReady, type RunningService } from './support/system';

/**
 * The automatic unblock of a temporary block: the contacts service (its own OS process, so it
 * can be killed) records exactly one unblock by `system`, whenever it runs, and a message
 * filter that starts after the end lets the customer through.
 */
describe('the end of a temporary block', () => {
  const prefix = `bexp-${randomUUID().slice(0, 8)}.`;
  const database = `bexp_${randomUUID().slice(0, 8)}`;
  const tenant = 'expiry-tenant';
  const environment = { TOPIC_PREFIX: prefix, MONGODB_DB: database, BLOCK_EXPIRY_SWEEP_MS: '300' };
  let kafka: Kafka;
  let topics: TopicNames;
  let producer: Producer;
  let probe: TopicProbe;
  let store: MongoClient;
  let contacts: ServiceProcess | undefined;
  let filter: RunningService | undefined;

  beforeAll(async () => {
    kafka = createKafkaClient('block-expiry-test', process.env.KAFKA_BROKERS!.split(','));
    topics = topicNames(prefix);
    await ensureTopics(kafka, topicSpecs(topics, 3));
    producer = kafka.producer();
    await producer.connect();
    store = await MongoClient.connect(process.env.MONGODB_URI!);
    probe = await new TopicProbe(kafka, [
      topics.contactEvents,
      topics.contactBlocklist,
      topics.messagesAccepted,
      topics.messagesBlocked,
    ]).start();
    contacts = await startContactsProcess();
  });

  afterAll(async () => {
    await filter?.close();
    await contacts?.stop();
    await probe?.stop();
    await producer?.disconnect();
    await store?.db(database).dropDatabase();
    await store?.close();
    await deleteTopicsWithPrefix(kafka, prefix);
  });

  async function startContactsProcess(): Promise<ServiceProcess> {
    const service = spawnService('contacts', aPort(), environment, `contacts-block-expiry-${process.pid}`);
    await service.untilReady();
    return service;
  }

  async function command(contactId: string, type: string, payload: object): Promise<string> {
    const value = aContactCommand({ tenantId: tenant, contactId, type: type as never, payload }) as {
      commandId: string;
    };
    await producer.send({
      topic: topics.contactCommands,
      messages: [{ key: `${tenant}:${contactId}`, value: JSON.stringify(value) }],
    });
    return value.commandId;
  }

  const events = (contactId: string, type: ContactEvent['type']) =>
    probe.json<ContactEvent>(
      topics.contactEvents,
      (event) =>
        event.contactId === contactId &&
        event.type === type &&
        'changed' in event.payload &&
        event.payload.changed,
    );
  /** Distinct events: a record published again after a crash is the same event (same id). */
  const distinct = (found: ContactEvent[]) => new Set(found.map((event) => event.eventId)).size;

  /** A contact blocked until `until`, once the contacts service has applied the block. */
  async function aTemporarilyBlockedContact(until: Date): Promise<{ contactId: string; identity: Identity }> {
    const contactId = `c_exp_${randomUUID().slice(0, 8)}`;
    const identity = aWhatsappIdentity();
    await command(contactId, 'contact.create', { identities: [identity] });
    await command(contactId, 'contact.block', { reason: 'cooling off', until: until.toISOString() });
    await expectEventually(() => expect(events(contactId, 'ContactBlocked')).toHaveLength(1), {
      timeoutMs: 30_000,
    });
    return { contactId, identity };
  }

  const pastIt = (until: Date) =>
    expectEventually(() => expect(Date.now()).toBeGreaterThan(until.getTime()), {
      timeoutMs: 30_000,
      intervalMs: 100,
    });

  /** Waits for a temporary block of a fresh contact to end: proof that the sweeper has run since. */
  async function aSweepHasRun(): Promise<void> {
    const sentinel = await aTemporarilyBlockedContact(new Date(Date.now() + 1_500));
    await expectEventually(() => expect(events(sentinel.contactId, 'ContactUnblocked')).toHaveLength(1), {
      timeoutMs: 30_000,
    });
  }

  /** The automatic unblock step of the contact's first block, from its ContactBlocked event. */
  function expiryStepOf(contactId: string) {
    const [blocked] = events(contactId, 'ContactBlocked');
    const { blockedAt, until } = (blocked.payload as { contact: ContactView }).contact.block;
    return expiryStep({
      tenantId: tenant,
      contactId,
      blockedAt: new Date(blockedAt!),
      until: new Date(until!),
    });
  }

  const storedBlock = async (contactId: string) =>
    (await store
      .db(database)
      .collection<{ _id: string; block: { blocked: boolean } }>('contacts')
      .findOne({ _id: contactKey(tenant, contactId) }))!.block;

  it('is recorded once, by system with reason expired, and a filter started afterwards lets the customer through', async () => {
    const until = new Date(Date.now() + 3_000);
    const { contactId, identity } = await aTemporarilyBlockedContact(until);

    await expectEventually(() => expect(events(contactId, 'ContactUnblocked')).toHaveLength(1), {
      timeoutMs: 30_000,
    });
    const [unblocked] = events(contactId, 'ContactUnblocked');
    expect(unblocked.actor).toMatchObject({ id: 'system', kind: 'system' });
    expect(Date.parse(unblocked.occurredAt)).toBeGreaterThanOrEqual(until.getTime());
    expect(unblocked.payload).toMatchObject({
      contact: { block: { blocked: false } },
      reason: 'expired',
      changes: { block: { before: { blocked: true }, after: { blocked: false } } },
    });
    // Caused by the expiry's own step (deterministic id), an unblock with reason `expired`.
    expect(unblocked.commandId).toBe(expiryStepOf(contactId).stepId);
    expect(expiryStepOf(contactId).command).toEqual({
      type: 'contact.unblock',
      payload: { reason: 'expired' },
    });
    const key = identityKey(tenant, identity.channel, identity.address);
    await expectEventually(() =>
      expect(
        probe
          .of(topics.contactBlocklist)
          .filter((record) => record.key?.toString() === key)
          .at(-1)?.value,
      ).toBeNull(),
    );

    // The filter was down all along: it starts now, after the end, and reads the blocklist first.
    const message = anInboundMessage({ tenantId: tenant, channel: identity.channel, from: identity.address });
    await producer.send({
      topic: topics.messagesInbound,
      messages: [{ key, value: JSON.stringify(message) }],
    });
    filter = await startMessageFilter({ TOPIC_PREFIX: prefix });
    await untilReady(filter);
    await expectEventually(
      () =>
        expect(
          probe.json<InboundMessage>(
            topics.messagesAccepted,
            (accepted) => accepted.messageId === message.messageId,
          ),
        ).toHaveLength(1),
      { timeoutMs: 30_000 },
    );
    expect(probe.json(topics.messagesBlocked)).toHaveLength(0);

    await aSweepHasRun();
    expect(distinct(events(contactId, 'ContactUnblocked'))).toBe(1);
  });

  it('is recorded exactly once across a crash of the contacts service before the end and a restart after it', async () => {
    const until = new Date(Date.now() + 3_000);
    const blocked = [await aTemporarilyBlockedContact(until), await aTemporarilyBlockedContact(until)];

    await contacts!.crash();
    await pastIt(until);
    contacts = await startContactsProcess();
    for (const { contactId } of blocked) {
      await expectEventually(() => expect(events(contactId, 'ContactUnblocked')).toHaveLength(1), {
        timeoutMs: 30_000,
      });
    }

    // Once more, around sweeps that have already unblocked them.
    await contacts.stop();
    contacts = await startContactsProcess();
    await aSweepHasRun();
    for (const { contactId } of blocked) {
      expect(distinct(events(contactId, 'ContactUnblocked'))).toBe(1);
      expect(events(contactId, 'ContactUnblocked')[0].actor).toMatchObject({ id: 'system', kind: 'system' });
      expect(events(contactId, 'ContactUnblocked')[0].commandId).toBe(expiryStepOf(contactId).stepId);
      expect(await storedBlock(contactId)).toEqual({ blocked: false });
    }
  });

  it('leaves alone a contact blocked again for good, or unblocked by hand, before the end', async () => {
    const until = new Date(Date.now() + 2_000);
    const reblocked = await aTemporarilyBlockedContact(until);
    const unblockedByHand = await aTemporarilyBlockedContact(until);
    await command(reblocked.contactId, 'contact.block', { reason: 'for good' });
    await command(unblockedByHand.contactId, 'contact.unblock', { reason: 'forgiven' });
    await expectEventually(() => {
      expect(events(reblocked.contactId, 'ContactBlocked')).toHaveLength(2);
      expect(events(unblockedByHand.contactId, 'ContactUnblocked')).toHaveLength(1);
    });
    // A block again after an unblock is a new block, with an end of its own.
    const again = new Date(Date.now() + 2_000);
    await command(unblockedByHand.contactId, 'contact.block', { until: again.toISOString() });

    await pastIt(again);
    await aSweepHasRun();
    expect(events(reblocked.contactId, 'ContactUnblocked')).toHaveLength(0);
    expect(await storedBlock(reblocked.contactId)).toMatchObject({ blocked: true, reason: 'for good' });
    await expectEventually(() =>
      expect(events(unblockedByHand.contactId, 'ContactUnblocked')).toHaveLength(2),
    );
    expect(events(unblockedByHand.contactId, 'ContactUnblocked')[1].actor).toMatchObject({ id: 'system' });
  });
  it('ends a temporary block stored by an earlier version, once the store is migrated', async () => {
    const contactId = `c_exp_${randomUUID().slice(0, 8)}`;
    const until = new Date(Date.now() + 500);
    // As an earlier version stored it: a block with an end, without `blockExpires`.
    await store
      .db(database)
      .collection<Record<string, unknown> & { _id: string }>('contacts')
      .insertOne({
        _id: contactKey(tenant, contactId),
        tenantId: tenant,
        contactId,
        identities: [aWhatsappIdentity()],
        attributes: {},
        tags: [],
        tagIds: [],
        block: { blocked: true, blockedAt: new Date(), blockedBy: 'agent-1', until },
        version: 2,
        appliedCommandIds: [],
        pendingPublications: [],
        createdAt: new Date(),
        updatedAt: new Date(),
      });
    await pastIt(until);

    expect(await migrateBlockExpiries(store.db(database))).toBe(1);
    expect(await migrateBlockExpiries(store.db(database))).toBe(0);
    await expectEventually(() => expect(events(contactId, 'ContactUnblocked')).toHaveLength(1), {
      timeoutMs: 30_000,
    });
    const stored = await store
      .db(database)
      .collection<{ _id: string; blockExpires?: boolean; block: { blocked: boolean } }>('contacts')
      .findOne({ _id: contactKey(tenant, contactId) });
    expect(stored).toMatchObject({ block: { blocked: false } });
    expect(stored?.blockExpires).toBeUndefined();
  });
});
