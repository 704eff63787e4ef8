import type { Producer } from 'kafkajs';
import {
  deadLetterTopic,
  identityKey,
  type BlockedMessage,
  type ContactEvent,
  type InboundMessage,
} from '@switchboard/contracts';
import {
  aContactCommand,
  aTenantId,
  anInboundMessage,
  expectEventually,
  mintToken,
  TopicProbe,
} from '@switchboard/testing';
import { http } from './support/http';
import { startSystem, type System } from './support/system';
import { postInbound } from './support/webhook';

/**
 * A tenant's default country: numbers written without a country code are read as its national
 * numbers where the gateway knows the tenant (contact bodies, the signed webhook); commands and
 * messages produced straight to Kafka still need the country code.
 */
describe("a tenant's default country for phone numbers", () => {
  let system: System;
  let probe: TopicProbe;
  let producer: Producer;
  const tenant = aTenantId();
  const secret = 'whsec-phone-numbers';
  const admin = mintToken({ tenant, sub: 'admin-1', role: 'admin' });
  const agent = mintToken({ tenant, sub: 'agent-7', role: 'agent' });
  const viewer = mintToken({ tenant, sub: 'viewer-3', role: 'viewer' });

  beforeAll(async () => {
    system = await startSystem({
      withFilter: true,
      gatewayEnvironment: { WEBHOOK_SECRETS: `${tenant}=${secret}` },
    });
    producer = system.kafka.producer();
    await producer.connect();
    probe = await new TopicProbe(system.kafka, [
      system.topics.contactEvents,
      system.topics.messagesAccepted,
      system.topics.messagesBlocked,
      deadLetterTopic(system.topics.messagesInbound),
    ]).start();
  });

  afterAll(async () => {
    await probe?.stop();
    await producer?.disconnect();
    await system?.stop();
  });

  const url = (path: string) => `${system.gateway.url}${path}`;
  const createWhatsapp = (address: string) =>
    http('POST', url('/v1/contacts'), {
      token: agent,
      body: { identities: [{ channel: 'whatsapp', address }] },
    });
  const setDefaultCountry = (defaultCountry: unknown, token = admin) =>
    http('PUT', url('/v1/settings/phone-numbers'), { token, body: { defaultCountry } });

  async function sendSigned(from: string): Promise<string> {
    const { tenantId: _ignored, ...body } = anInboundMessage({ channel: 'whatsapp', from });
    const posted = await postInbound(system.gateway.url, tenant, secret, body);
    expect(posted.status).toBe(202);
    return body.messageId;
  }

  const accepted = (messageId: string) =>
    probe.jsonRecords<InboundMessage>(
      system.topics.messagesAccepted,
      (message) => message.messageId === messageId,
    );
  const dropped = (messageId: string) =>
    probe.json<BlockedMessage>(
      system.topics.messagesBlocked,
      (blocked) => blocked.message.messageId === messageId,
    );

  it('refuses a number without its country code while the tenant has no default country', async () => {
    expect((await http('GET', url('/v1/settings/phone-numbers'), { token: admin })).body).toEqual({
      defaultCountry: null,
    });
    const refused = await createWhatsapp('(415) 555-0123');
    expect(refused.status).toBe(400);
    expect(refused.body.errors).toEqual([
      {
        field: 'identities.0.address',
        messages: [expect.stringContaining('must be a phone number with its country code')],
      },
    ]);
  });

  it('lets only admins read and set it, and only to a country it can read numbers of', async () => {
    expect((await setDefaultCountry('US', agent)).status).toBe(403);
    expect((await setDefaultCountry('US', viewer)).status).toBe(403);
    expect((await http('GET', url('/v1/settings/phone-numbers'), { token: agent })).status).toBe(403);
    for (const invalid of ['us', 'USA', 'ZZ', 44]) {
      const refused = await setDefaultCountry(invalid);
      expect(refused.status).toBe(400);
      expect(refused.body.errors[0].field).toBe('defaultCountry');
    }
    const missing = await http('PUT', url('/v1/settings/phone-numbers'), { token: admin, body: {} });
    expect(missing.status).toBe(400);
  });

  it('reads such a number as a national number of the default country once an admin sets it', async () => {
    const set = await setDefaultCountry('US');
    expect(set.status).toBe(200);
    expect(set.body).toEqual({ defaultCountry: 'US', updatedAt: expect.any(String), updatedBy: 'admin-1' });
    await expectEventually(() =>
      expect(
        probe.json<ContactEvent>(
          system.topics.contactEvents,
          (event) => event.commandId === set.headers.get('x-command-id'),
        ),
      ).toEqual([
        expect.objectContaining({ type: 'PhoneNumberSettingsChanged', payload: { phoneNumbers: set.body } }),
      ]),
    );
    expect((await http('GET', url('/v1/settings/phone-numbers'), { token: admin })).body).toEqual(set.body);

    const created = await createWhatsapp('(415) 555-0123');
    expect(created.status).toBe(200);
    expect(created.body.identities).toEqual([{ channel: 'whatsapp', address: '+14155550123' }]);
    // every spelling is the same customer: national, with the country code, E.164
    for (const spelling of ['4155550123', '14155550123', '+1 415-555-0123']) {
      const again = await createWhatsapp(spelling);
      expect(again.status).toBe(200);
      expect(again.body.contactId).toBe(created.body.contactId);
    }
    // a number of no country is still refused, naming the default country
    const refused = await createWhatsapp('555');
    expect(refused.status).toBe(400);
    expect(refused.body.errors[0].messages[0]).toContain(
      "a phone number of US (the tenant's default country)",
    );
  });

  it('keys a signed webhook message from a national number by its E.164 form, and drops it once blocked', async () => {
    const created = await createWhatsapp('+14155550123');
    const contactId = created.body.contactId as string;

    const before = await sendSigned('4155550123');
    await expectEventually(() => expect(accepted(before)).toHaveLength(1));
    const [{ record, value }] = accepted(before);
    expect(value.from).toBe('+14155550123');
    expect(record.key?.toString()).toBe(identityKey(tenant, 'whatsapp', '+14155550123'));

    const blocked = await http('POST', url(`/v1/contacts/${contactId}/block`), { token: agent, body: {} });
    expect(blocked.status).toBe(200);
    const whileBlocked = await sendSigned('(415) 555-0123');
    await expectEventually(() => expect(dropped(whileBlocked)).toHaveLength(1));
    expect(dropped(whileBlocked)[0]).toMatchObject({
      message: { from: '+14155550123' },
      block: { contactId },
    });
    expect(accepted(whileBlocked)).toHaveLength(0);
  });

  it('still needs the country code from commands and messages produced straight to Kafka', async () => {
    const command = aContactCommand({
      tenantId: tenant,
      contactId: 'c_kafka-national',
      payload: { identities: [{ channel: 'whatsapp', address: '(415) 555-0177' }] },
    }) as { commandId: string };
    const message = anInboundMessage({ tenantId: tenant, channel: 'whatsapp', from: '(415) 555-0177' });
    await producer.send({
      topic: system.topics.contactCommands,
      messages: [{ key: `${tenant}:c_kafka-national`, value: JSON.stringify(command) }],
    });
    await producer.send({
      topic: system.topics.messagesInbound,
      messages: [{ key: `${tenant}|whatsapp|(415) 555-0177`, value: JSON.stringify(message) }],
    });
    await expectEventually(() => {
      expect(
        probe.json<ContactEvent>(
          system.topics.contactEvents,
          (event) => event.commandId === command.commandId,
        ),
      ).toEqual([
        expect.objectContaining({
          type: 'CommandRejected',
          payload: expect.objectContaining({
            code: 'validation-failed',
            reason: expect.stringContaining('with its country code'),
          }),
        }),
      ]);
      const deadLetters = probe
        .of(deadLetterTopic(system.topics.messagesInbound))
        .filter((record) => record.value?.toString().includes(message.messageId));
      expect(deadLetters).toHaveLength(1);
      expect(deadLetters[0].headers['dlq-reason']?.toString()).toContain('with its country code');
    });
  });

  it('refuses such numbers again once the default country is cleared', async () => {
    const cleared = await setDefaultCountry(null);
    expect(cleared.status).toBe(200);
    expect(cleared.body).toMatchObject({ defaultCountry: null, updatedBy: 'admin-1' });
    expect((await createWhatsapp('(415) 555-0188')).status).toBe(400);
    // numbers already stored keep their spelling
    expect((await createWhatsapp('+14155550123')).status).toBe(200);
  });
});
