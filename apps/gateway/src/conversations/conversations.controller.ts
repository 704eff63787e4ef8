import { Controller, Get, Query } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { READERS } from '../auth/roles';
import { Authenticated } from '../auth/roles.decorator';
import { CurrentPrincipal, type Principal } from '../auth/principal';
import { ContactsReader } from '../contacts/contacts-reader';
import { ProblemResponses } from '../problems/problem-responses';
import { ListConversationsQuery } from './conversation-requests';
import { ConversationPage } from './conversation-view';

/** The agent console's inbox. */
@ApiTags('conversations')
@ProblemResponses()
@Controller('v1/conversations')
export class ConversationsController {
  constructor(private readonly reader: ContactsReader) {}

  /**
   * Contacts with recent conversations, newest last message first, each with the preview of
   * its last message; narrowed by a tag and by block state. A narrow filter may answer a short
   * (even empty) page with a `nextCursor`: the scan per call is bounded, follow the cursor.
   */
  @Get()
  @Authenticated(...READERS)
  @ApiOkResponse({ type: ConversationPage })
  list(@CurrentPrincipal() principal: Principal, @Query() query: ListConversationsQuery) {
    return this.reader.conversations(principal.tenantId, {
      cursor: query.cursor,
      limit: query.limit ?? 20,
      tag: query.tag,
      blocked: query.blocked,
    });
  }
}
