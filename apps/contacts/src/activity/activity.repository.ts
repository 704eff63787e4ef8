import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import type { Model } from 'mongoose';
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

  /** Newest first; `before` is the `occurredAt` and `eventId` of the last entry of the previous page. */
  async listForContact(
    tenantId: string,
    contactId: string,
    { limit, before }: { limit: number; before?: { occurredAt: Date; eventId: string } },
  ): Promise<ActivityEntry[]> {
    const entries = await this.entries
      .find({ tenantId, contactId, ...(before && { occurredAt: { $lte: before.occurredAt } }) })
      .sort({ occurredAt: -1, eventId: -1 })
      .limit(limit + 50)
      .lean<ActivityEntry[]>()
      .exec();
    const after = before
      ? entries.filter((entry) => entry.occurredAt < before.occurredAt || entry.eventId < before.eventId)
      : entries;
    return after.slice(0, limit);
  }
}
