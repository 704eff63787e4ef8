import { randomUUID } from 'node:crypto';
import type { Producer } from 'kafkajs';
import { MongoClient } from 'mongodb';
import {
  contactKey,
  parseCommand,
  PINNED_NOTES_PER_CONTACT_MAX,
  type ContactEvent,
} from '@switchboard/contracts';
import {
  aContactCommand,
  aTenantId,
  aWhatsappIdentity,
  expectEventually,
  mintToken,
  TopicProbe,
} from '@switchboard/testing';
import { decideNote, type NoteCommand } from '../apps/contacts/src/notes/note-decisions';
import { http } from './support/http';
import { startSystem, type System } from './support/system';

describe('notes: mentions, pins and edit history', () => {
  const tenant = aTenantId();
  const author = mintToken({ tenant, sub: 'agent-ada', role: 'agent' });
  const colleague = mintToken({ tenant, sub: 'agent-bob', role: 'agent' });
  const admin = mintToken({ tenant, sub: 'admin-eve', role: 'admin' });
  const viewer = mintToken({ tenant, sub: 'viewer-vic', role: 'viewer' });
  let system: System;
  let probe: TopicProbe;
  let producer: Producer;
  let store: MongoClient;

  beforeAll(async () => {
    system = await startSystem();
    probe = await new TopicProbe(system.kafka, [system.topics.contactEvents]).start();
    producer = system.kafka.producer();
    await producer.connect();
    store = await MongoClient.connect(process.env.MONGODB_URI!);
  });

  afterAll(async () => {
    await store?.close();
    await producer?.disconnect();
    await probe?.stop();
    await system?.stop();
  });

  const url = (path: string) => `${system.gateway.url}/v1/contacts${path}`;

  async function createContact(): Promise<string> {
    const created = await http('POST', url(''), {
      token: author,
      body: { identities: [aWhatsappIdentity()], name: 'Ada' },
    });
    expect(created.status).toBe(200);
    return created.body.contactId as string;
  }

  async function addNote(contactId: string, body: string, token = author): Promise<string> {
    const added = await http('POST', url(`/${contactId}/notes`), { token, body: { body } });
    expect(added.status).toBe(200);
    return added.body.noteId as string;
  }

  const events = (predicate: (event: ContactEvent) => boolean) =>
    probe.json<ContactEvent>(
      system.topics.contactEvents,
      (event) => event.tenantId === tenant && predicate(event),
    );

  const mentionsOf = (noteId: string) =>
    events(
      (event) =>
        event.type === 'NoteMentioned' && 'noteId' in event.payload && event.payload.noteId === noteId,
    ) as Extract<ContactEvent, { type: 'NoteMentioned' }>[];

  it('publishes one NoteMentioned per newly mentioned agent, once, however often the call is retried', async () => {
    const contactId = await createContact();
    const headers = { 'idempotency-key': `mention-${randomUUID()}` };
    const body =
      'customer asks for a refund: @agent-bob and @agent-carl, please; cc @agent-ada and ada@acme.com';
    const first = await http('POST', url(`/${contactId}/notes`), { token: author, body: { body }, headers });
    const retried = await http('POST', url(`/${contactId}/notes`), {
      token: author,
      body: { body },
      headers,
    });
    expect(first.status).toBe(200);
    expect(retried.body).toEqual(first.body);
    const noteId = first.body.noteId as string;
    const commandId = first.headers.get('x-command-id');

    await expectEventually(() => {
      // the retry's answer is the recorded NoteAdded published again: two of those, mentions once
      expect(events((event) => event.type === 'NoteAdded' && event.commandId === commandId)).toHaveLength(2);
    });
    const mentions = mentionsOf(noteId);
    expect(mentions.map((event) => event.payload.mentionedActorId).sort()).toEqual([
      'agent-bob',
      'agent-carl',
    ]);
    for (const mention of mentions) {
      expect(mention).toMatchObject({
        commandId,
        tenantId: tenant,
        contactId,
        actor: { id: 'agent-ada', kind: 'agent', role: 'agent' },
        payload: { noteId, excerpt: body, revision: 1 },
      });
    }
    const records = probe
      .of(system.topics.contactEvents)
      .filter((record) => mentions.some((mention) => record.value?.toString().includes(mention.eventId)));
    expect(records.every((record) => record.key?.toString() === contactKey(tenant, contactId))).toBe(true);

    // an edit (by an admin) notifies only agents the note did not mention before
    const edited = await http('PATCH', url(`/${contactId}/notes/${noteId}`), {
      token: admin,
      body: { body: `${body} and @agent-dan too` },
    });
    expect(edited.status).toBe(200);
    await expectEventually(() => {
      expect(
        mentionsOf(noteId)
          .map((event) => event.payload.mentionedActorId)
          .sort(),
      ).toEqual(['agent-bob', 'agent-carl', 'agent-dan']);
    });
    expect(mentionsOf(noteId).find((event) => event.payload.mentionedActorId === 'agent-dan')).toMatchObject({
      actor: { id: 'admin-eve' },
      payload: { revision: 2 },
    });
  });

  it('publishes the mentions of a command redelivered on the topic only once', async () => {
    const contactId = await createContact();
    const command = aContactCommand({
      tenantId: tenant,
      contactId,
      type: 'note.add',
      actor: { id: 'crm-sync', kind: 'service', role: 'agent' },
      payload: { noteId: `n_${randomUUID()}`, body: 'escalated to @agent-zoe' },
    }) as { commandId: string; payload: { noteId: string } };
    const record = { key: contactKey(tenant, contactId), value: JSON.stringify(command) };
    const noteAdded = () =>
      events((event) => event.commandId === command.commandId && event.type === 'NoteAdded');
    // Twice in one batch: applied once, its event published with the batch.
    await producer.send({ topic: system.topics.contactCommands, messages: [record, record] });
    await expectEventually(() => expect(noteAdded().length).toBeGreaterThanOrEqual(1));
    const published = noteAdded().length;
    // Once more, later: its recorded outcome is published again.
    await producer.send({ topic: system.topics.contactCommands, messages: [record] });
    await expectEventually(() => expect(noteAdded().length).toBeGreaterThan(published));

    expect(new Set(noteAdded().map((event) => event.eventId)).size).toBe(1);
    expect(mentionsOf(command.payload.noteId).map((event) => event.payload.mentionedActorId)).toEqual([
      'agent-zoe',
    ]);
  });

  it('publishes the mentions of a note written before a crash, when the command comes again', async () => {
    const contactId = await createContact();
    const command = parseCommand(
      aContactCommand({
        tenantId: tenant,
        contactId,
        type: 'note.add',
        actor: { id: 'agent-ada', kind: 'agent', role: 'agent' },
        payload: { noteId: `n_${randomUUID()}`, body: '@agent-bob @agent-carl have a look' },
      }),
    ) as NoteCommand & { type: 'note.add' };
    // the service wrote the note, then died before recording the command on the contact
    const decision = decideNote(command, null, new Date(), { pinnedCount: 0 });
    if (decision.kind !== 'insert') {
      throw new Error('expected an insert');
    }
    await store
      .db(process.env.MONGODB_DB)
      .collection('notes')
      .insertOne({
        ...decision.note,
        _id: `${tenant}:${command.payload.noteId}` as never,
        version: 1,
        deleted: false,
      });
    await producer.send({
      topic: system.topics.contactCommands,
      messages: [{ key: contactKey(tenant, contactId), value: JSON.stringify(command) }],
    });

    await expectEventually(() => {
      expect(
        events((event) => event.commandId === command.commandId && event.type === 'NoteAdded'),
      ).toHaveLength(1);
    });
    expect(
      mentionsOf(command.payload.noteId)
        .map((event) => event.payload.mentionedActorId)
        .sort(),
    ).toEqual(['agent-bob', 'agent-carl']);
  });

  it('refuses a note that mentions more than 20 agents', async () => {
    const contactId = await createContact();
    const body = Array.from({ length: 21 }, (_, index) => `@agent-${index}`).join(' ');
    const response = await http('POST', url(`/${contactId}/notes`), { token: author, body: { body } });
    expect(response.status).toBe(400);
    expect(response.body.errors[0]).toMatchObject({ field: 'body' });
  });

  it('shows pinned notes first in the user details and the notes, up to 10 per contact', async () => {
    const contactId = await createContact();
    const oldest = await addNote(contactId, 'oldest');
    const middle = await addNote(contactId, 'middle');
    const newest = await addNote(contactId, 'newest');

    const pinned = await http('POST', url(`/${contactId}/notes/${oldest}/pin`), { token: colleague });
    expect(pinned.status).toBe(200);
    expect(pinned.body).toMatchObject({ noteId: oldest, pinned: true, pinnedBy: 'agent-bob' });
    const byViewer = await http('POST', url(`/${contactId}/notes/${middle}/pin`), { token: viewer });
    expect(byViewer.status).toBe(403);

    const details = await http('GET', url(`/${contactId}`), { token: viewer });
    expect(details.body.recentNotes.map((note: { noteId: string }) => note.noteId)).toEqual([
      oldest,
      newest,
      middle,
    ]);
    const firstPage = await http('GET', url(`/${contactId}/notes?limit=2`), { token: viewer });
    const secondPage = await http(
      'GET',
      url(`/${contactId}/notes?limit=2&cursor=${firstPage.body.nextCursor}`),
      {
        token: viewer,
      },
    );
    expect(
      [...firstPage.body.items, ...secondPage.body.items].map((note: { noteId: string }) => note.noteId),
    ).toEqual([oldest, newest, middle]);
    expect(secondPage.body.nextCursor).toBeUndefined();

    const event = await expectEventually(() => {
      const [found] = events(
        (candidate) => candidate.type === 'NotePinned' && candidate.contactId === contactId,
      );
      expect(found).toBeDefined();
      return found;
    });
    expect(event).toMatchObject({
      actor: { id: 'agent-bob' },
      payload: {
        changed: true,
        changedFields: ['pinned'],
        previous: { pinned: false },
        note: { pinned: true },
      },
    });

    const unpinned = await http('POST', url(`/${contactId}/notes/${oldest}/unpin`), { token: author });
    expect(unpinned.body).toMatchObject({ pinned: false });
    const afterUnpin = await http('GET', url(`/${contactId}/notes`), { token: viewer });
    expect(afterUnpin.body.items.map((note: { noteId: string }) => note.noteId)).toEqual([
      newest,
      middle,
      oldest,
    ]);

    const more = [];
    for (let index = 0; index < PINNED_NOTES_PER_CONTACT_MAX; index++) {
      more.push(await addNote(contactId, `note ${index}`));
    }
    for (const noteId of more) {
      expect((await http('POST', url(`/${contactId}/notes/${noteId}/pin`), { token: author })).status).toBe(
        200,
      );
    }
    const overLimit = await http('POST', url(`/${contactId}/notes/${oldest}/pin`), { token: author });
    expect(overLimit.status).toBe(422);
    expect(overLimit.body).toMatchObject({ code: 'too-many-pinned-notes' });
    const again = await http('POST', url(`/${contactId}/notes/${more[0]}/pin`), { token: author });
    expect(again.status).toBe(200); // already pinned: unchanged, not refused
  });

  it('keeps the history of a note: who changed what and when, the deletion included', async () => {
    const contactId = await createContact();
    const noteId = await addNote(contactId, 'v1');
    await http('PATCH', url(`/${contactId}/notes/${noteId}`), { token: author, body: { body: 'v2' } });
    await http('PATCH', url(`/${contactId}/notes/${noteId}`), { token: admin, body: { body: 'v3' } });
    await http('PATCH', url(`/${contactId}/notes/${noteId}`), { token: admin, body: { body: 'v3' } }); // no change
    await http('POST', url(`/${contactId}/notes/${noteId}/pin`), { token: colleague });
    const deleted = await http('DELETE', url(`/${contactId}/notes/${noteId}`), { token: admin });
    expect(deleted.status).toBe(200);

    const history = await http('GET', url(`/${contactId}/notes/${noteId}/history`), { token: viewer });
    expect(history.status).toBe(200);
    expect(history.body).toMatchObject({ noteId, contactId, deleted: true, dropped: 0 });
    expect(
      history.body.items.map(
        ({ revision, kind, body, previousBody, editedBy, pinned }: Record<string, unknown>) => ({
          revision,
          kind,
          body,
          previousBody,
          editedBy,
          pinned,
        }),
      ),
    ).toEqual([
      {
        revision: 1,
        kind: 'created',
        body: 'v1',
        previousBody: undefined,
        editedBy: 'agent-ada',
        pinned: false,
      },
      { revision: 2, kind: 'edited', body: 'v2', previousBody: 'v1', editedBy: 'agent-ada', pinned: false },
      { revision: 3, kind: 'edited', body: 'v3', previousBody: 'v2', editedBy: 'admin-eve', pinned: false },
      {
        revision: 4,
        kind: 'pinned',
        body: 'v3',
        previousBody: undefined,
        editedBy: 'agent-bob',
        pinned: true,
      },
      {
        revision: 5,
        kind: 'deleted',
        body: 'v3',
        previousBody: undefined,
        editedBy: 'admin-eve',
        pinned: true,
      },
    ]);
    for (const revision of history.body.items) {
      expect(revision.commandId).toEqual(expect.any(String));
      expect(Date.parse(revision.editedAt)).not.toBeNaN();
    }

    const edit = await expectEventually(() => {
      const [found] = events(
        (event) =>
          event.type === 'NoteEdited' && event.contactId === contactId && event.actor.id === 'admin-eve',
      ).filter((event) => 'changed' in event.payload && event.payload.changed);
      expect(found).toBeDefined();
      return found;
    });
    expect(edit.payload).toMatchObject({
      previous: { body: 'v2' },
      note: { body: 'v3' },
      changedFields: ['body'],
    });
    const deletion = await expectEventually(() => {
      const [found] = events((event) => event.type === 'NoteDeleted' && event.contactId === contactId);
      expect(found).toBeDefined();
      return found;
    });
    expect(deletion).toMatchObject({
      actor: { id: 'admin-eve' },
      payload: { previous: { body: 'v3' }, note: { body: 'v3' } },
    });
  });

  it('answers 404 to another tenant for a note’s history, pin and unpin', async () => {
    const contactId = await createContact();
    const noteId = await addNote(contactId, 'private');
    const intruder = mintToken({ tenant: aTenantId(), sub: 'admin-x', role: 'admin' });
    const history = await http('GET', url(`/${contactId}/notes/${noteId}/history`), { token: intruder });
    expect(history.status).toBe(404);
    for (const action of ['pin', 'unpin']) {
      const response = await http('POST', url(`/${contactId}/notes/${noteId}/${action}`), {
        token: intruder,
      });
      expect({ action, status: response.status }).toEqual({ action, status: 404 });
    }
    const unknown = await http('GET', url(`/${contactId}/notes/n_nope/history`), { token: viewer });
    expect(unknown.status).toBe(404);
    expect(unknown.body.code).toBe('note-not-found');
  });
});
