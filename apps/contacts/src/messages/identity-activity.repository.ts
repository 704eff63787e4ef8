import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import type { AnyBulkWriteOperation, Model } from 'mongoose';
import { contactKey, identityKey, type Identity } from '@switchboard/contracts';
import { olderThan, type PageCursor } from '../contacts/page-cursor';
import type { ActivityCondition } from '../segments/segment-expression';
import { BoundedBulk } from '../store/bounded-bulk';
import { findExactly } from '../store/exact-reads';
import { WriteFencedError } from '../store/write-fenced.error';
import { contactActivityOf, type ContactActivity } from './contact-activity';
import { IdentityActivity, identityActivityId } from './identity-activity.schema';

/** A document to write and the position it was decided from (none: it did not exist). */
export interface ActivityWrite {
  next: IdentityActivity;
  read?: Pick<IdentityActivity, 'appliedAt' | 'appliedOffset'>;
}

/** Message activity of sender identities, and of contacts summed over their identities. */
@Injectable()
export class IdentityActivityRepository {
  constructor(
    @InjectModel(IdentityActivity.name) private readonly activity: Model<IdentityActivity>,
    private readonly bulk: BoundedBulk,
  ) {}

  /** By `_id` (exact reads). */
  findByIds(ids: readonly string[]): Promise<Map<string, IdentityActivity>> {
    return findExactly(this.activity, ids);
  }

  /**
   * Writes the documents, each conditional on the position it was decided from (a new one by
   * insert): the versioned write that fences a former owner of the partition (see WriteFencedError).
   */
  async write(writes: ActivityWrite[]): Promise<void> {
    const inserts = writes.filter((write) => !write.read).map((write) => write.next);
    const updates: AnyBulkWriteOperation<IdentityActivity>[] = writes.flatMap(({ next, read }) => {
      if (!read) {
        return [];
      }
      const { _id, ...fields } = next;
      const filter = { _id, appliedAt: read.appliedAt, appliedOffset: read.appliedOffset };
      return [{ updateOne: { filter, update: { $set: fields } } }];
    });
    await this.bulk.writeFenced(this.activity, 'activity documents', inserts, updates);
  }

  /**
   * Reads written documents back: one that no longer holds the position written was overwritten
   * by another process (a conditional update is not atomic on every store), and the batch is
   * decided again from what is there.
   */
  async verifyWritten(written: IdentityActivity[]): Promise<void> {
    const found = await this.findByIds(written.map((doc) => doc._id));
    const overwritten = written.filter((doc) => {
      const stored = found.get(doc._id);
      return stored?.appliedAt !== doc.appliedAt || stored.appliedOffset !== doc.appliedOffset;
    });
    if (overwritten.length > 0) {
      throw new WriteFencedError(
        `${overwritten.length} activity documents were overwritten by another process`,
      );
    }
  }

  /** Each contact's activity summed over its identities (exact `_id` reads), by contact id. */
  async ofContacts(
    tenantId: string,
    contacts: readonly { contactId: string; identities: readonly Identity[] }[],
  ): Promise<Map<string, ContactActivity | null>> {
    const idsOf = (identities: readonly Identity[]) =>
      identities.flatMap(({ channel, address }) => {
        const key = identityKey(tenantId, channel, address);
        return [identityActivityId(key, 'accepted'), identityActivityId(key, 'blocked')];
      });
    const found = await this.findByIds([
      ...new Set(contacts.flatMap((contact) => idsOf(contact.identities))),
    ]);
    return new Map(
      contacts.map((contact) => [
        contact.contactId,
        contactActivityOf(
          idsOf(contact.identities)
            .map((id) => found.get(id))
            .filter((doc): doc is IdentityActivity => doc !== undefined),
        ),
      ]),
    );
  }

  /** The tenant's activity documents, newest last message first, in keyset pages. */
  newestFirst(tenantId: string, page: { before?: PageCursor; limit: number }): Promise<IdentityActivity[]> {
    return this.activity
      .find({ tenantId, ...olderThan(page.before, 'lastMessageAt', 'contactId') })
      .sort({ lastMessageAt: -1, contactId: -1 })
      .limit(page.limit)
      .lean<IdentityActivity[]>()
      .exec();
  }

  /** Every sender's last message time with its contact, of every tenant: the segment index's load. */
  async *scanLastMessages(): AsyncGenerator<
    Pick<IdentityActivity, 'tenantId' | 'contactId' | 'lastMessageAt'>
  > {
    const cursor = this.activity
      .find({}, { tenantId: 1, contactId: 1, lastMessageAt: 1 })
      .lean<IdentityActivity>()
      .cursor({ batchSize: 1_000 });
    try {
      for await (const activity of cursor) {
        yield activity;
      }
    } finally {
      await cursor.close();
    }
  }

  /**
   * The `_id`s (`tenantId:contactId`, as the contacts') of the tenant's contacts whose message
   * activity meets `condition`: messaged at all, last at or after a time, or last before it
   * (messaged, and at no identity since).
   */
  async contactKeysWith(tenantId: string, condition: ActivityCondition): Promise<string[]> {
    const contactsWhere = async (filter: object) => {
      const found = await this.activity
        .find({ tenantId, ...filter }, { contactId: 1 })
        .lean<{ contactId: string }[]>()
        .exec();
      return new Set(found.map((doc) => doc.contactId));
    };
    if (condition.messaged === 'ever') {
      return [...(await contactsWhere({}))].map((id) => contactKey(tenantId, id));
    }
    const since = await contactsWhere({ lastMessageAt: { $gte: new Date(condition.at) } });
    if (condition.messaged === 'since') {
      return [...since].map((id) => contactKey(tenantId, id));
    }
    const before = await contactsWhere({ lastMessageAt: { $lt: new Date(condition.at) } });
    return [...before].filter((id) => !since.has(id)).map((id) => contactKey(tenantId, id));
  }
}
