import { Controller, Get, Param, Query, UseGuards } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { ContactPage } from '@switchboard/contracts';
import { InternalTokenGuard } from '../internal-token.guard';
import { ContactsRepository } from '../contacts/contacts.repository';
import { toContactView } from '../contacts/contact.schema';
import { decodeCursor, encodeCursor } from '../contacts/page-cursor';
import type { ContactMessages, RecentMessage } from '../messages/contact-messages.schema';
import { ConversationsRepository } from './conversations.repository';
import { matchesConversationFilter, type ConversationFilter } from './conversation-filter';

/** How many conversations one listing call reads at most while a filter skips most of them. */
const SCAN_BUDGET = 2_000;

export interface ConversationView {
  contact: ReturnType<typeof toContactView>;
  /** The newest message the contact sent that was delivered (or, when none was, the newest one). */
  lastMessage?: RecentMessage;
}

/**
 * Internal read API of the inbox: contacts with recent conversations, newest last message
 * first. A tag or block filter is applied to each page's contacts (exact `_id` reads); a page
 * stops after `SCAN_BUDGET` conversations, so a rare tag costs bounded work per call and its
 * `nextCursor` goes on from where the scan stopped.
 */
@ApiExcludeController()
@UseGuards(InternalTokenGuard)
@Controller('internal/tenants/:tenantId')
export class ConversationsController {
  constructor(
    private readonly conversations: ConversationsRepository,
    private readonly contacts: ContactsRepository,
  ) {}

  @Get('conversations')
  async list(
    @Param('tenantId') tenantId: string,
    @Query('cursor') cursor?: string,
    @Query('limit') limit = '20',
    @Query('tag') tag?: string,
    @Query('blocked') blocked?: string,
  ): Promise<ContactPage<ConversationView>> {
    const pageSize = Math.min(Math.max(Number.parseInt(limit, 10) || 20, 1), 200);
    const filter: ConversationFilter = {
      ...(tag !== undefined && tag.trim() !== '' && { tag }),
      ...(blocked !== undefined && { blocked: blocked === 'true' }),
    };
    const items: ConversationView[] = [];
    let position = decodeCursor(cursor);
    let scanned = 0;
    while (scanned < SCAN_BUDGET) {
      const batchSize = Math.min(pageSize + 1 - items.length, SCAN_BUDGET - scanned);
      const batch = await this.conversations.newestFirst(tenantId, { before: position, limit: batchSize });
      const found = await Promise.all(
        batch.map((messages) => this.contacts.find(tenantId, messages.contactId)),
      );
      for (const [index, messages] of batch.entries()) {
        const contact = found[index];
        if (contact && matchesConversationFilter(contact, filter)) {
          items.push({ contact: toContactView(contact, messages), ...lastMessageOf(messages) });
        }
        position = { at: messages.lastMessageAt, id: messages.contactId };
        if (items.length > pageSize) {
          // One more than a page: there is a next page, which starts after the last item shown.
          items.pop();
          const last = items[items.length - 1].contact;
          return { items, nextCursor: encodeCursor(last.lastMessageAt!, last.contactId) };
        }
      }
      scanned += batch.length;
      if (batch.length < batchSize) {
        return { items };
      }
    }
    return { items, ...(position && { nextCursor: encodeCursor(position.at, position.id) }) };
  }
}

function lastMessageOf(messages: ContactMessages): { lastMessage?: RecentMessage } {
  const recent = messages.recentMessages ?? [];
  const delivered = recent.filter((message) => message.status === 'accepted');
  const last = delivered[delivered.length - 1] ?? recent[recent.length - 1];
  return last ? { lastMessage: last } : {};
}
