import { v5 as uuidv5 } from 'uuid';
import {
  mentionExcerpt,
  newMentions,
  type ContactCommand,
  type ContactEvent,
  type NotePayload,
  type NoteRevisionKind,
} from '@switchboard/contracts';
import { eventOf } from '../contacts/contact-publications';
import type { NoteChange } from './note-decisions';
import { toNoteView, type Note } from './note.schema';

/** Namespace of `NoteMentioned` event ids: UUIDv5 of the command id and the mentioned id. */
const MENTION_EVENT_NAMESPACE = 'c7d3f1a2-5b64-4e0f-9a8e-2d6b1f4c9e37';

const CHANGED_FIELDS: Record<NoteRevisionKind, string[]> = {
  created: [],
  edited: ['body'],
  deleted: ['deleted'],
  pinned: ['pinned'],
  unpinned: ['pinned'],
};

/** The payload of a note event: the note after the change, before it, and what changed. */
export function notePayloadOf(note: Note, change: NoteChange): NotePayload {
  const { revision, previous } = change;
  return {
    note: toNoteView(note),
    changed: revision !== undefined,
    ...(revision && {
      revision: revision.revision,
      changedFields: CHANGED_FIELDS[revision.kind],
      ...(revision.kind !== 'created' &&
        previous && { previous: { body: previous.body, pinned: previous.pinned } }),
    }),
  };
}

/**
 * One `NoteMentioned` per agent the command's change newly mentions (not the actor), with an id
 * that is the same however often the change is published.
 */
export function mentionEvents(
  command: ContactCommand,
  note: Note,
  change: NoteChange,
  now: Date,
): ContactEvent[] {
  const { revision, previous } = change;
  if (revision?.kind !== 'created' && revision?.kind !== 'edited') {
    return [];
  }
  const previousBody = revision.kind === 'edited' ? (previous?.body ?? '') : undefined;
  return newMentions(revision.body, previousBody, command.actor.id).map((mentionedActorId) => ({
    ...eventOf(
      command,
      { contactId: command.contactId },
      'NoteMentioned',
      {
        noteId: note.noteId,
        mentionedActorId,
        excerpt: mentionExcerpt(revision.body, mentionedActorId),
        revision: revision.revision,
      },
      now,
    ),
    eventId: uuidv5(`${command.commandId}\n${mentionedActorId}`, MENTION_EVENT_NAMESPACE),
  }));
}
