import type { Producer } from 'kafkajs';
import { identityKey, type BlockedMessage } from '@switchboard/contracts';
import {
  aTenantId,
  aWhatsappIdentity,
  anInboundMessage,
  expectEventually,
  mintToken,
} from '@switchboard/testing';
import { http } from './support/http';
import { startSystem, type System } from './support/system';

describe('user details: profile, notes, activity and message counters', () => {
  const tenant = aTenantId();
  const author = mintToken({ tenant, sub: 'agent-ada', role: 'agent' });
  const colleague = mintToken({ tenant, sub: 'agent-bob', role: 'agent' });
  const admin = mintToken({ tenant, sub: 'admin-eve', role: 'admin' });
  const viewer = mintToken({ tenant, sub: 'viewer-vic', role: 'viewer' });
  let system: System;
  let producer: Producer;

  beforeAll(async () => {
    system = await startSystem();
    producer = system.kafka.producer();
    await producer.connect();
  });

  afterAll(async () => {
    await producer?.disconnect();
    await system?.stop();
  });

  const url = (path: string) => `${system.gateway.url}/v1/contacts${path}`;

  async function createContact() {
    const created = await http('POST', url(''), {
      token: author,
      body: { identities: [aWhatsappIdentity()], name: 'Ada' },
    });
    expect(created.status).toBe(200);
    return created.body as { contactId: string; identities: { channel: string; address: string }[] };
  }

  it('creates the contact of an unknown sender from its first message, with counters and history', async () => {
    const message = anInboundMessage({ tenantId: tenant, profile: { name: 'Grace from WhatsApp' } });
    await producer.send({
      topic: system.topics.messagesAccepted,
      messages: [{ key: identityKey(tenant, 'whatsapp', message.from), value: JSON.stringify(message) }],
    });

    const list = await expectEventually(async () => {
      const page = await http('GET', url('?limit=200'), { token: viewer });
      const found = page.body.items.find((contact: { identities: { address: string }[] }) =>
        contact.identities.some((identity) => identity.address === message.from),
      );
      expect(found?.counters).toEqual({ accepted: 1, blocked: 0 });
      return found;
    });
    expect(list).toMatchObject({
      name: 'Grace from WhatsApp',
      lastMessageAt: message.sentAt,
      firstSeenAt: message.sentAt,
    });
    const history = await http('GET', url(`/${list.contactId}/messages`), { token: viewer });
    expect(history.body.items).toEqual([
      expect.objectContaining({ messageId: message.messageId, status: 'accepted' }),
    ]);
  });

  it('counts each message once however often it is delivered, accepted and dropped alike', async () => {
    const contact = await createContact();
    const from = contact.identities[0].address;
    const accepted = [1, 2, 3].map(() => anInboundMessage({ tenantId: tenant, from }));
    const dropped = anInboundMessage({ tenantId: tenant, from });
    const blockedRecord: BlockedMessage = {
      message: dropped,
      block: { contactId: contact.contactId, blockedAt: new Date().toISOString(), blockedBy: 'agent-ada' },
      droppedAt: new Date().toISOString(),
    };
    const key = identityKey(tenant, 'whatsapp', from);
    const acceptedRecords = accepted.map((message) => ({ key, value: JSON.stringify(message) }));
    // Every record twice: what a filter crash or a consumer restart can produce.
    await producer.send({
      topic: system.topics.messagesAccepted,
      messages: [...acceptedRecords, ...acceptedRecords],
    });
    const blockedValue = { key, value: JSON.stringify(blockedRecord) };
    await producer.send({ topic: system.topics.messagesBlocked, messages: [blockedValue, blockedValue] });

    await expectEventually(async () => {
      const details = await http('GET', url(`/${contact.contactId}`), { token: viewer });
      expect(details.body.counters).toEqual({ accepted: 3, blocked: 1 });
    });
    const history = await http('GET', url(`/${contact.contactId}/messages`), { token: viewer });
    expect(history.body.items).toHaveLength(4);
  });

  it('keeps the whole history over all identities, paged newest first by cursor and by time', async () => {
    const whatsapp = aWhatsappIdentity();
    const sms = { channel: 'sms', address: aWhatsappIdentity().address };
    const created = await http('POST', url(''), { token: author, body: { identities: [whatsapp, sms] } });
    expect(created.status).toBe(200);
    const contactId = created.body.contactId as string;
    // More than the 50 the chat screen once kept, alternating channels, one minute apart.
    const messages = Array.from({ length: 60 }, (_, index) => {
      const { channel, address } = index % 2 === 0 ? whatsapp : sms;
      return anInboundMessage({
        tenantId: tenant,
        channel,
        from: address,
        sentAt: new Date(Date.UTC(2026, 5, 1, 12, index)).toISOString(),
      });
    });
    await producer.send({
      topic: system.topics.messagesAccepted,
      messages: messages.map((message) => ({
        key: identityKey(tenant, message.channel, message.from),
        value: JSON.stringify(message),
      })),
    });
    await expectEventually(async () => {
      const details = await http('GET', url(`/${contactId}`), { token: viewer });
      expect(details.body.counters).toEqual({ accepted: 60, blocked: 0 });
      expect(details.body.lastMessageAt).toBe(messages[59].sentAt);
    });
    const newestFirst = messages.map((message) => message.messageId).reverse();
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await http(
        'GET',
        url(`/${contactId}/messages?limit=25${cursor ? `&cursor=${cursor}` : ''}`),
        {
          token: viewer,
        },
      );
      expect(page.status).toBe(200);
      seen.push(...(page.body.items as { messageId: string }[]).map((message) => message.messageId));
      cursor = page.body.nextCursor as string | undefined;
    } while (cursor);
    expect(seen).toEqual(newestFirst);
    const older = await http('GET', url(`/${contactId}/messages?limit=5&before=${messages[10].sentAt}`), {
      token: viewer,
    });
    expect(older.body.items.map((message: { messageId: string }) => message.messageId)).toEqual(
      newestFirst.slice(50, 55),
    );
    const invalid = await http('GET', url(`/${contactId}/messages?before=yesterday`), { token: viewer });
    expect(invalid.status).toBe(400);
  });

  it('loses neither a block nor a count when commands and messages hit one contact at once', async () => {
    const contact = await createContact();
    const from = contact.identities[0].address;
    const key = identityKey(tenant, 'whatsapp', from);
    const messages = Array.from({ length: 40 }, () => anInboundMessage({ tenantId: tenant, from }));

    const [blocked] = await Promise.all([
      http('POST', url(`/${contact.contactId}/block`), { token: author, body: { reason: 'race' } }),
      producer.send({
        topic: system.topics.messagesAccepted,
        messages: messages.map((message) => ({ key, value: JSON.stringify(message) })),
      }),
      http('POST', url(`/${contact.contactId}/tags`), { token: author, body: { tags: ['racer'] } }),
    ]);
    expect(blocked.status).toBe(200);

    await expectEventually(async () => {
      const details = await http('GET', url(`/${contact.contactId}`), { token: viewer });
      expect(details.body.counters).toEqual({ accepted: 40, blocked: 0 });
      expect(details.body.block).toMatchObject({ blocked: true, reason: 'race' });
      expect(details.body.tags).toEqual(['racer']);
    });
  });

  it('keeps notes: add, list newest first, edit by author or admin only, delete', async () => {
    const contact = await createContact();
    const hostile = '<script>alert("x")</script> & "quotes"';
    const first = await http('POST', url(`/${contact.contactId}/notes`), {
      token: author,
      body: { body: 'first note' },
    });
    const second = await http('POST', url(`/${contact.contactId}/notes`), {
      token: author,
      body: { body: hostile },
    });
    expect(first.status).toBe(200);
    expect(second.body).toMatchObject({ authorId: 'agent-ada', body: hostile, contactId: contact.contactId });

    const byColleague = await http('PATCH', url(`/${contact.contactId}/notes/${first.body.noteId}`), {
      token: colleague,
      body: { body: 'hijacked' },
    });
    const byViewer = await http('POST', url(`/${contact.contactId}/notes`), {
      token: viewer,
      body: { body: 'no' },
    });
    const byAdmin = await http('PATCH', url(`/${contact.contactId}/notes/${first.body.noteId}`), {
      token: admin,
      body: { body: 'first note, corrected' },
    });
    expect(byColleague.status).toBe(403);
    expect(byColleague.body.code).toBe('not-note-author');
    expect(byViewer.status).toBe(403);
    expect(byAdmin.status).toBe(200);
    expect(byAdmin.body).toMatchObject({
      body: 'first note, corrected',
      editedBy: 'admin-eve',
      authorId: 'agent-ada',
    });

    const firstPage = await http('GET', url(`/${contact.contactId}/notes?limit=1`), { token: viewer });
    const secondPage = await http(
      'GET',
      url(`/${contact.contactId}/notes?limit=1&cursor=${firstPage.body.nextCursor}`),
      {
        token: viewer,
      },
    );
    expect(firstPage.body.items.map((note: { body: string }) => note.body)).toEqual([hostile]);
    expect(secondPage.body.items.map((note: { body: string }) => note.body)).toEqual([
      'first note, corrected',
    ]);

    const deleted = await http('DELETE', url(`/${contact.contactId}/notes/${second.body.noteId}`), {
      token: author,
    });
    expect(deleted.status).toBe(200);
    const afterDelete = await http('GET', url(`/${contact.contactId}/notes`), { token: viewer });
    expect(afterDelete.body.items.map((note: { noteId: string }) => note.noteId)).toEqual([
      first.body.noteId,
    ]);
    const again = await http('DELETE', url(`/${contact.contactId}/notes/${second.body.noteId}`), {
      token: author,
    });
    expect(again.status).toBe(404);
    expect(again.body.code).toBe('note-not-found');
  });

  it('shows in the activity who blocked the contact and why, and records note deletions', async () => {
    const contact = await createContact();
    await http('POST', url(`/${contact.contactId}/block`), {
      token: colleague,
      body: { reason: 'abusive language' },
    });
    const note = await http('POST', url(`/${contact.contactId}/notes`), {
      token: author,
      body: { body: 'to delete' },
    });
    await http('DELETE', url(`/${contact.contactId}/notes/${note.body.noteId}`), { token: author });

    const activity = await expectEventually(async () => {
      const page = await http('GET', url(`/${contact.contactId}/activity`), { token: viewer });
      expect(page.body.items.map((entry: { type: string }) => entry.type)).toEqual([
        'NoteDeleted',
        'NoteAdded',
        'ContactBlocked',
        'ContactCreated',
      ]);
      return page.body.items;
    });
    expect(activity[2]).toMatchObject({
      actor: { id: 'agent-bob' },
      details: { reason: 'abusive language' },
    });
    expect(activity[0]).toMatchObject({ actor: { id: 'agent-ada' }, details: { noteId: note.body.noteId } });
    const details = await http('GET', url(`/${contact.contactId}`), { token: viewer });
    expect(details.body.block).toMatchObject({
      blocked: true,
      blockedBy: 'agent-bob',
      reason: 'abusive language',
    });
    expect(details.body.recentActivity.length).toBeGreaterThanOrEqual(3);
  });

  it('edits the profile: replaces given fields, clears with null, merges attributes', async () => {
    const created = await http('POST', url(''), {
      token: author,
      body: { identities: [aWhatsappIdentity()], name: 'Ada', attributes: { plan: 'free', seats: 1 } },
    });
    const patched = await http('PATCH', url(`/${created.body.contactId}`), {
      token: author,
      body: {
        name: null,
        email: 'ada@example.com',
        phone: '+442071838750',
        attributes: { plan: 'pro', seats: null },
      },
    });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({
      email: 'ada@example.com',
      phone: '+442071838750',
      attributes: { plan: 'pro' },
    });
    expect(patched.body.name).toBeUndefined();
    expect(patched.body.attributes).not.toHaveProperty('seats');
    const onlyEmail = await http('PATCH', url(`/${created.body.contactId}`), {
      token: author,
      body: { email: 'ada@lovelace.dev' },
    });
    expect(onlyEmail.body).toMatchObject({
      email: 'ada@lovelace.dev',
      phone: '+442071838750',
      attributes: { plan: 'pro' },
    });
    const nothing = await http('PATCH', url(`/${created.body.contactId}`), { token: author, body: {} });
    expect(nothing.status).toBe(400);

    const invalid = await http('PATCH', url(`/${created.body.contactId}`), {
      token: author,
      body: { phone: '020 7183 8750' },
    });
    const byViewer = await http('PATCH', url(`/${created.body.contactId}`), {
      token: viewer,
      body: { name: 'x' },
    });
    expect(invalid.status).toBe(400);
    expect(invalid.body.errors[0].field).toBe('phone');
    expect(byViewer.status).toBe(403);
  });

  it('tags a contact case-insensitively, keeps the catalog spelling and shows catalog colours', async () => {
    const contact = await createContact();
    const first = await http('POST', url(`/${contact.contactId}/tags`), {
      token: author,
      body: { tags: [' VIP ', 'Churn-Risk'] },
    });
    const other = await createContact();
    const second = await http('POST', url(`/${other.contactId}/tags`), {
      token: author,
      body: { tags: ['vip', 'vip'] },
    });

    expect(first.status).toBe(200);
    expect(first.body.tags).toEqual(['VIP', 'Churn-Risk']);
    expect(second.body.tags).toEqual(['VIP']);
    const details = await http('GET', url(`/${contact.contactId}`), { token: viewer });
    expect(details.body.tagDetails).toEqual([
      {
        tagId: expect.stringMatching(/^t_/),
        name: 'VIP',
        colour: expect.stringMatching(/^#[0-9a-f]{6}$/),
        usage: 2,
      },
      {
        tagId: expect.stringMatching(/^t_/),
        name: 'Churn-Risk',
        colour: expect.stringMatching(/^#[0-9a-f]{6}$/),
        usage: 1,
      },
    ]);
    const catalog = await http('GET', `${system.gateway.url}/v1/tags`, { token: viewer });
    expect(catalog.body.items.map((tag: { name: string }) => tag.name)).toEqual(
      expect.arrayContaining(['VIP', 'Churn-Risk']),
    );

    const removed = await http('POST', url(`/${contact.contactId}/tags/remove`), {
      token: author,
      body: { tags: ['vip'] },
    });
    expect(removed.body.tags).toEqual(['Churn-Risk']);
    await expectEventually(async () => {
      const activity = await http('GET', url(`/${contact.contactId}/activity`), { token: viewer });
      expect(activity.body.items[0]).toMatchObject({
        type: 'ContactUntagged',
        details: { tags: ['Churn-Risk'] },
      });
    });
  });

  it('refuses invalid tag names and more tags than a contact may carry', async () => {
    const contact = await createContact();
    const empty = await http('POST', url(`/${contact.contactId}/tags`), {
      token: author,
      body: { tags: ['   '] },
    });
    const tooLong = await http('POST', url(`/${contact.contactId}/tags`), {
      token: author,
      body: { tags: ['x'.repeat(65)] },
    });
    const tooManyInOneCall = await http('POST', url(`/${contact.contactId}/tags`), {
      token: author,
      body: { tags: Array.from({ length: 51 }, (_, index) => `t${index}`) },
    });
    expect([empty.status, tooLong.status, tooManyInOneCall.status]).toEqual([400, 400, 400]);

    for (let batch = 0; batch < 2; batch++) {
      const added = await http('POST', url(`/${contact.contactId}/tags`), {
        token: author,
        body: { tags: Array.from({ length: 50 }, (_, index) => `bulk-${batch}-${index}`) },
      });
      expect(added.status).toBe(200);
    }
    const overLimit = await http('POST', url(`/${contact.contactId}/tags`), {
      token: author,
      body: { tags: ['one-more'] },
    });
    expect(overLimit.status).toBe(422);
    expect(overLimit.body.code).toBe('too-many-tags');
  });

  it('answers 404 to another tenant for the contact, its notes, activity and messages', async () => {
    const contact = await createContact();
    const intruder = mintToken({ tenant: aTenantId(), role: 'admin' });
    for (const path of ['', '/notes', '/activity', '/messages']) {
      const response = await http('GET', url(`/${contact.contactId}${path}`), { token: intruder });
      expect({ path, status: response.status }).toEqual({ path, status: 404 });
    }
    const note = await http('POST', url(`/${contact.contactId}/notes`), {
      token: intruder,
      body: { body: 'sneaky' },
    });
    expect(note.status).toBe(404);
  });
});
