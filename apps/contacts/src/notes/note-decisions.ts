import {
  NOTE_REVISIONS_KEPT,
  PINNED_NOTES_PER_CONTACT_MAX,
  type ContactCommandOf,
  type NoteRevisionKind,
} from '@switchboard/contracts';
import type { Rejection } from '../contacts/contact-decisions';
import { revisionsOf, type Note, type NoteRevision } from './note.schema';

export type NoteChanges = Partial<
  Pick<
    Note,
    | 'body'
    | 'editedBy'
    | 'deleted'
    | 'deletedBy'
    | 'updatedAt'
    | 'pinned'
    | 'pinnedAt'
    | 'pinnedBy'
    | 'revisions'
    | 'revisionsDropped'
  >
>;

export type NewNote = Omit<Note, '_id' | 'version' | 'deleted'>;

export type NoteDecision =
  | Rejection<'note-not-found' | 'not-note-author' | 'too-many-pinned-notes'>
  | { kind: 'insert'; note: NewNote }
  | { kind: 'update'; changes: NoteChanges; changed: boolean };

export type NoteCommand = ContactCommandOf<
  'note.add' | 'note.edit' | 'note.delete' | 'note.pin' | 'note.unpin'
>;

/** What the decision needs to know about the contact's other notes. */
export interface NoteContext {
  /** Pinned, not deleted notes of the contact, this one included if it is pinned. */
  pinnedCount: number;
}

/**
 * What a note command does, decided without I/O. Edits and deletions: the author or an admin.
 * Pins: any agent or admin (the gateway lets no viewer send one), up to 10 pinned per contact.
 * Every change appends a revision to the note's history in the same write.
 */
export function decideNote(
  command: NoteCommand,
  current: Note | null,
  now: Date,
  context: NoteContext,
): NoteDecision {
  const actorId = command.actor.id;
  if (command.type === 'note.add') {
    return {
      kind: 'insert',
      note: {
        tenantId: command.tenantId,
        contactId: command.contactId,
        noteId: command.payload.noteId,
        authorId: actorId,
        body: command.payload.body,
        createdAt: now,
        updatedAt: now,
        pinned: false,
        appliedCommandIds: [command.commandId],
        revisions: [
          {
            revision: 1,
            kind: 'created',
            body: command.payload.body,
            pinned: false,
            editedBy: actorId,
            editedAt: now,
            commandId: command.commandId,
          },
        ],
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
  const revise = (kind: NoteRevisionKind, after: Pick<NoteRevision, 'body' | 'pinned'>) =>
    withRevision(current, { kind, ...after, editedBy: actorId, editedAt: now, commandId: command.commandId });
  const pinned = current.pinned ?? false;
  if (command.type === 'note.pin' || command.type === 'note.unpin') {
    const pin = command.type === 'note.pin';
    if (pin === pinned) {
      return { kind: 'update', changed: false, changes: {} };
    }
    if (pin && context.pinnedCount >= PINNED_NOTES_PER_CONTACT_MAX) {
      return {
        kind: 'rejected',
        code: 'too-many-pinned-notes',
        reason: `a contact may have at most ${PINNED_NOTES_PER_CONTACT_MAX} pinned notes: unpin one first`,
      };
    }
    return {
      kind: 'update',
      changed: true,
      changes: {
        pinned: pin,
        ...(pin ? { pinnedAt: now, pinnedBy: actorId } : {}),
        ...revise(pin ? 'pinned' : 'unpinned', { body: current.body, pinned: pin }),
      },
    };
  }
  if (current.authorId !== actorId && command.actor.role !== 'admin') {
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
      changes: {
        deleted: true,
        deletedBy: actorId,
        updatedAt: now,
        ...revise('deleted', { body: current.body, pinned }),
      },
    };
  }
  const changed = command.payload.body !== current.body;
  return {
    kind: 'update',
    changed,
    changes: changed
      ? {
          body: command.payload.body,
          editedBy: actorId,
          updatedAt: now,
          ...revise('edited', { body: command.payload.body, pinned }),
        }
      : {},
  };
}

/** The note's history with one more revision, the oldest dropped beyond `NOTE_REVISIONS_KEPT`. */
function withRevision(
  current: Note,
  revision: Omit<NoteRevision, 'revision'>,
): Pick<Note, 'revisions' | 'revisionsDropped'> {
  const kept = revisionsOf(current);
  const all = [...kept, { ...revision, revision: kept[kept.length - 1].revision + 1 }];
  const dropped = Math.max(0, all.length - NOTE_REVISIONS_KEPT);
  return { revisions: all.slice(dropped), revisionsDropped: (current.revisionsDropped ?? 0) + dropped };
}

/** The change a command made to a note, read back from the note's history. */
export interface NoteChange {
  /** The revision the command wrote; absent when it changed nothing. */
  revision?: NoteRevision;
  /** The revision before it, when kept. */
  previous?: NoteRevision;
}

/**
 * What `commandId` changed on `note`, from the note as stored after it: the same answer on the
 * first pass and on a redelivery after a crash, so the events published are the same.
 */
export function noteChangeOf(note: Note, commandId: string): NoteChange {
  const revisions = note.revisions ?? [];
  const index = revisions.findIndex((revision) => revision.commandId === commandId);
  if (index < 0) {
    return {};
  }
  return { revision: revisions[index], ...(index > 0 && { previous: revisions[index - 1] }) };
}
