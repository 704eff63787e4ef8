import { randomUUID } from 'node:crypto';
import type { Producer } from 'kafkajs';
import { deadLetterTopic } from '@switchboard/contracts';
import {
  aContactCommand,
  aCreateContactRequest,
  aTenantId,
  aWhatsappIdentity,
  expectEventually,
  mintToken,
  TopicProbe,
} from '@switchboard/testing';
import { http } from './support/http';
import { startGateway, startSystem, untilReady, type System } from './support/system';

describe('contacts through gateway → Kafka → contacts service → store', () => {
  let system: System;
  let producer: Producer;
  let probe: TopicProbe;
  const tenant = aTenantId();
  const agent = mintToken({ tenant, sub: 'agent-7', role: 'agent' });

  beforeAll(async () => {
    system = await startSystem();
    producer = system.kafka.producer();
    await producer.connect();
    probe = await new TopicProbe(system.kafka, [
      system.topics.contactEvents,
      deadLetterTopic(system.topics.contactCommands),
    ]).start();
  });

  afterAll(async () => {
    await probe?.stop();
    await producer?.disconnect();
    await system?.stop();
  });

  it('creates a contact and answers 200 with its state, then reads it back', async () => {
    const request = aCreateContactRequest({ name: 'Grace Hopper', attributes: { plan: 'pro', seats: 3 } });
    const created = await http('POST', `${system.gateway.url}/v1/contacts`, { token: agent, body: request });

    expect(created.status).toBe(200);
    expect(created.body).toMatchObject({
      tenantId: tenant,
      name: 'Grace Hopper',
      identities: request.identities,
      attributes: { plan: 'pro', seats: 3 },
      block: { blocked: false },
      version: 1,
    });
    const read = await http('GET', `${system.gateway.url}/v1/contacts/${created.body.contactId}`, {
      token: agent,
    });
    expect(read.status).toBe(200);
    expect(read.body).toMatchObject(created.body);
  });

  it('stores an attribute moved to another key with the same value (the store once kept the old key)', async () => {
    const request = aCreateContactRequest({ attributes: { plan: 'free', seats: 'free' } });
    const created = await http('POST', `${system.gateway.url}/v1/contacts`, { token: agent, body: request });
    const url = `${system.gateway.url}/v1/contacts/${created.body.contactId}`;

    const patched = await http('PATCH', url, {
      token: agent,
      body: { attributes: { plan: null, nick: 'free' } },
    });
    const read = await http('GET', url, { token: agent });

    expect(patched.status).toBe(200);
    expect(read.body.attributes).toEqual({ seats: 'free', nick: 'free' });
    expect(read.body.version).toBe(2);
  });

  it('upserts by identity: creating the same customer again updates the same contact', async () => {
    const identity = aWhatsappIdentity();
    const first = await http('POST', `${system.gateway.url}/v1/contacts`, {
      token: agent,
      body: { identities: [identity], name: 'First Name' },
    });
    const second = await http('POST', `${system.gateway.url}/v1/contacts`, {
      token: agent,
      body: { identities: [identity, { channel: 'telegram', address: 'ada_l' }], email: 'ada@example.com' },
    });

    expect(second.status).toBe(200);
    expect(second.body.contactId).toBe(first.body.contactId);
    expect(second.body).toMatchObject({
      name: 'First Name',
      email: 'ada@example.com',
      identities: [identity, { channel: 'telegram', address: 'ada_l' }],
      version: 2,
    });
  });

  it("hides a contact from another tenant's token with 404", async () => {
    const created = await http('POST', `${system.gateway.url}/v1/contacts`, {
      token: agent,
      body: aCreateContactRequest(),
    });
    const intruder = mintToken({ tenant: aTenantId(), role: 'admin' });

    const read = await http('GET', `${system.gateway.url}/v1/contacts/${created.body.contactId}`, {
      token: intruder,
    });

    expect(read.status).toBe(404);
    expect(read.headers.get('content-type')).toContain('application/problem+json');
    expect(read.body.code).toBe('contact-not-found');
  });

  it('applies a retried call with the same Idempotency-Key once and answers it the same', async () => {
    const body = aCreateContactRequest();
    const key = randomUUID();
    const first = await http('POST', `${system.gateway.url}/v1/contacts`, {
      token: agent,
      body,
      headers: { 'idempotency-key': key },
    });
    const retried = await http('POST', `${system.gateway.url}/v1/contacts`, {
      token: agent,
      body,
      headers: { 'idempotency-key': key },
    });
    const notRetried = await http('POST', `${system.gateway.url}/v1/contacts`, { token: agent, body });

    expect(first.status).toBe(200);
    expect(retried.status).toBe(200);
    expect(retried.headers.get('x-command-id')).toBe(first.headers.get('x-command-id'));
    expect(retried.body).toEqual(first.body);
    expect(retried.body.version).toBe(1);
    expect(notRetried.body.version).toBe(2);
  });

  it('answers 202 with a status URL when the outcome is late, and the status shows it applied', async () => {
    const impatientGateway = await startGateway(system.contacts.url, { COMMAND_TIMEOUT_MS: '0' });
    try {
      await untilReady(impatientGateway);
      const accepted = await http('POST', `${impatientGateway.url}/v1/contacts`, {
        token: agent,
        body: aCreateContactRequest(),
      });

      expect(accepted.status).toBe(202);
      expect(accepted.body).toMatchObject({
        status: 'pending',
        statusUrl: `/v1/commands/${accepted.body.commandId}`,
      });
      expect(accepted.headers.get('location')).toBe(accepted.body.statusUrl);
      const status = await expectEventually(async () => {
        const polled = await http('GET', `${impatientGateway.url}${accepted.body.statusUrl}`, {
          token: agent,
        });
        expect(polled.body.status).toBe('applied');
        return polled.body;
      });
      expect(status.event).toMatchObject({ type: 'ContactCreated', tenantId: tenant });
    } finally {
      await impatientGateway.close();
    }
  });

  it('publishes a command other services send directly, and its event, keyed by contact', async () => {
    const command = aContactCommand({ tenantId: tenant }) as { commandId: string; contactId: string };
    await producer.send({
      topic: system.topics.contactCommands,
      messages: [{ key: `${tenant}:${command.contactId}`, value: JSON.stringify(command) }],
    });

    const [event] = await expectEventually(() => {
      const events = probe.json(
        system.topics.contactEvents,
        (value) => value.commandId === command.commandId,
      );
      expect(events).toHaveLength(1);
      return events;
    });
    expect(event).toMatchObject({ type: 'ContactCreated', tenantId: tenant, contactId: command.contactId });
    const record = probe
      .of(system.topics.contactEvents)
      .find((candidate) => candidate.value?.toString().includes(command.commandId));
    expect(record?.key?.toString()).toBe(`${tenant}:${command.contactId}`);
  });

  it('sends malformed commands to the DLQ with the reason and keeps consuming', async () => {
    const unknownType = aContactCommand({ tenantId: tenant, type: 'contact.explode' as never });
    const badPayload = aContactCommand({
      tenantId: tenant,
      payload: { identities: [{ channel: 'whatsapp', address: 'nope' }] },
    });
    const valid = aContactCommand({ tenantId: tenant }) as { commandId: string; contactId: string };
    await producer.send({
      topic: system.topics.contactCommands,
      messages: [
        { key: `${tenant}:x`, value: '{"this is": not json' },
        { key: `${tenant}:x`, value: JSON.stringify(unknownType) },
        { key: `${tenant}:x`, value: JSON.stringify(badPayload) },
        { key: `${tenant}:${valid.contactId}`, value: JSON.stringify(valid) },
      ],
    });

    await expectEventually(() => {
      const dead = probe.of(deadLetterTopic(system.topics.contactCommands));
      const reasons = dead.map((record) => String(record.headers['dlq-reason']));
      expect(reasons).toEqual(
        expect.arrayContaining([
          expect.stringContaining('not JSON'),
          expect.stringContaining('type must be one of'),
          expect.stringContaining('payload.identities.0.address'),
        ]),
      );
      expect(
        dead.every((record) => String(record.headers['dlq-source-topic']) === system.topics.contactCommands),
      ).toBe(true);
    });
    await expectEventually(() =>
      expect(
        probe.json(system.topics.contactEvents, (value) => value.commandId === valid.commandId),
      ).toHaveLength(1),
    );
  });
});
