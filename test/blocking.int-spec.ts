import { randomUUID } from 'node:crypto';
import type { Producer } from 'kafkajs';
import { deadLetterTopic, type BlockedMessage, type InboundMessage } from '@switchboard/contracts';
import {
  aContactCommand,
  aTenantId,
  aWhatsappIdentity,
  anInboundMessage,
  expectEventually,
  mintToken,
  TopicProbe,
} from '@switchboard/testing';
import { http } from './support/http';
import {
  startMessageFilter,
  startSystem,
  untilReady,
  type RunningService,
  type System,
} from './support/system';
import { signWebhook, SIGNATURE_HEADER } from '../apps/gateway/src/inbound/webhook-signature';
import { postInbound } from './support/webhook';

describe('block and unblock, enforced by the message filter', () => {
  const tenant = aTenantId();
  const otherTenant = aTenantId();
  const secret = `whsec-${randomUUID()}`;
  const agent = mintToken({ tenant, sub: 'agent-7', role: 'agent' });
  let system: System;
  let filter: RunningService;
  let probe: TopicProbe;
  let producer: Producer;

  beforeAll(async () => {
    system = await startSystem({
      withFilter: true,
      gatewayEnvironment: { WEBHOOK_SECRETS: `${tenant}=${secret},${otherTenant}=${secret}` },
    });
    filter = system.filter!;
    producer = system.kafka.producer();
    await producer.connect();
    probe = await new TopicProbe(system.kafka, [
      system.topics.messagesAccepted,
      system.topics.messagesBlocked,
      deadLetterTopic(system.topics.messagesInbound),
      system.topics.contactEvents,
    ]).start();
  });

  afterAll(async () => {
    await probe?.stop();
    await producer?.disconnect();
    await filter?.close();
    await system?.stop();
  });

  async function createContact(token = agent, identities = [aWhatsappIdentity()]) {
    const created = await http('POST', `${system.gateway.url}/v1/contacts`, { token, body: { identities } });
    expect(created.status).toBe(200);
    return created.body as { contactId: string; identities: { channel: string; address: string }[] };
  }

  async function send(message: Partial<InboundMessage>, tenantId = tenant): Promise<string> {
    const { tenantId: _ignored, ...body } = anInboundMessage(message);
    const posted = await postInbound(system.gateway.url, tenantId, secret, body);
    expect(posted.status).toBe(202);
    return body.messageId;
  }

  const accepted = (messageId: string) =>
    probe.json<InboundMessage>(system.topics.messagesAccepted, (message) => message.messageId === messageId);
  const dropped = (messageId: string) =>
    probe.json<BlockedMessage>(
      system.topics.messagesBlocked,
      (blocked) => blocked.message.messageId === messageId,
    );

  it('drops messages from every identity of a blocked contact, and lets them through after an unblock', async () => {
    const phone = aWhatsappIdentity();
    const telegram = { channel: 'telegram', address: `user_${randomUUID().slice(0, 8)}` };
    const contact = await createContact(agent, [phone, telegram]);

    const blocked = await http('POST', `${system.gateway.url}/v1/contacts/${contact.contactId}/block`, {
      token: agent,
      body: { reason: 'spam' },
    });
    expect(blocked.status).toBe(200);
    expect(blocked.body.block).toMatchObject({ blocked: true, blockedBy: 'agent-7', reason: 'spam' });

    const fromPhone = await send({ channel: 'whatsapp', from: phone.address });
    const fromTelegram = await send({ channel: 'telegram', from: telegram.address });
    await expectEventually(() => {
      expect(dropped(fromPhone)).toHaveLength(1);
      expect(dropped(fromTelegram)).toHaveLength(1);
    });
    expect(dropped(fromPhone)[0].block).toMatchObject({
      contactId: contact.contactId,
      blockedBy: 'agent-7',
      reason: 'spam',
    });
    expect(accepted(fromPhone)).toHaveLength(0);
    expect(accepted(fromTelegram)).toHaveLength(0);

    const unblocked = await http('POST', `${system.gateway.url}/v1/contacts/${contact.contactId}/unblock`, {
      token: agent,
    });
    expect(unblocked.status).toBe(200);
    expect(unblocked.body.block).toEqual({ blocked: false });

    const afterUnblock = await send({ channel: 'whatsapp', from: phone.address });
    await expectEventually(() => expect(accepted(afterUnblock)).toHaveLength(1));
    expect(dropped(afterUnblock)).toHaveLength(0);
  });

  it('blocks a number however it is spelled, and counts its messages on the one contact', async () => {
    const digits = `1415${String(Math.floor(Math.random() * 10_000_000)).padStart(7, '0')}`;
    const canonical = `+${digits}`;
    const spellings = [
      digits, // as the WhatsApp Cloud API writes a sender
      `+${digits.slice(0, 1)} ${digits.slice(1, 4)}-${digits.slice(4, 7)}-${digits.slice(7)}`, // as typed
      `whatsapp:${canonical}`, // as Twilio writes it
    ];
    // The API takes the number as a person types it, and keeps it in its one spelling.
    const contact = await createContact(agent, [{ channel: 'whatsapp', address: spellings[1] }]);
    expect(contact.identities).toEqual([{ channel: 'whatsapp', address: canonical }]);
    const blocked = await http('POST', `${system.gateway.url}/v1/contacts/${contact.contactId}/block`, {
      token: agent,
      body: { reason: 'spam' },
    });
    expect(blocked.status).toBe(200);

    // Through the webhook, and straight to messages.inbound keyed by the spelling as written.
    const sent = await Promise.all(spellings.map((from) => send({ channel: 'whatsapp', from })));
    const direct = anInboundMessage({ tenantId: tenant, channel: 'whatsapp', from: spellings[0] });
    await producer.send({
      topic: system.topics.messagesInbound,
      messages: [{ key: `${tenant}|whatsapp|${spellings[0]}`, value: JSON.stringify(direct) }],
    });
    const ids = [...sent, direct.messageId];
    await expectEventually(() => expect(ids.filter((id) => dropped(id).length === 1)).toEqual(ids));
    expect(ids.flatMap((id) => accepted(id))).toEqual([]);
    expect(ids.map((id) => dropped(id)[0].message.from)).toEqual(ids.map(() => canonical));
    expect(
      probe
        .jsonRecords(system.topics.messagesBlocked, (value: BlockedMessage) =>
          ids.includes(value.message.messageId),
        )
        .map(({ record }) => record.key?.toString()),
    ).toEqual(ids.map(() => `${tenant}|whatsapp|${canonical}`));

    // Let through again, a message in another spelling is the contact's, not a new contact's.
    const unblocked = await http('POST', `${system.gateway.url}/v1/contacts/${contact.contactId}/unblock`, {
      token: agent,
    });
    expect(unblocked.status).toBe(200);
    const afterUnblock = await send({ channel: 'whatsapp', from: spellings[2] });
    await expectEventually(async () => {
      const history = await http('GET', `${system.gateway.url}/v1/contacts/${contact.contactId}/messages`, {
        token: agent,
      });
      expect(history.body.items.map((message: { messageId: string }) => message.messageId)).toContain(
        afterUnblock,
      );
      const details = await http('GET', `${system.gateway.url}/v1/contacts/${contact.contactId}`, {
        token: agent,
      });
      expect(details.body.counters).toEqual({ accepted: 1, blocked: ids.length });
    });
    const created = probe.json<{ type: string; payload: { contact: { identities: { address: string }[] } } }>(
      system.topics.contactEvents,
      (event) =>
        event.type === 'ContactCreated' &&
        event.payload.contact.identities.some(({ address }) => spellings.includes(address)),
    );
    expect(created).toEqual([]);
  });

  it('lets nothing through that was sent after the block was confirmed', async () => {
    const phone = aWhatsappIdentity();
    const contact = await createContact(agent, [phone]);
    const blocked = await http('POST', `${system.gateway.url}/v1/contacts/${contact.contactId}/block`, {
      token: agent,
      body: {},
    });
    expect(blocked.status).toBe(200);

    // Produced straight to the topic right after the 200, bypassing the webhook.
    const probes = Array.from({ length: 20 }, () =>
      anInboundMessage({ tenantId: tenant, from: phone.address }),
    );
    await producer.send({
      topic: system.topics.messagesInbound,
      messages: probes.map((message) => ({
        key: `${tenant}|whatsapp|${phone.address}`,
        value: JSON.stringify(message),
      })),
    });

    await expectEventually(() =>
      expect(probes.flatMap((message) => dropped(message.messageId))).toHaveLength(20),
    );
    expect(probes.flatMap((message) => accepted(message.messageId))).toHaveLength(0);
  });

  it('treats blocking a blocked contact as a successful no-op', async () => {
    const contact = await createContact();
    const first = await http('POST', `${system.gateway.url}/v1/contacts/${contact.contactId}/block`, {
      token: agent,
      body: {},
    });
    const again = await http('POST', `${system.gateway.url}/v1/contacts/${contact.contactId}/block`, {
      token: agent,
      body: {},
    });

    expect(first.status).toBe(200);
    expect(again.status).toBe(200);
    expect(again.body.block).toEqual(first.body.block);
  });

  it('has a restarted filter drop a contact blocked while it was down, from its first message', async () => {
    const phone = aWhatsappIdentity();
    const contact = await createContact(agent, [phone]);
    await filter.close();

    const blocked = await http('POST', `${system.gateway.url}/v1/contacts/${contact.contactId}/block`, {
      token: agent,
      body: {},
    });
    expect(blocked.status).toBe(200);
    const sentWhileDown = await send({ from: phone.address });

    filter = await startMessageFilter();
    await untilReady(filter);
    await expectEventually(() => expect(dropped(sentWhileDown)).toHaveLength(1));
    expect(accepted(sentWhileDown)).toHaveLength(0);
  });

  it('blocks a contact in its own tenant only', async () => {
    const phone = aWhatsappIdentity();
    const inTenantA = await createContact(agent, [phone]);
    await createContact(mintToken({ tenant: otherTenant }), [phone]);
    const blocked = await http('POST', `${system.gateway.url}/v1/contacts/${inTenantA.contactId}/block`, {
      token: agent,
      body: {},
    });
    expect(blocked.status).toBe(200);

    const fromA = await send({ from: phone.address }, tenant);
    const fromB = await send({ from: phone.address }, otherTenant);

    await expectEventually(() => {
      expect(dropped(fromA)).toHaveLength(1);
      expect(accepted(fromB)).toHaveLength(1);
    });
    const blockedOfOther = await http(
      'POST',
      `${system.gateway.url}/v1/contacts/${inTenantA.contactId}/block`,
      {
        token: mintToken({ tenant: otherTenant }),
        body: {},
      },
    );
    expect(blockedOfOther.status).toBe(404);
  });

  it('changes state once when the same block command is delivered twice', async () => {
    const contact = await createContact();
    const command = aContactCommand({
      tenantId: tenant,
      contactId: contact.contactId,
      type: 'contact.block',
      payload: { reason: 'duplicate delivery' },
    }) as { commandId: string };
    const record = { key: `${tenant}:${contact.contactId}`, value: JSON.stringify(command) };
    await producer.send({ topic: system.topics.contactCommands, messages: [record, record] });

    // Both deliveries in one batch: applied once, its event published with the batch.
    await expectEventually(() =>
      expect(
        probe.json(system.topics.contactEvents, (event) => event.commandId === command.commandId).length,
      ).toBeGreaterThanOrEqual(1),
    );
    const events = probe.json<{ eventId: string; payload: { changed: boolean } }>(
      system.topics.contactEvents,
      (event) => (event as unknown as { commandId: string }).commandId === command.commandId,
    );
    expect(new Set(events.map((event) => event.eventId)).size).toBe(1);
    const read = await http('GET', `${system.gateway.url}/v1/contacts/${contact.contactId}`, {
      token: agent,
    });
    expect(read.body).toMatchObject({ version: 2, block: { blocked: true, reason: 'duplicate delivery' } });
  });

  it('lists blocked contacts through the contact list filter, page by page', async () => {
    const listTenant = aTenantId();
    const admin = mintToken({ tenant: listTenant, role: 'admin' });
    const contacts = await Promise.all(Array.from({ length: 5 }, () => createContact(admin)));
    for (const contact of contacts.slice(0, 3)) {
      await http('POST', `${system.gateway.url}/v1/contacts/${contact.contactId}/block`, {
        token: admin,
        body: {},
      });
    }

    const firstPage = await http('GET', `${system.gateway.url}/v1/contacts?blocked=true&limit=2`, {
      token: admin,
    });
    const secondPage = await http(
      'GET',
      `${system.gateway.url}/v1/contacts?blocked=true&limit=2&cursor=${firstPage.body.nextCursor}`,
      { token: admin },
    );

    expect(firstPage.body.items).toHaveLength(2);
    expect(secondPage.body.items).toHaveLength(1);
    expect(secondPage.body.nextCursor).toBeUndefined();
    const listed = [...firstPage.body.items, ...secondPage.body.items].map(
      (item: { contactId: string }) => item.contactId,
    );
    expect(listed.sort()).toEqual(
      contacts
        .slice(0, 3)
        .map((contact) => contact.contactId)
        .sort(),
    );
  });

  it('refuses viewers and unknown contacts', async () => {
    const contact = await createContact();
    const viewer = mintToken({ tenant, role: 'viewer' });

    const byViewer = await http('POST', `${system.gateway.url}/v1/contacts/${contact.contactId}/block`, {
      token: viewer,
      body: {},
    });
    const unknown = await http('POST', `${system.gateway.url}/v1/contacts/c_unknown/block`, {
      token: agent,
      body: {},
    });

    expect(byViewer.status).toBe(403);
    expect(unknown.status).toBe(404);
    expect(unknown.body.code).toBe('contact-not-found');
  });

  it('sends unreadable inbound messages to the DLQ with the reason and keeps filtering', async () => {
    const bad = { messageId: `m-${randomUUID()}`, tenantId: tenant, channel: 'whatsapp' };
    const good = anInboundMessage({ tenantId: tenant });
    await producer.send({
      topic: system.topics.messagesInbound,
      messages: [
        { key: 'x', value: 'not json at all' },
        { key: 'x', value: JSON.stringify(bad) },
        { key: `${tenant}|whatsapp|${good.from}`, value: JSON.stringify(good) },
      ],
    });

    await expectEventually(() => {
      const reasons = probe
        .of(deadLetterTopic(system.topics.messagesInbound))
        .map((record) => String(record.headers['dlq-reason']));
      expect(reasons).toEqual(
        expect.arrayContaining([expect.stringContaining('not JSON'), expect.stringContaining('from')]),
      );
      expect(accepted(good.messageId)).toHaveLength(1);
    });
  });

  it('refuses webhook calls with a missing, wrong or expired signature', async () => {
    const { tenantId: _ignored, ...body } = anInboundMessage();
    const missing = await http('POST', `${system.gateway.url}/v1/inbound/${tenant}/messages`, { body });
    const wrong = await postInbound(system.gateway.url, tenant, 'not-the-secret', body);
    const replayed = await postInbound(system.gateway.url, tenant, secret, body, {
      timestampSeconds: Math.floor(Date.now() / 1000) - 3600,
    });
    const unknownTenant = await postInbound(system.gateway.url, aTenantId(), secret, body);
    const prototypeTenant = await postInbound(system.gateway.url, 'constructor', secret, body);

    for (const response of [missing, wrong, replayed, unknownTenant, prototypeTenant]) {
      expect(response.status).toBe(401);
      expect(response.body.code).toBe('unauthenticated');
    }
    // A form body (as Twilio posts) is not checked against an empty body: it is the wrong type.
    const form = 'From=whatsapp%3A%2B14155550123&Body=hello';
    const formPosted = await http('POST', `${system.gateway.url}/v1/inbound/${tenant}/messages`, {
      body: form,
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        [SIGNATURE_HEADER]: signWebhook(secret, Math.floor(Date.now() / 1000), form),
      },
    });
    expect(formPosted.status).toBe(415);
    expect(formPosted.body).toMatchObject({ code: 'unsupported-media-type' });
    expect(formPosted.body.detail).toContain('application/x-www-form-urlencoded');
    // A correctly signed message after them gets through; the refused one never did.
    const { tenantId: _tenant, ...signed } = anInboundMessage();
    expect((await postInbound(system.gateway.url, tenant, secret, signed)).status).toBe(202);
    await expectEventually(() => expect(accepted(signed.messageId)).toHaveLength(1));
    expect(accepted(body.messageId)).toEqual([]);
  });
});
