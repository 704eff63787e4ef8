import { Controller, Get, Param, Query, UseGuards } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { ContactPage } from '@switchboard/contracts';
import { InternalTokenGuard } from '../internal-token.guard';
import { ContactsRepository } from '../contacts/contacts.repository';
import { toContactView, type Contact } from '../contacts/contact.schema';
import { decodeCursor, encodeCursor } from '../contacts/page-cursor';
import type { MessageView } from '../messages/stored-message.schema';
import { IdentityActivityRepository } from '../messages/identity-activity.repository';
import { matchesConversationFilter, type ConversationFilter } from './conversation-filter';

/** How many conversations one listing call reads at most while a filter skips most of them. */
const SCAN_BUDGET = 2_000;

export interface ConversationView {
  contact: ReturnType<typeof toContactView>;
  /** The newest message the contact sent that was delivered (or, when none was, the newest one). */
  lastMessage?: MessageView;
}

/**
 * Internal read API of the inbox: contacts with recent conversations, newest last message
 * first. It reads the senders' activity newest first and shows each contact once, at the
 * activity of its identities that is its newest (a contact writing on two channels has two
 * documents; the older one is passed over). A tag or block filter is applied to each page's contacts (exact `_id` reads); a page
 * stops after `SCAN_BUDGET` conversations, so a rare tag costs bounded work per call and its
 * `nextCursor` goes on from where the scan stopped.
 */
@ApiExcludeController()
@UseGuards(InternalTokenGuard)
@Controller('internal/tenants/:tenantId')
export class ConversationsController {
  constructor(
    private readonly activity: IdentityActivityRepository,
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
    const shown = new Set<string>();
    while (scanned < SCAN_BUDGET) {
      const batchSize = Math.min(pageSize + 1 - items.length, SCAN_BUDGET - scanned);
      const batch = await this.activity.newestFirst(tenantId, { before: position, limit: batchSize });
      const contactIds = [...new Set(batch.map((doc) => doc.contactId))];
      const contacts = (await Promise.all(contactIds.map((id) => this.contacts.find(tenantId, id)))).filter(
        (contact): contact is Contact => contact !== null,
      );
      const summaries = await this.activity.ofContacts(tenantId, contacts);
      const contactById = new Map(contacts.map((contact) => [contact.contactId, contact]));
      for (const doc of batch) {
        const contact = contactById.get(doc.contactId);
        const summary = summaries.get(doc.contactId);
        const newest = summary?.lastMessageAt.getTime() === new Date(doc.lastMessageAt).getTime();
        if (contact && summary && newest && !shown.has(doc.contactId)) {
          shown.add(doc.contactId);
          if (matchesConversationFilter(contact, filter)) {
            items.push({ contact: toContactView(contact, summary), lastMessage: summary.lastMessage });
          }
        }
        position = { at: doc.lastMessageAt, id: doc.contactId };
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
