import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import type { NoteRevisionKind, NoteView } from '@switchboard/contracts';

/** One change of a note as its history keeps it: the note's body and pin state after it. */
export interface NoteRevision {
  revision: number;
  kind: NoteRevisionKind;
  body: string;
  pinned: boolean;
  editedBy: string;
  editedAt: Date;
  /** Absent on the revision recorded for a note written before notes had a history. */
  commandId?: string;
}

/** An internal note about a contact. `_id` is `tenantId:noteId`; deletion is soft and recorded. */
@Schema({ collection: 'notes', versionKey: false })
export class Note {
  @Prop({ type: String, required: true })
  _id: string;

  @Prop({ required: true })
  tenantId: string;

  @Prop({ required: true })
  contactId: string;

  @Prop({ required: true })
  noteId: string;

  @Prop({ required: true })
  authorId: string;

  /** Stored exactly as given. */
  @Prop({ required: true })
  body: string;

  @Prop({ required: true })
  createdAt: Date;

  @Prop({ required: true })
  updatedAt: Date;

  @Prop()
  editedBy?: string;

  @Prop({ default: false })
  deleted: boolean;

  @Prop()
  deletedBy?: string;

  /** Pinned notes come first; absent (false) on notes written before pins. */
  @Prop()
  pinned?: boolean;

  @Prop()
  pinnedAt?: Date;

  @Prop()
  pinnedBy?: string;

  @Prop({ required: true })
  version: number;

  /** Commands already applied to this note: a redelivery changes nothing. */
  @Prop({ type: [String], default: [] })
  appliedCommandIds: string[];

  /**
   * The newest revisions, oldest first, written with the change they record (one conditional
   * write: at most once per command). Left out of listings.
   */
  @Prop({ type: [Object], default: undefined })
  revisions?: NoteRevision[];

  /** How many older revisions were dropped to keep the newest `NOTE_REVISIONS_KEPT`. */
  @Prop()
  revisionsDropped?: number;
}

export const NoteSchema = SchemaFactory.createForClass(Note);
NoteSchema.index({ tenantId: 1, contactId: 1, createdAt: -1 });

/**
 * The note's kept revisions, oldest first. A note written before notes had a history and not
 * changed since has one: its state, by its author or last editor.
 */
export function revisionsOf(note: Note): NoteRevision[] {
  if (note.revisions?.length) {
    return note.revisions;
  }
  return [
    {
      revision: 1,
      kind: note.editedBy ? 'edited' : 'created',
      body: note.body,
      pinned: note.pinned ?? false,
      editedBy: note.editedBy ?? note.authorId,
      editedAt: note.editedBy ? note.updatedAt : note.createdAt,
    },
  ];
}

export function toNoteView(note: Note): NoteView {
  return {
    noteId: note.noteId,
    contactId: note.contactId,
    authorId: note.authorId,
    body: note.body,
    createdAt: new Date(note.createdAt).toISOString(),
    updatedAt: new Date(note.updatedAt).toISOString(),
    ...(note.editedBy && { editedBy: note.editedBy }),
    pinned: note.pinned ?? false,
    ...(note.pinned && note.pinnedAt && { pinnedAt: new Date(note.pinnedAt).toISOString() }),
    ...(note.pinned && note.pinnedBy && { pinnedBy: note.pinnedBy }),
  };
}
