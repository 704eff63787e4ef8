import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import type { Model } from 'mongoose';
import { BoundedBulk } from '../store/bounded-bulk';
import { duplicateKeyPositions } from '../store/duplicate-key';
import { findExactly } from '../store/exact-reads';
import { olderThan, type PageCursor } from '../contacts/page-cursor';
import { StoredMessage } from './stored-message.schema';

/** Every inbound message, one document each, and a contact's history read from them. */
@Injectable()
export class MessageHistoryRepository {
  constructor(
    @InjectModel(StoredMessage.name) private readonly messages: Model<StoredMessage>,
    private readonly bulk: BoundedBulk,
  ) {}

  /**
   * Stores the messages not stored yet; returns the `source` of each record that holds its
   * message: it stored it now, or on an earlier attempt. A record whose message another record
   * stored (a resend, or a repeat in the same batch) is not among them: stored once, counted once.
   */
  async storeNew(messages: StoredMessage[]): Promise<Set<string>> {
    const firsts = new Map<string, StoredMessage>();
    for (const message of messages) {
      if (!firsts.has(message._id)) {
        firsts.set(message._id, message);
      }
    }
    const unique = [...firsts.values()];
    const taken: string[] = [];
    await this.bulk.write('insert', unique, async (slice) => {
      try {
        await this.messages.insertMany(slice, { ordered: false, lean: true });
      } catch (error) {
        const duplicates = duplicateKeyPositions(error);
        if (!duplicates) {
          throw error;
        }
        taken.push(...duplicates.map((position) => slice[position]._id));
      }
    });
    const holders = new Set(unique.map((message) => message.source));
    if (taken.length > 0) {
      const found = await findExactly(this.messages, taken, { source: 1 });
      const storedBy = new Map([...found.values()].map((doc) => [doc._id, doc.source]));
      for (const id of taken) {
        const ours = firsts.get(id)!.source;
        if (storedBy.get(id) !== ours) {
          holders.delete(ours);
        }
      }
    }
    return holders;
  }

  /**
   * Messages of the identities (`channel|address`), newest first, after the cursor: a page of
   * each identity (an equality the store narrows by), merged.
   */
  async page(
    tenantId: string,
    identities: string[],
    page: { before?: PageCursor; limit: number },
  ): Promise<StoredMessage[]> {
    const pages = await Promise.all(
      identities.map((identity) =>
        this.messages
          .find({ tenantId, identity, ...olderThan(page.before, 'sentAt', '_id') })
          .sort({ sentAt: -1, _id: -1 })
          .limit(page.limit)
          .lean<StoredMessage[]>()
          .exec(),
      ),
    );
    return pages
      .flat()
      .sort((a, b) => b.sentAt.getTime() - a.sentAt.getTime() || (a._id < b._id ? 1 : a._id > b._id ? -1 : 0))
      .slice(0, page.limit);
  }
}
