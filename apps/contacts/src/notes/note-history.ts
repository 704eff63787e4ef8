import type { NoteHistoryView, NoteRevisionView } from '@switchboard/contracts';
import { revisionsOf, type Note } from './note.schema';

/** A note's history, oldest first, each edit with the body it replaced when that is kept. */
export function toNoteHistoryView(note: Note): NoteHistoryView {
  const revisions = revisionsOf(note);
  return {
    noteId: note.noteId,
    contactId: note.contactId,
    deleted: note.deleted,
    dropped: note.revisionsDropped ?? 0,
    items: revisions.map((revision, index): NoteRevisionView => {
      const previous = index > 0 ? revisions[index - 1] : undefined;
      return {
        revision: revision.revision,
        kind: revision.kind,
        body: revision.body,
        ...(revision.kind === 'edited' && previous && { previousBody: previous.body }),
        pinned: revision.pinned,
        editedBy: revision.editedBy,
        editedAt: new Date(revision.editedAt).toISOString(),
        ...(revision.commandId && { commandId: revision.commandId }),
      };
    }),
  };
}
