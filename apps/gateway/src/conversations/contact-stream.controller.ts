import { Controller, Get, Param, Res } from '@nestjs/common';
import { ApiOkResponse, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { READERS } from '../auth/roles';
import { Authenticated } from '../auth/roles.decorator';
import { CurrentPrincipal, type Principal } from '../auth/principal';
import { ContactIdParams } from '../contacts/contact-requests';
import { ProblemResponses } from '../problems/problem-responses';
import { ContactStreams } from './contact-streams';

@ApiTags('conversations')
@ProblemResponses()
@Controller('v1/contacts')
export class ContactStreamController {
  constructor(private readonly streams: ContactStreams) {}

  /**
   * Server-sent events of an open conversation: `contact` (the user details, as `GET
   * /v1/contacts/{id}` returns them: block state, counters, tags, notes, activity) and
   * `messages` (as `GET /v1/contacts/{id}/messages`), each first in full, then whenever it
   * changes; `gone` if the contact is deleted. Authenticated with the `Authorization` header
   * like every call: read it with `fetch` and a stream reader (the browser's `EventSource`
   * cannot send headers, and a token in the URL would end up in logs and history).
   *
   * The stream ends when the token expires (reconnect with a fresh one). One actor may hold
   * `STREAM_MAX_PER_ACTOR` streams open at once (5 by default); beyond it: 429 `rate-limited`.
   */
  @Get(':id/messages/stream')
  @Authenticated(...READERS)
  @ApiProduces('text/event-stream')
  @ApiOkResponse({
    description: 'An endless `text/event-stream` of `contact`, `messages` and `gone` events',
    content: { 'text/event-stream': { schema: { type: 'string' } } },
  })
  stream(
    @CurrentPrincipal() principal: Principal,
    @Param() params: ContactIdParams,
    @Res() response: Response,
  ): Promise<void> {
    return this.streams.open(principal, params.id, response);
  }
}
