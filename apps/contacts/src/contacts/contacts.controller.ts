import {
  BadRequestException,
  Controller,
  Get,
  NotFoundException,
  Param,
  Query,
  UseGuards,
} from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { ContactPage, ContactView, NoteHistoryView, NoteView } from '@switchboard/contracts';
import type { Contact } from './contact.schema';
import { messageViewOf, type MessageView } from '../messages/stored-message.schema';
import { IdentityActivityRepository } from '../messages/identity-activity.repository';
import { MessageHistoryRepository } from '../messages/message-history.repository';
import { InternalTokenGuard } from '../internal-token.guard';
import { ActivityRepository } from '../activity/activity.repository';
import { toActivityView, type ActivityView } from '../activity/activity-entry.schema';
import { toNoteView } from '../notes/note.schema';
import { toNoteHistoryView } from '../notes/note-history';
import { decodeNoteCursor, encodeNoteCursor } from '../notes/note-page-cursor';
import { NotesRepository } from '../notes/notes.repository';
import { TagCatalogRepository } from '../tags/tag-catalog.repository';
import { decodeCursor, encodeCursor } from './page-cursor';
import { toContactView } from './contact.schema';
import { ContactsRepository } from './contacts.repository';
import { segmentDefinitionOf } from '../segments/segment-definition-input';
import type { ResolvedSegment } from '../segments/segment-query';
import { SegmentResolver } from '../segments/segment-resolver';
import { SegmentsRepository } from '../segments/segments.repository';

/** Internal read API for the gateway; the gateway has already authorised the tenant. */
@ApiExcludeController()
@UseGuards(InternalTokenGuard)
@Controller('internal/tenants/:tenantId')
export class ContactsController {
  constructor(
    private readonly contacts: ContactsRepository,
    private readonly notes: NotesRepository,
    private readonly activity: ActivityRepository,
    private readonly catalog: TagCatalogRepository,
    private readonly messageActivity: IdentityActivityRepository,
    private readonly messageHistory: MessageHistoryRepository,
    private readonly segments: SegmentsRepository,
    private readonly resolver: SegmentResolver,
  ) {}

  /**
   * Everything the chat screen's customer panel shows, in one call: the contact, its most
   * recent notes and activity. The three reads run in parallel, each an indexed lookup.
   */
  @Get('contacts/:contactId/details')
  async details(@Param('tenantId') tenantId: string, @Param('contactId') contactId: string) {
    const contactRead = this.contacts.find(tenantId, contactId);
    const [contact, tagDetails, messages, notes, activity] = await Promise.all([
      contactRead,
      // The tag colours and message counters as soon as the contact is known, alongside the rest.
      contactRead.then((found) => (found ? this.catalog.findByIds(tenantId, found.tagIds ?? []) : [])),
      contactRead.then((found) => (found ? this.messageActivityOf(tenantId, found) : null)),
      this.notes.recentForContact(tenantId, contactId, 5),
      this.activity.listForContact(tenantId, contactId, { limit: 10 }),
    ]);
    return {
      ...toContactView(this.existing(contact), messages),
      tagDetails,
      recentNotes: notes.map(toNoteView),
      recentActivity: activity.map(toActivityView),
    };
  }

  @Get('contacts/:contactId/notes')
  async notesOf(
    @Param('tenantId') tenantId: string,
    @Param('contactId') contactId: string,
    @Query('cursor') cursor?: string,
    @Query('limit') limit = '20',
  ): Promise<ContactPage<NoteView>> {
    this.existing(await this.contacts.find(tenantId, contactId));
    const pageSize = pageSizeOf(limit);
    const notes = await this.notes.listForContact(tenantId, contactId, {
      limit: pageSize + 1,
      before: decodeNoteCursor(cursor),
    });
    const page = notes.slice(0, pageSize);
    const items = page.map(toNoteView);
    return notes.length > pageSize
      ? { items, nextCursor: encodeNoteCursor(page[page.length - 1]) }
      : { items };
  }

  /** Who changed a note, what and when, oldest first; a deleted note's history stays readable. */
  @Get('contacts/:contactId/notes/:noteId/history')
  async noteHistory(
    @Param('tenantId') tenantId: string,
    @Param('contactId') contactId: string,
    @Param('noteId') noteId: string,
  ): Promise<NoteHistoryView> {
    this.existing(await this.contacts.find(tenantId, contactId));
    const note = await this.notes.find(tenantId, noteId);
    if (note?.contactId !== contactId) {
      throw new NotFoundException({ code: 'note-not-found' });
    }
    return toNoteHistoryView(note);
  }

  @Get('contacts/:contactId/activity')
  async activityOf(
    @Param('tenantId') tenantId: string,
    @Param('contactId') contactId: string,
    @Query('cursor') cursor?: string,
    @Query('limit') limit = '20',
  ): Promise<ContactPage<ActivityView>> {
    this.existing(await this.contacts.find(tenantId, contactId));
    const position = decodeCursor(cursor);
    const pageSize = pageSizeOf(limit);
    const entries = await this.activity.listForContact(tenantId, contactId, {
      limit: pageSize + 1,
      before: position,
    });
    const items = entries.slice(0, pageSize).map(toActivityView);
    const last = items[items.length - 1];
    return entries.length > pageSize
      ? { items, nextCursor: encodeCursor(last.occurredAt, last.eventId) }
      : { items };
  }

  /**
   * The contact's message history over all its identities, newest first, a page at a time:
   * `cursor` goes on from a previous page, `before` (a time) starts at messages sent before it.
   */
  @Get('contacts/:contactId/messages')
  async messagesOf(
    @Param('tenantId') tenantId: string,
    @Param('contactId') contactId: string,
    @Query('cursor') cursor?: string,
    @Query('before') before?: string,
    @Query('limit') limit = '50',
  ): Promise<ContactPage<MessageView>> {
    const contact = this.existing(await this.contacts.find(tenantId, contactId));
    const pageSize = pageSizeOf(limit, 50);
    const beforeTime = before === undefined ? undefined : new Date(before);
    const position =
      decodeCursor(cursor) ??
      // Before a time: every message sent earlier (no id sorts above the tie-breaker).
      (beforeTime && !Number.isNaN(beforeTime.getTime()) ? { at: beforeTime, id: '' } : undefined);
    const identities = contact.identities.map(({ channel, address }) => `${channel}|${address}`);
    const messages = await this.messageHistory.page(tenantId, identities, {
      before: position,
      limit: pageSize + 1,
    });
    const items = messages.slice(0, pageSize).map(messageViewOf);
    const last = messages[pageSize - 1];
    return messages.length > pageSize
      ? { items, nextCursor: encodeCursor(last.sentAt, last._id) }
      : { items };
  }

  private async messageActivityOf(tenantId: string, contact: Contact) {
    return (await this.messageActivity.ofContacts(tenantId, [contact])).get(contact.contactId) ?? null;
  }

  private async segmentOf(
    tenantId: string,
    segmentId: string | undefined,
    segmentJson: string | undefined,
  ): Promise<ResolvedSegment | undefined> {
    if (segmentId !== undefined) {
      const saved = await this.segments.find(tenantId, segmentId);
      if (!saved) {
        throw new NotFoundException({ code: 'segment-not-found' });
      }
      return this.resolver.resolveSaved(saved);
    }
    if (segmentJson === undefined) {
      return undefined;
    }
    let plain: unknown;
    try {
      plain = JSON.parse(segmentJson);
    } catch {
      throw new BadRequestException({ code: 'validation-failed', reason: 'segment is not JSON' });
    }
    return this.resolver.resolve(tenantId, segmentDefinitionOf(plain));
  }

  private existing(contact: Contact | null): Contact {
    if (!contact) {
      throw new NotFoundException({ code: 'contact-not-found' });
    }
    return contact;
  }

  /**
   * `blocked` is `true`/`false`; `segmentId` names a saved segment, `segment` is a definition
   * as JSON; `after` is the last contact id of the previous page.
   */
  @Get('contacts')
  async list(
    @Param('tenantId') tenantId: string,
    @Query('blocked') blocked?: string,
    @Query('segmentId') segmentId?: string,
    @Query('segment') segmentJson?: string,
    @Query('after') after?: string,
    @Query('limit') limit = '50',
  ): Promise<ContactPage<ContactView>> {
    const pageSize = pageSizeOf(limit, 50);
    const segment = await this.segmentOf(tenantId, segmentId, segmentJson);
    if (segment?.matchesNothing) {
      return { items: [] };
    }
    const contacts = await this.contacts.list(tenantId, {
      ...(segment && { segment: await this.resolver.filterOf(tenantId, segment) }),
      blocked: blocked === undefined ? undefined : blocked === 'true',
      afterContactId: after,
      limit: pageSize + 1,
    });
    const page = contacts.slice(0, pageSize);
    const activity = await this.messageActivity.ofContacts(tenantId, page);
    const items = page.map((contact) => toContactView(contact, activity.get(contact.contactId) ?? null));
    return contacts.length > pageSize ? { items, nextCursor: items[items.length - 1].contactId } : { items };
  }
}

function pageSizeOf(limit: string, fallback = 20): number {
  return Math.min(Math.max(Number.parseInt(limit, 10) || fallback, 1), 200);
}
