import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import type { Model } from 'mongoose';
import { olderThan, type PageCursor } from '../contacts/page-cursor';
import { ActivityEntry } from './activity-entry.schema';
import { isDuplicateKeyError } from '../store/duplicate-key';

/** The activity timeline of one tenant's contacts: append-only. */
@Injectable()
export class ActivityRepository {
  constructor(@InjectModel(ActivityEntry.name) private readonly entries: Model<ActivityEntry>) {}

  /** Appends an entry once: a redelivered event finds its `_id` taken and changes nothing. */
  async append(entry: Omit<ActivityEntry, '_id'>): Promise<void> {
    try {
      await this.entries.create({ ...entry, _id: `${entry.tenantId}:${entry.eventId}` });
    } catch (error) {
      if (!isDuplicateKeyError(error)) {
        throw error;
      }
    }
  }

  /** The contact's timeline, newest first, after `before` when given. */
  listForContact(
    tenantId: string,
    contactId: string,
    { limit, before }: { limit: number; before?: PageCursor },
  ): Promise<ActivityEntry[]> {
    return this.entries
      .find({ tenantId, contactId, ...olderThan(before, 'occurredAt', 'eventId') })
      .sort({ occurredAt: -1, eventId: -1 })
      .limit(limit)
      .lean<ActivityEntry[]>()
      .exec();
  }
}
