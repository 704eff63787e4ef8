import type { Producer } from 'kafkajs';
import { MongoClient } from 'mongodb';
import { deadLetterTopic, identityKey, type TopicNames } from '@switchboard/contracts';
import {
  aBlocklistEntry,
  aContactCommand,
  anInboundMessage,
  aTenantId,
  expectEventually,
  mintToken,
  TopicProbe,
} from '@switchboard/testing';
import { http } from './support/http';
import { startSystem, type System } from './support/system';

type Poison = [what: string, value: string, reason: RegExp];

/** Bad records every consumed topic may meet, each with what its `dlq-reason` must say. */
const notJson: Poison = ['not JSON', '{"half": ', /not JSON/];
const anArray: Poison = ['a JSON array', '[1, 2, 3]', /must be a JSON object/];

/**
 * Hostile records on every topic a service consumes: each goes to that topic's DLQ with the
 * reason in its headers, and the consumer goes on with the next record.
 */
describe('hostile records on every consumed topic', () => {
  const tenant = aTenantId();
  let system: System;
  let topics: TopicNames;
  let producer: Producer;
  let probe: TopicProbe;
  let store: MongoClient;
  const viewer = mintToken({ tenant, role: 'viewer' });

  beforeAll(async () => {
    store = await MongoClient.connect(process.env.MONGODB_URI!);
    system = await startSystem({ withFilter: true });
    topics = system.topics;
    producer = system.kafka.producer();
    await producer.connect();
    probe = await new TopicProbe(system.kafka, [
      ...[
        topics.contactCommands,
        topics.contactEvents,
        topics.contactBlocklist,
        topics.messagesInbound,
        topics.messagesAccepted,
        topics.messagesBlocked,
      ].map(deadLetterTopic),
      topics.contactEvents,
      topics.messagesAccepted,
      topics.messagesBlocked,
    ]).start();
  });

  afterAll(async () => {
    await probe?.stop();
    await store?.close();
    await producer?.disconnect();
    await system?.stop();
  });

  /** Sends the poison, then a valid record; checks the DLQ copies and that the valid one was handled. */
  async function expectDeadLettered(
    topic: string,
    poison: Poison[],
    key: string,
    valid: string,
    handled: () => void,
  ) {
    await producer.send({
      topic,
      messages: [...poison.map(([, value]) => ({ key, value })), { key, value: valid }],
    });
    await expectEventually(
      () => {
        const dead = probe.of(deadLetterTopic(topic)).filter((record) => record.key?.toString() === key);
        for (const [what, value, reason] of poison) {
          const copy = dead.find((record) => record.value?.toString() === value);
          expect({ what, reason: copy && String(copy.headers['dlq-reason']) }).toEqual({
            what,
            reason: expect.stringMatching(reason),
          });
          expect(copy!.headers['dlq-source-topic']?.toString()).toBe(topic);
          expect(copy!.headers['dlq-source-offset']?.toString()).toMatch(/^\d+$/);
        }
        handled();
      },
      { timeoutMs: 30_000 },
    );
  }

  it('contacts.commands: the contacts service', async () => {
    const valid = aContactCommand({ tenantId: tenant }) as { commandId: string; contactId: string };
    const key = `${tenant}:${valid.contactId}`;
    await expectDeadLettered(
      topics.contactCommands,
      [
        notJson,
        anArray,
        [
          'a wrongly typed field',
          JSON.stringify({ ...aContactCommand({ tenantId: tenant }), issuedAt: 42 }),
          /issuedAt/,
        ],
        [
          'an unknown type',
          JSON.stringify(aContactCommand({ tenantId: tenant, type: 'contact.teleport' as never })),
          /type must be one of/,
        ],
        [
          'another schema version',
          JSON.stringify(aContactCommand({ tenantId: tenant, version: 2 })),
          /version must be 1/,
        ],
        [
          'an unknown field',
          JSON.stringify({ ...aContactCommand({ tenantId: tenant }), admin: true }),
          /admin should not exist/,
        ],
      ],
      key,
      JSON.stringify(valid),
      () =>
        expect(probe.json(topics.contactEvents, (event) => event.commandId === valid.commandId)).toHaveLength(
          1,
        ),
    );
  });

  it('contacts.events: the activity projector', async () => {
    const key = `${tenant}:c_events`;
    const event = {
      eventId: '3e9f6c0b-5d4a-4f8e-8b1c-2d3e4f5a6b7c',
      commandId: '4f0a7d1c-6e5b-4a9f-9c2d-3e4f5a6b7c8d',
      tenantId: tenant,
      contactId: 'c_events',
      actor: { id: 'agent-1', kind: 'agent', role: 'agent' },
      occurredAt: new Date().toISOString(),
      type: 'NoteDeleted',
      version: 1,
      payload: {
        note: {
          noteId: 'n_1',
          contactId: 'c_events',
          authorId: 'agent-1',
          body: 'x',
          createdAt: new Date().toISOString(),
          updatedAt: new Date().toISOString(),
        },
        changed: true,
      },
    };
    const valid = JSON.stringify(event);
    await expectDeadLettered(
      topics.contactEvents,
      [
        notJson,
        ['an unknown type', JSON.stringify({ ...event, type: 'ContactVanished' }), /type must be one of/],
        ['another schema version', JSON.stringify({ ...event, version: 7 }), /version/],
        [
          'a wrongly typed payload',
          JSON.stringify({ ...event, payload: { note: 'n_1', changed: 'yes' } }),
          /payload/,
        ],
      ],
      key,
      valid,
      () => undefined,
    );
    // The projector went past the poison and recorded the valid event after it.
    const activity = store.db(process.env.MONGODB_DB).collection<{ _id: string }>('activity');
    await expectEventually(async () =>
      expect(await activity.countDocuments({ _id: `${tenant}:${event.eventId}` })).toBe(1),
    );
  });

  it('contacts.blocklist: every message filter', async () => {
    const entry = aBlocklistEntry({ tenantId: tenant, contactId: 'c_blocked_later' });
    const key = identityKey(tenant, entry.channel, entry.address);
    await expectDeadLettered(
      topics.contactBlocklist,
      [
        notJson,
        ['a wrongly typed version', JSON.stringify({ ...entry, contactVersion: 'two' }), /contactVersion/],
        ['an unknown field', JSON.stringify({ ...entry, ttl: 5 }), /ttl should not exist/],
      ],
      key,
      JSON.stringify(entry),
      () => undefined,
    );
    // The filter applied the valid entry after the poison: that identity's messages are dropped.
    const message = anInboundMessage({ tenantId: tenant, from: entry.address });
    await producer.send({
      topic: topics.messagesInbound,
      messages: [{ key, value: JSON.stringify(message) }],
    });
    await expectEventually(() =>
      expect(
        probe.json<{ message: { messageId: string } }>(
          topics.messagesBlocked,
          (value) => value.message.messageId === message.messageId,
        ),
      ).toHaveLength(1),
    );
  });

  it('messages.inbound: the message filter, oversized records included', async () => {
    const message = anInboundMessage({ tenantId: tenant });
    const key = identityKey(tenant, message.channel, message.from);
    const oversized = JSON.stringify({ ...message, content: { text: 'x'.repeat(70_000) } });
    await expectDeadLettered(
      topics.messagesInbound,
      [
        notJson,
        ['an oversized message', oversized, /at most 65536 bytes/],
        ['an unknown message type', JSON.stringify({ ...message, type: 'hologram' }), /type/],
        ['a wrongly typed sentAt', JSON.stringify({ ...message, sentAt: 1700000000 }), /sentAt/],
      ],
      key,
      JSON.stringify(message),
      () =>
        expect(
          probe.json<{ messageId: string }>(
            topics.messagesAccepted,
            (value) => value.messageId === message.messageId,
          ),
        ).toHaveLength(1),
    );
  });

  it('messages.accepted and messages.blocked: the contacts service', async () => {
    const accepted = anInboundMessage({ tenantId: tenant });
    const key = identityKey(tenant, accepted.channel, accepted.from);
    await expectDeadLettered(
      topics.messagesAccepted,
      [notJson, ['a message without its sender', JSON.stringify({ ...accepted, from: undefined }), /from/]],
      key,
      JSON.stringify(accepted),
      () => undefined,
    );
    const counters = async () => {
      const page = await http('GET', `${system.gateway.url}/v1/contacts?limit=200`, { token: viewer });
      const contact = (page.body.items as { identities: { address: string }[]; counters: unknown }[]).find(
        (candidate) => candidate.identities.some((identity) => identity.address === accepted.from),
      );
      return contact?.counters;
    };
    // The valid message after the poison created its sender's contact and was counted.
    await expectEventually(async () => expect(await counters()).toEqual({ accepted: 1, blocked: 0 }));
    await expectDeadLettered(
      topics.messagesBlocked,
      [
        notJson,
        [
          'a dropped message without its block',
          JSON.stringify({ message: accepted, droppedAt: new Date().toISOString() }),
          /block/,
        ],
      ],
      key,
      JSON.stringify({
        message: anInboundMessage({ tenantId: tenant, from: accepted.from }),
        block: { contactId: 'c_x', blockedAt: new Date().toISOString(), blockedBy: 'agent-1' },
        droppedAt: new Date().toISOString(),
      }),
      () => undefined,
    );
    await expectEventually(async () => expect(await counters()).toEqual({ accepted: 1, blocked: 1 }));
  });
});
