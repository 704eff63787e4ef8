import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import type { Model } from 'mongoose';
import { PINNED_NOTES_PER_CONTACT_MAX } from '@switchboard/contracts';
import { olderThan, type PageCursor } from '../contacts/page-cursor';
import type { NewNote, NoteChanges } from './note-decisions';
import { Note } from './note.schema';
import { isDuplicateKeyError } from '../store/duplicate-key';

const APPLIED_COMMANDS_KEPT = 20;

/** Listings leave out what only commands and the history need. */
const LISTED = { revisions: 0, appliedCommandIds: 0 } as const;

/** A position in a contact's notes: pinned ones first, then the rest, each newest first. */
export interface NotePageCursor extends PageCursor {
  pinned: boolean;
}

/** Notes of one tenant at a time: every method takes the tenant id. */
@Injectable()
export class NotesRepository {
  constructor(@InjectModel(Note.name) private readonly notes: Model<Note>) {}

  /** The whole note, history included. */
  find(tenantId: string, noteId: string): Promise<Note | null> {
    return this.notes.findById(`${tenantId}:${noteId}`).lean<Note>().exec();
  }

  /** Inserts a note; false if a note with this id already exists. */
  async insert(note: NewNote): Promise<boolean> {
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
  async updateIfUnchanged(current: Note, changes: NoteChanges, commandId: string): Promise<boolean> {
    const appliedCommandIds = [...current.appliedCommandIds.slice(-(APPLIED_COMMANDS_KEPT - 1)), commandId];
    const result = await this.notes
      .updateOne(
        { _id: current._id, version: current.version },
        { $set: { ...changes, version: current.version + 1, appliedCommandIds } },
      )
      .exec();
    return result.modifiedCount === 1;
  }

  /** How many notes of the contact are pinned (deleted ones do not count). */
  countPinned(tenantId: string, contactId: string): Promise<number> {
    return this.notes.countDocuments({ tenantId, contactId, pinned: true, deleted: false }).exec();
  }

  /** The contact's notes, pinned ones first, then the rest, each newest first; after `before`. */
  async listForContact(
    tenantId: string,
    contactId: string,
    { limit, before }: { limit: number; before?: NotePageCursor },
  ): Promise<Note[]> {
    const pinned =
      !before || before.pinned ? await this.listed(tenantId, contactId, true, limit, before) : [];
    if (pinned.length >= limit) {
      return pinned;
    }
    const rest = await this.listed(
      tenantId,
      contactId,
      false,
      limit - pinned.length,
      before?.pinned ? undefined : before,
    );
    return [...pinned, ...rest];
  }

  /** What the user details show: every pinned note, then the `recent` newest others. */
  async recentForContact(tenantId: string, contactId: string, recent: number): Promise<Note[]> {
    const [pinned, rest] = await Promise.all([
      this.listed(tenantId, contactId, true, PINNED_NOTES_PER_CONTACT_MAX),
      this.listed(tenantId, contactId, false, recent),
    ]);
    return [...pinned, ...rest];
  }

  private listed(
    tenantId: string,
    contactId: string,
    pinned: boolean,
    limit: number,
    before?: PageCursor,
  ): Promise<Note[]> {
    return this.notes
      .find(
        {
          tenantId,
          contactId,
          deleted: false,
          pinned: pinned ? true : { $ne: true },
          ...olderThan(before, 'createdAt', 'noteId'),
        },
        LISTED,
      )
      .sort({ createdAt: -1, noteId: -1 })
      .limit(limit)
      .lean<Note[]>()
      .exec();
  }
}
