import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import type { Model } from 'mongoose';
import { olderThan, type PageCursor } from '../contacts/page-cursor';
import { Note } from './note.schema';
import { isDuplicateKeyError } from '../store/duplicate-key';

const APPLIED_COMMANDS_KEPT = 20;

/** Notes of one tenant at a time: every method takes the tenant id. */
@Injectable()
export class NotesRepository {
  constructor(@InjectModel(Note.name) private readonly notes: Model<Note>) {}

  find(tenantId: string, noteId: string): Promise<Note | null> {
    return this.notes.findById(`${tenantId}:${noteId}`).lean<Note>().exec();
  }

  /** Inserts a note; false if a note with this id already exists. */
  async insert(note: Omit<Note, '_id' | 'version' | 'deleted'>): Promise<boolean> {
    try {
      await this.notes.create({
        ...note,
        _id: `${note.tenantId}:${note.noteId}`,
        version: 1,
        deleted: false,
      });
      return true;
    } catch (error) {
      if (isDuplicateKeyError(error)) {
        return false;
      }
      throw error;
    }
  }

  /** Changes a note only if nobody changed it since `current` was read. */
  async updateIfUnchanged(
    current: Note,
    changes: Partial<Pick<Note, 'body' | 'editedBy' | 'deleted' | 'deletedBy' | 'updatedAt'>>,
    commandId: string,
  ): Promise<boolean> {
    const appliedCommandIds = [...current.appliedCommandIds.slice(-(APPLIED_COMMANDS_KEPT - 1)), commandId];
    const result = await this.notes
      .updateOne(
        { _id: current._id, version: current.version },
        { $set: { ...changes, version: current.version + 1, appliedCommandIds } },
      )
      .exec();
    return result.modifiedCount === 1;
  }

  /** The contact's notes, newest first, after `before` when given. */
  listForContact(
    tenantId: string,
    contactId: string,
    { limit, before }: { limit: number; before?: PageCursor },
  ): Promise<Note[]> {
    return this.notes
      .find({ tenantId, contactId, deleted: false, ...olderThan(before, 'createdAt', 'noteId') })
      .sort({ createdAt: -1, noteId: -1 })
      .limit(limit)
      .lean<Note[]>()
      .exec();
  }
}
