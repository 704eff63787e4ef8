import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import type { NoteView } from '@switchboard/contracts';

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

  @Prop({ required: true })
  version: number;

  /** Commands already applied to this note: a redelivery changes nothing. */
  @Prop({ type: [String], default: [] })
  appliedCommandIds: string[];
}

export const NoteSchema = SchemaFactory.createForClass(Note);
NoteSchema.index({ tenantId: 1, contactId: 1, createdAt: -1 });

export function toNoteView(note: Note): NoteView {
  return {
    noteId: note.noteId,
    contactId: note.contactId,
    authorId: note.authorId,
    body: note.body,
    createdAt: new Date(note.createdAt).toISOString(),
    updatedAt: new Date(note.updatedAt).toISOString(),
    ...(note.editedBy && { editedBy: note.editedBy }),
  };
}
