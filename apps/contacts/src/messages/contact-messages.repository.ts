import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import type { Model } from 'mongoose';
import { contactKey } from '@switchboard/contracts';
import { KeyedLock } from '../store/keyed-lock';
import { ContactMessages, type RecentMessage } from './contact-messages.schema';
import { isDuplicateKeyError } from '../store/duplicate-key';
import type { ActivityCondition } from '../segments/segment-expression';

/** How many recent messages a contact keeps for the chat screen (and for recognising redeliveries). */
export const RECENT_MESSAGES_KEPT = 50;

/** Message counters and history of one tenant's contacts at a time. */
@Injectable()
export class ContactMessagesRepository {
  constructor(
    @InjectModel(ContactMessages.name) private readonly messages: Model<ContactMessages>,
    private readonly lock: KeyedLock,
  ) {}

  find(tenantId: string, contactId: string): Promise<ContactMessages | null> {
    return this.messages.findById(contactKey(tenantId, contactId)).lean<ContactMessages>().exec();
  }

  /** By contact id, for a page of contacts (exact `_id` lookups). */
  async findMany(tenantId: string, contactIds: string[]): Promise<Map<string, ContactMessages>> {
    const found = await Promise.all(contactIds.map((contactId) => this.find(tenantId, contactId)));
    return new Map(
      found.filter((doc): doc is ContactMessages => doc !== null).map((doc) => [doc.contactId, doc]),
    );
  }

  /**
   * The `_id`s (`tenantId:contactId`, as the contacts') of the tenant's contacts whose message
   * activity meets `condition`: messaged at all, last at or after a time, or last before it.
   */
  async contactKeysWith(tenantId: string, condition: ActivityCondition): Promise<string[]> {
    const lastMessageAt =
      condition.messaged === 'ever'
        ? {}
        : { lastMessageAt: { [condition.messaged === 'since' ? '$gte' : '$lt']: new Date(condition.at) } };
    const found = await this.messages
      .find({ tenantId, ...lastMessageAt }, { _id: 1 })
      .lean<{ _id: string }[]>()
      .exec();
    return found.map((doc) => doc._id);
  }

  /** Counts a message and adds it to the history; false when it was already recorded. */
  record(tenantId: string, contactId: string, message: RecentMessage): Promise<boolean> {
    const _id = contactKey(tenantId, contactId);
    const sentAt = new Date(message.sentAt);
    const counter = message.status === 'accepted' ? 'accepted' : 'blocked';
    return this.lock.run(_id, async () => {
      for (;;) {
        const current = await this.find(tenantId, contactId);
        if (current?.recentMessages.some((recent) => recent.messageId === message.messageId)) {
          return false;
        }
        if (current) {
          await this.messages
            .updateOne(
              { _id },
              {
                $set: {
                  recentMessages: [...current.recentMessages.slice(-(RECENT_MESSAGES_KEPT - 1)), message],
                  lastMessageAt: current.lastMessageAt > sentAt ? current.lastMessageAt : sentAt,
                  firstSeenAt: current.firstSeenAt < sentAt ? current.firstSeenAt : sentAt,
                },
                $inc: { [`counters.${counter}`]: 1 },
              },
            )
            .exec();
          return true;
        }
        try {
          await this.messages.create({
            _id,
            tenantId,
            contactId,
            counters: { accepted: 0, blocked: 0, [counter]: 1 },
            recentMessages: [message],
            lastMessageAt: sentAt,
            firstSeenAt: sentAt,
          });
          return true;
        } catch (error) {
          if (!isDuplicateKeyError(error)) {
            throw error;
          }
          // created meanwhile by another instance: count on top of it
        }
      }
    });
  }
}
