import type { Note } from '../../apps/contacts/src/notes/note.schema';

/** A note as the contacts service stores it, written before notes had a history unless given one. */
export function aStoredNote(overrides: Partial<Note> = {}): Note {
  const tenantId = overrides.tenantId ?? 'acme';
  const noteId = overrides.noteId ?? 'n_first';
  return {
    _id: `${tenantId}:${noteId}`,
    tenantId,
    contactId: 'c_ada',
    noteId,
    authorId: 'agent-ada',
    body: 'called back, ask @agent-bob about the refund',
    createdAt: new Date('2026-01-01T00:00:00Z'),
    updatedAt: new Date('2026-01-01T00:00:00Z'),
    deleted: false,
    version: 1,
    appliedCommandIds: [],
    ...overrides,
  };
}
