import { decodeCursor, encodeCursor } from '../contacts/page-cursor';
import type { NotePageCursor } from './notes.repository';
import type { Note } from './note.schema';

const PINNED_PREFIX = 'pinned:';

/** The cursor after `note`: its time and id, and whether it was among the pinned notes. */
export function encodeNoteCursor(note: Pick<Note, 'createdAt' | 'noteId' | 'pinned'>): string {
  return encodeCursor(note.createdAt, note.pinned ? `${PINNED_PREFIX}${note.noteId}` : note.noteId);
}

/** The position of a note cursor (a cursor from before pins reads as one among unpinned notes). */
export function decodeNoteCursor(cursor: string | undefined): NotePageCursor | undefined {
  const position = decodeCursor(cursor);
  if (!position) {
    return undefined;
  }
  const pinned = position.id.startsWith(PINNED_PREFIX);
  return { at: position.at, id: pinned ? position.id.slice(PINNED_PREFIX.length) : position.id, pinned };
}
