import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import {
  deadLetterTopic,
  type BlockedMessage,
  type ChannelCredentialsView,
  type InboundMessage,
  SEALED_CREDENTIALS_PATTERN,
} from '@switchboard/contracts';
import { MongoClient } from 'mongodb';
import {
  aPhoneNumber,
  aTenantId,
  aTwilioMessageForm,
  aWhatsappCloudNotification,
  expectEventually,
  metaStatusUpdateSample,
  mintToken,
  TopicProbe,
} from '@switchboard/testing';
import {
  signTwilioWebhook,
  TWILIO_SIGNATURE_HEADER,
} from '../apps/gateway/src/channels/twilio/twilio-signature';
import {
  signWhatsappWebhook,
  WHATSAPP_SIGNATURE_HEADER,
} from '../apps/gateway/src/channels/whatsapp/whatsapp-signature';
import { postTwilioForm, postWhatsappNotification } from './support/webhook';
import { http } from './support/http';
import { startGateway, startSystem, untilReady, type RunningService, type System } from './support/system';

describe('channel webhooks: WhatsApp Cloud API and Twilio, with per-tenant credentials', () => {
  const tenant = aTenantId();
  const admin = mintToken({ tenant, sub: 'admin-1', role: 'admin' });
  const agent = mintToken({ tenant, sub: 'agent-7', role: 'agent' });
  const whatsapp = { appSecret: `meta-${randomUUID()}`, verifyToken: `verify-${randomUUID()}` };
  let twilioToken = `twilio-${randomUUID()}`;
  /** Every credential the suite set: none may appear in an event or a log line. */
  const secrets = [whatsapp.appSecret, whatsapp.verifyToken, twilioToken];
  let system: System;
  let probe: TopicProbe;
  let url: (path: string) => string;

  beforeAll(async () => {
    // Request logs included, so the check that no credential is logged has them to read.
    system = await startSystem({
      withFilter: true,
      gatewayEnvironment: { LOG_LEVEL: 'info' },
      contactsEnvironment: { LOG_LEVEL: 'info' },
    });
    url = (path) => `${system.gateway.url}${path}`;
    probe = await new TopicProbe(system.kafka, [
      system.topics.messagesInbound,
      system.topics.messagesAccepted,
      system.topics.messagesBlocked,
      deadLetterTopic(system.topics.messagesInbound),
      system.topics.contactEvents,
      system.topics.contactCommands,
    ]).start();
  });

  afterAll(async () => {
    await probe?.stop();
    await system?.stop();
  });

  const inbound = (messageId: string) =>
    probe.jsonRecords<InboundMessage>(
      system.topics.messagesInbound,
      (message) => message.messageId === messageId,
    );
  const accepted = (messageId: string) =>
    probe.json<InboundMessage>(system.topics.messagesAccepted, (message) => message.messageId === messageId);
  const dropped = (messageId: string) =>
    probe.json<BlockedMessage>(
      system.topics.messagesBlocked,
      (blocked) => blocked.message.messageId === messageId,
    );

  async function createContact(address: string) {
    const created = await http('POST', url('/v1/contacts'), {
      token: agent,
      body: { identities: [{ channel: 'whatsapp', address }] },
    });
    expect(created.status).toBe(200);
    return created.body as { contactId: string };
  }

  async function historyOf(contactId: string): Promise<string[]> {
    const history = await http('GET', url(`/v1/contacts/${contactId}/messages`), { token: agent });
    return (history.body.items as { messageId: string }[]).map((message) => message.messageId);
  }

  describe('credentials', () => {
    it('are set by admins only, validated, and read back as configured, when and by whom, never themselves', async () => {
      const before = await http('GET', url('/v1/settings/channels'), { token: admin });
      expect(before.status).toBe(200);
      expect(before.body).toEqual({
        items: [
          { platform: 'whatsapp', configured: false },
          { platform: 'twilio', configured: false },
        ],
      });

      const byAgent = await http('PUT', url('/v1/settings/channels/whatsapp'), {
        token: agent,
        body: whatsapp,
      });
      expect(byAgent.status).toBe(403);
      expect((await http('GET', url('/v1/settings/channels'), { token: agent })).status).toBe(403);
      const tooShort = await http('PUT', url('/v1/settings/channels/twilio'), {
        token: admin,
        body: { authToken: 'short' },
      });
      expect(tooShort.status).toBe(400);
      expect(tooShort.body.errors.map((error: { field: string }) => error.field)).toEqual(['authToken']);
      expect(JSON.stringify(tooShort.body)).not.toContain('short"');

      const set = await http('PUT', url('/v1/settings/channels/whatsapp'), { token: admin, body: whatsapp });
      expect(set.status).toBe(200);
      expect(set.body).toEqual({
        platform: 'whatsapp',
        configured: true,
        updatedAt: expect.any(String) as string,
        updatedBy: 'admin-1',
      });
      const twilio = await http('PUT', url('/v1/settings/channels/twilio'), {
        token: admin,
        body: { authToken: twilioToken },
      });
      expect(twilio.status).toBe(200);

      const after = await http('GET', url('/v1/settings/channels'), { token: admin });
      expect(
        after.body.items.map((item: ChannelCredentialsView) => [item.platform, item.configured]),
      ).toEqual([
        ['whatsapp', true],
        ['twilio', true],
      ]);
      for (const secret of secrets) {
        expect(JSON.stringify([set.body, twilio.body, after.body])).not.toContain(secret);
      }
      // The outcome event says which platform changed, and nothing of the credentials.
      const changed = probe.json<{ commandId: string; type: string; payload: unknown }>(
        system.topics.contactEvents,
        (event) => event.commandId === set.headers.get('x-command-id'),
      );
      expect(changed).toEqual([
        expect.objectContaining({ type: 'ChannelCredentialsChanged', payload: { credentials: set.body } }),
      ]);
      // Another tenant has none of them.
      const other = await http('GET', url('/v1/settings/channels'), {
        token: mintToken({ tenant: aTenantId(), role: 'admin' }),
      });
      expect(other.body.items.every((item: ChannelCredentialsView) => !item.configured)).toBe(true);
    });
  });

  describe('WhatsApp Cloud API', () => {
    const verification = (tenantId: string, query: Record<string, string>) =>
      http('GET', url(`/v1/inbound/${tenantId}/whatsapp?${new URLSearchParams(query).toString()}`));

    it("answers Meta's verification with the challenge, and only with the tenant's verify token", async () => {
      const verified = await verification(tenant, {
        'hub.mode': 'subscribe',
        'hub.verify_token': whatsapp.verifyToken,
        'hub.challenge': '1158201444',
      });
      expect(verified.status).toBe(200);
      expect(verified.headers.get('content-type')).toMatch(/^text\/plain/);
      expect(String(verified.body)).toBe('1158201444');

      for (const query of [
        { 'hub.mode': 'subscribe', 'hub.verify_token': 'a-guess', 'hub.challenge': '1' },
        { 'hub.mode': 'unsubscribe', 'hub.verify_token': whatsapp.verifyToken, 'hub.challenge': '1' },
        { 'hub.mode': 'subscribe', 'hub.verify_token': whatsapp.verifyToken },
      ] as Record<string, string>[]) {
        const refused = await verification(tenant, query);
        expect(refused.status).toBe(403);
        expect(refused.headers.get('content-type')).toContain('application/problem+json');
        expect(refused.body.code).toBe('webhook-verification-failed');
        // the problem's instance is the URL as the request log writes it, never the token
        expect(refused.body.instance).toContain('hub.verify_token=[Redacted]');
        expect(JSON.stringify(refused.body)).not.toContain(whatsapp.verifyToken);
      }
      const otherTenant = await verification(aTenantId(), {
        'hub.mode': 'subscribe',
        'hub.verify_token': whatsapp.verifyToken,
        'hub.challenge': '1',
      });
      expect(otherTenant.status).toBe(403);
    });

    it("publishes a signed message keyed by the sender's E.164 number, into the contact's history", async () => {
      const number = aPhoneNumber();
      const contact = await createContact(number);
      const notification = aWhatsappCloudNotification({ from: number.slice(1), name: 'Ada' });
      const messageId = notification.entry[0].changes[0].value.messages[0].id;

      const posted = await postWhatsappNotification(
        system.gateway.url,
        tenant,
        whatsapp.appSecret,
        notification,
      );
      expect(posted.status).toBe(200);
      expect(posted.body).toEqual({ published: 1, duplicates: 0, invalid: 0, acknowledged: 0 });

      await expectEventually(() => expect(inbound(messageId)).toHaveLength(1));
      const [{ record, value }] = inbound(messageId);
      expect(record.key?.toString()).toBe(`${tenant}|whatsapp|${number}`);
      expect(value).toMatchObject({
        tenantId: tenant,
        channel: 'whatsapp',
        from: number,
        to: '+15550783881',
        type: 'text',
        content: { text: 'hello from WhatsApp' },
        profile: { name: 'Ada' },
      });
      await expectEventually(async () => expect(await historyOf(contact.contactId)).toContain(messageId));
    });

    it('drops the message of a contact blocked as +1…, and creates no second contact for the spelling', async () => {
      const number = aPhoneNumber();
      const contact = await createContact(number);
      const blocked = await http('POST', url(`/v1/contacts/${contact.contactId}/block`), {
        token: agent,
        body: { reason: 'spam' },
      });
      expect(blocked.status).toBe(200);

      const notification = aWhatsappCloudNotification({ from: number.slice(1) });
      const messageId = notification.entry[0].changes[0].value.messages[0].id;
      expect(
        (await postWhatsappNotification(system.gateway.url, tenant, whatsapp.appSecret, notification)).status,
      ).toBe(200);

      await expectEventually(() => expect(dropped(messageId)).toHaveLength(1));
      expect(dropped(messageId)[0]).toMatchObject({
        message: { from: number },
        block: { contactId: contact.contactId, reason: 'spam' },
      });
      expect(accepted(messageId)).toEqual([]);
      // Counted on the blocked contact, once the contacts service has read it: no phantom contact.
      await expectEventually(async () => {
        const details = await http('GET', url(`/v1/contacts/${contact.contactId}`), { token: agent });
        expect(details.body.counters).toEqual({ accepted: 0, blocked: 1 });
      });
      const listed = await http('GET', url('/v1/contacts?limit=200'), { token: agent });
      const owners = (listed.body.items as { contactId: string; identities: { address: string }[] }[]).filter(
        (item) => item.identities.some(({ address }) => [number, number.slice(1)].includes(address)),
      );
      expect(owners.map((owner) => owner.contactId)).toEqual([contact.contactId]);
    });

    it('refuses a forged or missing signature (401) and a body that is not JSON (415), publishing nothing', async () => {
      const notification = aWhatsappCloudNotification({ from: aPhoneNumber().slice(1) });
      const messageId = notification.entry[0].changes[0].value.messages[0].id;
      const raw = JSON.stringify(notification);
      const post = (headers: Record<string, string>) =>
        http('POST', url(`/v1/inbound/${tenant}/whatsapp`), { body: raw, headers });

      const forged = await post({
        'content-type': 'application/json',
        [WHATSAPP_SIGNATURE_HEADER]: signWhatsappWebhook('not-the-app-secret', raw),
      });
      const missing = await post({ 'content-type': 'application/json' });
      // a header sent twice reaches the gateway as one value, both joined: no one signature
      const valid = signWhatsappWebhook(whatsapp.appSecret, raw);
      const doubled = await post({
        'content-type': 'application/json',
        [WHATSAPP_SIGNATURE_HEADER]: `${valid}, ${valid}`,
      });
      const otherTenant = await postWhatsappNotification(
        system.gateway.url,
        aTenantId(),
        whatsapp.appSecret,
        notification,
      );
      for (const refused of [forged, missing, doubled, otherTenant]) {
        expect(refused.status).toBe(401);
        expect(refused.headers.get('content-type')).toContain('application/problem+json');
        expect(refused.body.code).toBe('unauthenticated');
      }
      const notJson = await postWhatsappNotification(
        system.gateway.url,
        tenant,
        whatsapp.appSecret,
        notification,
        {
          contentType: 'text/plain',
        },
      );
      expect(notJson.status).toBe(415);
      expect(notJson.body.code).toBe('unsupported-media-type');

      // A signed message after them is published; the refused one never was.
      const barrier = aWhatsappCloudNotification({ from: aPhoneNumber().slice(1) });
      await postWhatsappNotification(system.gateway.url, tenant, whatsapp.appSecret, barrier);
      await expectEventually(() =>
        expect(inbound(barrier.entry[0].changes[0].value.messages[0].id)).toHaveLength(1),
      );
      expect(inbound(messageId)).toEqual([]);
    });

    it('publishes a redelivered notification once, and acknowledges status updates without publishing', async () => {
      const notification = aWhatsappCloudNotification({ from: aPhoneNumber().slice(1) });
      const messageId = notification.entry[0].changes[0].value.messages[0].id;
      const first = await postWhatsappNotification(
        system.gateway.url,
        tenant,
        whatsapp.appSecret,
        notification,
      );
      const again = await postWhatsappNotification(
        system.gateway.url,
        tenant,
        whatsapp.appSecret,
        notification,
      );
      expect([first.status, again.status]).toEqual([200, 200]);
      expect(again.body).toMatchObject({ published: 0, duplicates: 1 });

      const status = await postWhatsappNotification(
        system.gateway.url,
        tenant,
        whatsapp.appSecret,
        metaStatusUpdateSample(),
      );
      expect(status.status).toBe(200);
      expect(status.body).toEqual({ published: 0, duplicates: 0, invalid: 0, acknowledged: 1 });

      const barrier = aWhatsappCloudNotification({ from: aPhoneNumber().slice(1) });
      await postWhatsappNotification(system.gateway.url, tenant, whatsapp.appSecret, barrier);
      await expectEventually(() =>
        expect(inbound(barrier.entry[0].changes[0].value.messages[0].id)).toHaveLength(1),
      );
      expect(inbound(messageId)).toHaveLength(1);
      const statusId = metaStatusUpdateSample().entry[0].changes[0].value.statuses[0].id;
      expect(inbound(statusId)).toEqual([]);
    });

    it('dead-letters a message the contract refuses, with the reason, instead of dropping it', async () => {
      const notification = aWhatsappCloudNotification({ from: 'not-a-number' });
      const messageId = notification.entry[0].changes[0].value.messages[0].id;
      const posted = await postWhatsappNotification(
        system.gateway.url,
        tenant,
        whatsapp.appSecret,
        notification,
      );
      expect(posted.status).toBe(200);
      expect(posted.body).toMatchObject({ published: 1, invalid: 1 });

      await expectEventually(() => {
        const dead = probe
          .jsonRecords<InboundMessage>(
            deadLetterTopic(system.topics.messagesInbound),
            (message) => message.messageId === messageId,
          )
          .map(({ record }) => String(record.headers['dlq-reason']));
        expect(dead).toEqual([expect.stringContaining('from')]);
      });
      expect(accepted(messageId)).toEqual([]);
    });
  });

  describe('Twilio', () => {
    const post = (form: Record<string, string>, options?: Parameters<typeof postTwilioForm>[4]) =>
      postTwilioForm(system.gateway.url, tenant, twilioToken, form, options);

    it.each([
      ['a WhatsApp message', 'whatsapp', (number: string) => `whatsapp:${number}`],
      ['an SMS', 'sms', (number: string) => number],
    ])(
      "publishes %s keyed by the sender's E.164 number, answering empty TwiML",
      async (_case, channel, spell) => {
        const number = aPhoneNumber();
        const form = aTwilioMessageForm({
          From: spell(number),
          To: spell('+14155238886'),
          ProfileName: 'Grace',
        });

        const posted = await post(form);
        expect(posted.status).toBe(200);
        expect(posted.headers.get('content-type')).toMatch(/^text\/xml/);
        expect(posted.body).toBe('<?xml version="1.0" encoding="UTF-8"?><Response/>');

        await expectEventually(() => expect(inbound(form.MessageSid)).toHaveLength(1));
        const [{ record, value }] = inbound(form.MessageSid);
        expect(record.key?.toString()).toBe(`${tenant}|${channel}|${number}`);
        expect(value).toMatchObject({
          channel,
          from: number,
          to: '+14155238886',
          type: 'text',
          content: { text: 'hello from Twilio' },
          profile: { name: 'Grace' },
        });
        await expectEventually(() => expect(accepted(form.MessageSid)).toHaveLength(1));
      },
    );

    it('refuses a forged signature (401) and a JSON body (415); publishes a redelivery once; acknowledges status callbacks', async () => {
      const form = aTwilioMessageForm({ From: `whatsapp:${aPhoneNumber()}` });
      const forged = await postTwilioForm(system.gateway.url, tenant, 'not-the-auth-token', form);
      expect(forged.status).toBe(401);
      expect(forged.body.code).toBe('unauthenticated');
      const tampered = await http('POST', url(`/v1/inbound/${tenant}/twilio`), {
        body: new URLSearchParams({ ...form, Body: 'changed on the way' }).toString(),
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          [TWILIO_SIGNATURE_HEADER]: signTwilioWebhook(
            twilioToken,
            url(`/v1/inbound/${tenant}/twilio`),
            Object.entries(form),
          ),
        },
      });
      expect(tampered.status).toBe(401);
      const signature = signTwilioWebhook(
        twilioToken,
        url(`/v1/inbound/${tenant}/twilio`),
        Object.entries(form),
      );
      const doubled = await http('POST', url(`/v1/inbound/${tenant}/twilio`), {
        body: new URLSearchParams(form).toString(),
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          [TWILIO_SIGNATURE_HEADER]: `${signature}, ${signature}`,
        },
      });
      expect(doubled.status).toBe(401);
      expect(doubled.body.code).toBe('unauthenticated');
      const json = await http('POST', url(`/v1/inbound/${tenant}/twilio`), { body: form });
      expect(json.status).toBe(415);
      expect(json.body.code).toBe('unsupported-media-type');

      expect((await post(form)).status).toBe(200);
      expect((await post(form)).status).toBe(200);
      const status = aTwilioMessageForm({ MessageStatus: 'delivered', SmsStatus: 'delivered' });
      expect((await post(status)).status).toBe(200);

      const barrier = aTwilioMessageForm();
      await post(barrier);
      await expectEventually(() => expect(inbound(barrier.MessageSid)).toHaveLength(1));
      expect(inbound(form.MessageSid)).toHaveLength(1);
      expect(inbound(status.MessageSid)).toEqual([]);
    });

    it('verifies the URL Twilio called through a public base URL, and a changed auth token at once', async () => {
      const publicBaseUrl = 'https://hooks.example.com/switchboard';
      const behindProxy: RunningService = await startGateway(system.contacts.url, {
        PUBLIC_BASE_URL: publicBaseUrl,
      });
      try {
        await untilReady(behindProxy);
        const form = aTwilioMessageForm();
        const asCalled = await postTwilioForm(behindProxy.url, tenant, twilioToken, form, {
          signedBaseUrl: publicBaseUrl,
        });
        expect(asCalled.status).toBe(200);
        const asSeenHere = await postTwilioForm(behindProxy.url, tenant, twilioToken, aTwilioMessageForm());
        expect(asSeenHere.status).toBe(401);
      } finally {
        await behindProxy.close();
      }

      const rotated = `twilio-${randomUUID()}`;
      secrets.push(rotated);
      const set = await http('PUT', url('/v1/settings/channels/twilio'), {
        token: admin,
        body: { authToken: rotated },
      });
      expect(set.status).toBe(200);
      expect(
        (await postTwilioForm(system.gateway.url, tenant, twilioToken, aTwilioMessageForm())).status,
      ).toBe(401);
      twilioToken = rotated;
      expect(
        (await postTwilioForm(system.gateway.url, tenant, twilioToken, aTwilioMessageForm())).status,
      ).toBe(200);
    });
  });

  it('keeps the credentials sealed on contacts.commands and in the store', async () => {
    const commands = probe.json<{ tenantId: string; type: string; payload: { sealed?: string } }>(
      system.topics.contactCommands,
      (command) => command.tenantId === tenant && command.type.endsWith('-credentials'),
    );
    expect(commands.length).toBeGreaterThanOrEqual(2);
    for (const command of commands) {
      expect(Object.keys(command.payload)).toEqual(['sealed']);
      expect(command.payload.sealed).toMatch(SEALED_CREDENTIALS_PATTERN);
    }
    const store = await MongoClient.connect(process.env.MONGODB_URI!);
    try {
      const stored = await store
        .db(process.env.MONGODB_DB)
        .collection('channel_credentials')
        .findOne({ _id: tenant as never });
      expect(stored).toMatchObject({
        whatsapp: { sealed: expect.stringMatching(SEALED_CREDENTIALS_PATTERN) },
        twilio: { sealed: expect.stringMatching(SEALED_CREDENTIALS_PATTERN) },
      });
      const text = JSON.stringify([commands, stored]);
      for (const secret of secrets) {
        expect(text.includes(secret)).toBe(false);
      }
    } finally {
      await store.close();
    }
  });

  it('puts no credential on contacts.events nor in any log line', async () => {
    // Every event of the suite's tenant, and everything the services logged (requests included).
    await expectEventually(() =>
      expect(
        probe.json(system.topics.contactEvents, (event) => event.tenantId === tenant).length,
      ).toBeGreaterThan(0),
    );
    const events = probe.of(system.topics.contactEvents).map((record) => String(record.value));
    const log = readFileSync(process.env.LOG_FILE!, 'utf8');
    expect(log).toContain('hub.verify_token=[Redacted]'); // the verification request was logged, redacted
    for (const secret of secrets) {
      expect(events.filter((event) => event.includes(secret))).toEqual([]);
      expect(log.includes(secret)).toBe(false);
    }
  });
});
