import {
  NOTE_REVISIONS_KEPT,
  parseCommand,
  PINNED_NOTES_PER_CONTACT_MAX,
  type Role,
} from '@switchboard/contracts';
import { aContactCommand } from '@switchboard/testing';
import { aStoredNote } from '../../../../test/support/notes-factory';
import { decideNote, noteChangeOf, type NoteCommand, type NoteDecision } from './note-decisions';
import { toNoteHistoryView } from './note-history';
import { mentionEvents, notePayloadOf } from './note-publications';
import type { Note } from './note.schema';

const now = new Date('2026-11-29T12:00:00Z');
const noPins = { pinnedCount: 0 };

function command(
  type: NoteCommand['type'],
  payload: object,
  actor: { id: string; role?: Role } = { id: 'agent-ada' },
): NoteCommand {
  return parseCommand(
    aContactCommand({
      type,
      contactId: 'c_ada',
      payload: { noteId: 'n_first', ...payload },
      actor: { id: actor.id, kind: 'agent', role: actor.role ?? 'agent' },
    }),
  ) as NoteCommand;
}

/** The note as stored after a decision was written. */
function applied(current: Note | null, decision: NoteDecision, commandId: string): Note {
  if (decision.kind === 'insert') {
    return { ...decision.note, _id: `acme:${decision.note.noteId}`, version: 1, deleted: false };
  }
  if (decision.kind === 'rejected' || !current) {
    throw new Error(`nothing applied: ${decision.kind}`);
  }
  return {
    ...current,
    ...decision.changes,
    version: current.version + 1,
    appliedCommandIds: [...current.appliedCommandIds, commandId],
  };
}

function run(current: Note | null, noteCommand: NoteCommand, context = noPins): Note {
  return applied(current, decideNote(noteCommand, current, now, context), noteCommand.commandId);
}

describe('note decisions', () => {
  it('records the creation as the first revision of the note’s history', () => {
    const add = command('note.add', { body: 'hello @agent-bob' });
    const note = run(null, add);
    expect(note.revisions).toEqual([
      {
        revision: 1,
        kind: 'created',
        body: 'hello @agent-bob',
        pinned: false,
        editedBy: 'agent-ada',
        editedAt: now,
        commandId: add.commandId,
      },
    ]);
    expect(notePayloadOf(note, noteChangeOf(note, add.commandId))).toMatchObject({
      changed: true,
      revision: 1,
      changedFields: [],
      note: { body: 'hello @agent-bob', pinned: false },
    });
  });

  it('lets the author or an admin edit, and keeps who changed what in the history', () => {
    const add = command('note.add', { body: 'first' });
    const byAuthor = command('note.edit', { body: 'second' });
    const byColleague = command('note.edit', { body: 'mine now' }, { id: 'agent-bob' });
    const byAdmin = command('note.edit', { body: 'third' }, { id: 'admin-eve', role: 'admin' });
    const created = run(null, add);
    const edited = run(created, byAuthor);
    expect(decideNote(byColleague, edited, now, noPins)).toMatchObject({
      kind: 'rejected',
      code: 'not-note-author',
    });
    const reEdited = run(edited, byAdmin);
    expect(toNoteHistoryView(reEdited).items).toEqual([
      expect.objectContaining({ revision: 1, kind: 'created', body: 'first', editedBy: 'agent-ada' }),
      expect.objectContaining({ revision: 2, kind: 'edited', body: 'second', previousBody: 'first' }),
      expect.objectContaining({
        revision: 3,
        kind: 'edited',
        body: 'third',
        previousBody: 'second',
        editedBy: 'admin-eve',
        commandId: byAdmin.commandId,
      }),
    ]);
    expect(notePayloadOf(reEdited, noteChangeOf(reEdited, byAdmin.commandId))).toMatchObject({
      changed: true,
      revision: 3,
      changedFields: ['body'],
      previous: { body: 'second', pinned: false },
      note: { body: 'third', editedBy: 'admin-eve' },
    });
  });

  it('writes no revision for an edit that changes nothing', () => {
    const note = aStoredNote({ body: 'same' });
    const same = command('note.edit', { body: 'same' });
    expect(decideNote(same, note, now, noPins)).toEqual({ kind: 'update', changed: false, changes: {} });
    const stored = run(note, same);
    expect(noteChangeOf(stored, same.commandId)).toEqual({});
    expect(notePayloadOf(stored, {})).toEqual({
      note: expect.objectContaining({ body: 'same' }),
      changed: false,
    });
  });

  it('starts the history of a note written before history with its state then', () => {
    const legacy = aStoredNote({ body: 'old', editedBy: 'admin-eve', updatedAt: new Date('2026-02-01') });
    const edit = command('note.edit', { body: 'new' });
    const stored = run(legacy, edit);
    expect(toNoteHistoryView(stored).items).toMatchObject([
      {
        revision: 1,
        kind: 'edited',
        body: 'old',
        editedBy: 'admin-eve',
        editedAt: '2026-02-01T00:00:00.000Z',
      },
      { revision: 2, kind: 'edited', body: 'new', previousBody: 'old', editedBy: 'agent-ada' },
    ]);
    expect(toNoteHistoryView(stored).items[0]).not.toHaveProperty('commandId');
  });

  it(`keeps the newest ${NOTE_REVISIONS_KEPT} revisions and counts those dropped`, () => {
    let note = run(null, command('note.add', { body: 'v0' }));
    for (let index = 1; index <= NOTE_REVISIONS_KEPT + 4; index += 1) {
      note = run(note, command('note.edit', { body: `v${index}` }));
    }
    const history = toNoteHistoryView(note);
    expect(history.items).toHaveLength(NOTE_REVISIONS_KEPT);
    expect(history.dropped).toBe(5);
    expect(history.items[0].revision).toBe(6);
    expect(history.items[history.items.length - 1]).toMatchObject({
      revision: NOTE_REVISIONS_KEPT + 5,
      body: `v${NOTE_REVISIONS_KEPT + 4}`,
    });
  });

  it('lets any agent pin or unpin a note, with the pin state before and after on the event', () => {
    const note = aStoredNote();
    const pin = command('note.pin', {}, { id: 'agent-bob' });
    const pinned = run(note, pin);
    expect(pinned).toMatchObject({ pinned: true, pinnedAt: now, pinnedBy: 'agent-bob' });
    expect(notePayloadOf(pinned, noteChangeOf(pinned, pin.commandId))).toMatchObject({
      changed: true,
      changedFields: ['pinned'],
      previous: { pinned: false },
      note: { pinned: true, pinnedBy: 'agent-bob' },
    });
    const unpin = command('note.unpin', {}, { id: 'agent-carl' });
    const unpinned = run(pinned, unpin);
    expect(notePayloadOf(unpinned, noteChangeOf(unpinned, unpin.commandId))).toMatchObject({
      changedFields: ['pinned'],
      previous: { pinned: true },
      note: { pinned: false },
    });
    expect(toNoteHistoryView(unpinned).items.map((revision) => revision.kind)).toEqual([
      'created',
      'pinned',
      'unpinned',
    ]);
  });

  it('treats pinning a pinned note and unpinning an unpinned one as unchanged', () => {
    const pinned = aStoredNote({ pinned: true });
    expect(decideNote(command('note.pin', {}), pinned, now, { pinnedCount: 10 })).toEqual({
      kind: 'update',
      changed: false,
      changes: {},
    });
    expect(decideNote(command('note.unpin', {}), aStoredNote(), now, noPins)).toMatchObject({
      changed: false,
    });
  });

  it(`refuses a pin past ${PINNED_NOTES_PER_CONTACT_MAX} pinned notes per contact`, () => {
    expect(
      decideNote(command('note.pin', {}), aStoredNote(), now, {
        pinnedCount: PINNED_NOTES_PER_CONTACT_MAX,
      }),
    ).toMatchObject({ kind: 'rejected', code: 'too-many-pinned-notes' });
    expect(
      decideNote(command('note.pin', {}), aStoredNote(), now, {
        pinnedCount: PINNED_NOTES_PER_CONTACT_MAX - 1,
      }),
    ).toMatchObject({ kind: 'update', changed: true });
  });

  it('carries the deleted body on the deletion, and refuses to change a deleted or foreign note', () => {
    const note = aStoredNote({ body: 'to go' });
    const remove = command('note.delete', {}, { id: 'admin-eve', role: 'admin' });
    const deleted = run(note, remove);
    expect(notePayloadOf(deleted, noteChangeOf(deleted, remove.commandId))).toMatchObject({
      changedFields: ['deleted'],
      previous: { body: 'to go' },
      note: { body: 'to go' },
    });
    for (const next of [command('note.edit', { body: 'x' }), command('note.pin', {})]) {
      expect(decideNote(next, deleted, now, noPins)).toMatchObject({ code: 'note-not-found' });
    }
    expect(
      decideNote(command('note.pin', {}), aStoredNote({ contactId: 'c_other' }), now, noPins),
    ).toMatchObject({ code: 'note-not-found' });
  });

  it('mentions each newly mentioned agent once, not the writer, with ids stable across redeliveries', () => {
    const body = '@agent-bob and @agent-carl, ask @agent-ada @agent-bob';
    const add = command('note.add', { body });
    const created = run(null, add);
    const mentions = mentionEvents(add, created, noteChangeOf(created, add.commandId), now);
    expect(mentions.map((event) => event.payload)).toEqual([
      { noteId: 'n_first', mentionedActorId: 'agent-bob', excerpt: body, revision: 1 },
      { noteId: 'n_first', mentionedActorId: 'agent-carl', excerpt: body, revision: 1 },
    ]);
    expect(mentions.every((event) => event.type === 'NoteMentioned' && event.actor.id === 'agent-ada')).toBe(
      true,
    );
    const again = mentionEvents(add, created, noteChangeOf(created, add.commandId), new Date());
    expect(again.map((event) => event.eventId)).toEqual(mentions.map((event) => event.eventId));

    const edit = command(
      'note.edit',
      { body: '@agent-bob @agent-carl @agent-dan' },
      { id: 'admin-eve', role: 'admin' },
    );
    const edited = run(created, edit);
    expect(
      mentionEvents(edit, edited, noteChangeOf(edited, edit.commandId), now).map(
        (event) => 'mentionedActorId' in event.payload && event.payload.mentionedActorId,
      ),
    ).toEqual(['agent-dan']);
  });

  it('mentions nobody on a pin, a deletion or an edit that changes nothing', () => {
    const note = run(null, command('note.add', { body: '@agent-bob' }));
    for (const next of [
      command('note.pin', {}),
      command('note.edit', { body: '@agent-bob' }),
      command('note.delete', {}),
    ]) {
      const stored = run(note, next, noPins);
      expect(mentionEvents(next, stored, noteChangeOf(stored, next.commandId), now)).toEqual([]);
    }
  });
});
