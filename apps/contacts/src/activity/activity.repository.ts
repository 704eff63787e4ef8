import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import type { Model } from 'mongoose';
import { olderThan, type PageCursor } from '../contacts/page-cursor';
import { ActivityEntry } from './activity-entry.schema';
import { BoundedBulk } from '../store/bounded-bulk';

/** The activity timeline of one tenant's contacts: append-only. */
@Injectable()
export class ActivityRepository {
  constructor(
    @InjectModel(ActivityEntry.name) private readonly entries: Model<ActivityEntry>,
    private readonly bulk: BoundedBulk,
  ) {}

  /**
   * Appends entries once each, in bounded unordered inserts: a redelivered event finds its
   * `_id` taken and changes nothing.
   */
  async appendAll(entries: Omit<ActivityEntry, '_id'>[]): Promise<void> {
    const documents = entries.map((entry) => ({ ...entry, _id: `${entry.tenantId}:${entry.eventId}` }));
    await this.bulk.insertNew(this.entries, documents);
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
