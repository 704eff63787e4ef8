import type { ContactCommandOf } from '@switchboard/contracts';
import type { Note } from './note.schema';

export type NoteDecision =
  | { kind: 'rejected'; code: 'note-not-found' | 'not-note-author'; reason: string }
  | { kind: 'insert'; note: Omit<Note, '_id' | 'version' | 'deleted'> }
  | { kind: 'update'; changes: Partial<Note>; changed: boolean };

type NoteCommand = ContactCommandOf<'note.add' | 'note.edit' | 'note.delete'>;

/** What a note command does, decided without I/O. Edits and deletions: the author or an admin. */
export function decideNote(command: NoteCommand, current: Note | null, now: Date): NoteDecision {
  if (command.type === 'note.add') {
    return {
      kind: 'insert',
      note: {
        tenantId: command.tenantId,
        contactId: command.contactId,
        noteId: command.payload.noteId,
        authorId: command.actor.id,
        body: command.payload.body,
        createdAt: now,
        updatedAt: now,
        appliedCommandIds: [command.commandId],
      },
    };
  }
  if (!current || current.deleted || current.contactId !== command.contactId) {
    return {
      kind: 'rejected',
      code: 'note-not-found',
      reason: `note ${command.payload.noteId} does not exist`,
    };
  }
  if (current.authorId !== command.actor.id && command.actor.role !== 'admin') {
    return {
      kind: 'rejected',
      code: 'not-note-author',
      reason: 'only the author or an admin may change this note',
    };
  }
  if (command.type === 'note.delete') {
    return {
      kind: 'update',
      changed: true,
      changes: { deleted: true, deletedBy: command.actor.id, updatedAt: now },
    };
  }
  const changed = command.payload.body !== current.body;
  return {
    kind: 'update',
    changed,
    changes: changed ? { body: command.payload.body, editedBy: command.actor.id, updatedAt: now } : {},
  };
}
