import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import type { Model } from 'mongoose';
import { ContactMessages } from '../messages/contact-messages.schema';
import { olderThan, type PageCursor } from '../contacts/page-cursor';

/**
 * The tenant's conversations, newest last message first: one `contact_messages` document per
 * contact that ever wrote, read in keyset pages of (lastMessageAt, contactId) descending.
 */
@Injectable()
export class ConversationsRepository {
  constructor(@InjectModel(ContactMessages.name) private readonly messages: Model<ContactMessages>) {}

  newestFirst(tenantId: string, page: { before?: PageCursor; limit: number }): Promise<ContactMessages[]> {
    return this.messages
      .find({ tenantId, ...olderThan(page.before, 'lastMessageAt', 'contactId') })
      .sort({ lastMessageAt: -1, contactId: -1 })
      .limit(page.limit)
      .lean<ContactMessages[]>()
      .exec();
  }
}
