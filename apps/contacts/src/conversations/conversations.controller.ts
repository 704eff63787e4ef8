import { Controller, Get, Param, Query, UseGuards } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { ContactPage } from '@switchboard/contracts';
import { InternalTokenGuard } from '../internal-token.guard';
import { ContactsRepository } from '../contacts/contacts.repository';
import { toContactView, type Contact } from '../contacts/contact.schema';
import { decodeCursor, encodeCursor } from '../contacts/page-cursor';
import type { MessageView } from '../messages/stored-message.schema';
import { IdentityActivityRepository } from '../messages/identity-activity.repository';
import { identityKeyOf, type IdentityActivity } from '../messages/identity-activity.schema';
import { IdentityClaimsRepository } from '../contacts/identity-claims.repository';
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
    private readonly identityClaims: IdentityClaimsRepository,
  ) {}

  /**
   * The contacts the activity documents belong to (exact reads). A document names the owner of
   * its identity at its last message; one written before the sender's contact existed may name
   * the contact it was going to be, while another took the identity: its claim says whose it is.
   */
  private async ownersOf(tenantId: string, batch: IdentityActivity[]) {
    const load = async (ids: string[]) =>
      (await Promise.all(ids.map((id) => this.contacts.find(tenantId, id)))).filter(
        (contact): contact is Contact => contact !== null,
      );
    const contactById = new Map(
      (await load([...new Set(batch.map((doc) => doc.contactId))])).map((contact) => [
        contact.contactId,
        contact,
      ]),
    );
    const unowned = batch.filter((doc) => !contactById.has(doc.contactId)).map(identityKeyOf);
    const claimed = await this.identityClaims.ownersByKey(unowned);
    for (const contact of await load([...new Set(claimed.values())].filter((id) => !contactById.has(id)))) {
      contactById.set(contact.contactId, contact);
    }
    const ownerOf = (doc: IdentityActivity) =>
      contactById.has(doc.contactId) ? doc.contactId : (claimed.get(identityKeyOf(doc)) ?? doc.contactId);
    return { contactById, ownerOf };
  }

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
    // Where each item is in the scan's order (its activity document's keys).
    const positions: { at: Date; id: string }[] = [];
    while (scanned < SCAN_BUDGET) {
      const batchSize = Math.min(pageSize + 1 - items.length, SCAN_BUDGET - scanned);
      const batch = await this.activity.newestFirst(tenantId, { before: position, limit: batchSize });
      const { contactById, ownerOf } = await this.ownersOf(tenantId, batch);
      const summaries = await this.activity.ofContacts(tenantId, [...contactById.values()]);
      for (const doc of batch) {
        const owner = ownerOf(doc);
        const contact = contactById.get(owner);
        const summary = summaries.get(owner);
        const newest = summary?.lastMessageAt.getTime() === new Date(doc.lastMessageAt).getTime();
        if (contact && summary && newest && !shown.has(owner)) {
          shown.add(owner);
          if (matchesConversationFilter(contact, filter)) {
            items.push({ contact: toContactView(contact, summary), lastMessage: summary.lastMessage });
            positions.push({ at: doc.lastMessageAt, id: doc.contactId });
          }
        }
        position = { at: doc.lastMessageAt, id: doc.contactId };
        if (items.length > pageSize) {
          // One more than a page: there is a next page, which starts after the last item shown.
          items.pop();
          const last = positions[items.length - 1];
          return { items, nextCursor: encodeCursor(last.at, last.id) };
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
