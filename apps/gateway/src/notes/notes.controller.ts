import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query, Res } from '@nestjs/common';
import {
  ApiHeader,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiTags,
  ApiUnprocessableEntityResponse,
} from '@nestjs/swagger';
import type { Response } from 'express';
import { randomUUID } from 'node:crypto';
import { v5 as uuidv5 } from 'uuid';
import { NoteHistoryView, NoteView, type ContactPage } from '@switchboard/contracts';
import { CurrentPrincipal, type Principal } from '../auth/principal';
import { READERS, WRITERS } from '../auth/roles';
import { Authenticated } from '../auth/roles.decorator';
import { ApiLateOutcomeResponse } from '../commands/accepted-command-responses';
import { CommandBus } from '../commands/command-bus';
import { answerCommand, pickNote } from '../commands/command-response';
import { ContactIdParams, NoteParams, NoteRequest, PageQuery } from '../contacts/contact-requests';
import { ContactsReader } from '../contacts/contacts-reader';
import { IdempotencyKey, IdempotencyKeyHeader } from '../contacts/idempotency-key';
import { ProblemResponses } from '../problems/problem-responses';

/** Namespace of note ids derived from idempotency keys (UUIDv5). */
const NOTE_ID_NAMESPACE = '8a4f0f52-9d0e-4c56-b1b4-3f1f2b6a7e90';

@ApiTags('notes')
@ProblemResponses()
@Controller('v1/contacts/:id/notes')
export class NotesController {
  constructor(
    private readonly commands: CommandBus,
    private readonly reader: ContactsReader,
  ) {}

  /** The contact's notes: pinned ones first, then the others, each newest first. */
  @Get()
  @Authenticated(...READERS)
  @ApiNotFoundResponse({ description: 'No such contact in the caller’s tenant' })
  list(
    @CurrentPrincipal() principal: Principal,
    @Param() params: ContactIdParams,
    @Query() query: PageQuery,
  ): Promise<ContactPage<NoteView>> {
    return this.reader.contactPart<ContactPage<NoteView>>(principal.tenantId, params.id, 'notes', {
      cursor: query.cursor,
      limit: query.limit,
    });
  }

  @Post()
  @HttpCode(200)
  @Authenticated(...WRITERS)
  @ApiHeader(IdempotencyKeyHeader)
  @ApiOkResponse({ type: NoteView })
  @ApiLateOutcomeResponse()
  async add(
    @CurrentPrincipal() principal: Principal,
    @Param() params: ContactIdParams,
    @Body() request: NoteRequest,
    @IdempotencyKey() idempotencyKey: string | undefined,
    @Res({ passthrough: true }) response: Response,
  ) {
    // With an idempotency key the retried call must name the same note (and only that call).
    const noteId = `n_${
      idempotencyKey
        ? uuidv5(
            `${principal.tenantId}\n${principal.actorId}\n${params.id}\n${idempotencyKey}`,
            NOTE_ID_NAMESPACE,
          )
        : randomUUID()
    }`;
    const result = await this.commands.dispatch(
      principal,
      'note.add',
      params.id,
      { noteId, body: request.body },
      idempotencyKey,
    );
    return answerCommand(result, response, pickNote);
  }

  /** Edits a note: its author or an admin. */
  @Patch(':noteId')
  @Authenticated(...WRITERS)
  @ApiHeader(IdempotencyKeyHeader)
  @ApiOkResponse({ type: NoteView })
  @ApiLateOutcomeResponse()
  async edit(
    @CurrentPrincipal() principal: Principal,
    @Param() params: NoteParams,
    @Body() request: NoteRequest,
    @IdempotencyKey() idempotencyKey: string | undefined,
    @Res({ passthrough: true }) response: Response,
  ) {
    const result = await this.commands.dispatch(
      principal,
      'note.edit',
      params.id,
      { noteId: params.noteId, body: request.body },
      idempotencyKey,
    );
    return answerCommand(result, response, pickNote);
  }

  /** Deletes a note (its author or an admin); the deletion stays in the contact's activity. */
  @Delete(':noteId')
  @Authenticated(...WRITERS)
  @ApiHeader(IdempotencyKeyHeader)
  @ApiOkResponse({ type: NoteView, description: 'The note as it was' })
  @ApiLateOutcomeResponse()
  async delete(
    @CurrentPrincipal() principal: Principal,
    @Param() params: NoteParams,
    @IdempotencyKey() idempotencyKey: string | undefined,
    @Res({ passthrough: true }) response: Response,
  ) {
    const result = await this.commands.dispatch(
      principal,
      'note.delete',
      params.id,
      { noteId: params.noteId },
      idempotencyKey,
    );
    return answerCommand(result, response, pickNote);
  }

  /**
   * Pins a note (any agent or admin): pinned notes come first in the notes and the user
   * details. At most 10 per contact; pinning a pinned note changes nothing.
   */
  @Post(':noteId/pin')
  @HttpCode(200)
  @Authenticated(...WRITERS)
  @ApiHeader(IdempotencyKeyHeader)
  @ApiOkResponse({ type: NoteView })
  @ApiLateOutcomeResponse()
  @ApiUnprocessableEntityResponse({
    description: 'The contact has 10 pinned notes (`too-many-pinned-notes`)',
  })
  pin(
    @CurrentPrincipal() principal: Principal,
    @Param() params: NoteParams,
    @IdempotencyKey() idempotencyKey: string | undefined,
    @Res({ passthrough: true }) response: Response,
  ) {
    return this.pinning('note.pin', principal, params, idempotencyKey, response);
  }

  /** Unpins a note (any agent or admin); unpinning a note that is not pinned changes nothing. */
  @Post(':noteId/unpin')
  @HttpCode(200)
  @Authenticated(...WRITERS)
  @ApiHeader(IdempotencyKeyHeader)
  @ApiOkResponse({ type: NoteView })
  @ApiLateOutcomeResponse()
  unpin(
    @CurrentPrincipal() principal: Principal,
    @Param() params: NoteParams,
    @IdempotencyKey() idempotencyKey: string | undefined,
    @Res({ passthrough: true }) response: Response,
  ) {
    return this.pinning('note.unpin', principal, params, idempotencyKey, response);
  }

  /**
   * Who changed the note, what and when, oldest first: its creation, edits (with the body
   * replaced), pins and deletion. The newest 100 revisions are kept; a deleted note's history
   * stays readable.
   */
  @Get(':noteId/history')
  @Authenticated(...READERS)
  @ApiOkResponse({ type: NoteHistoryView })
  @ApiNotFoundResponse({ description: 'No such contact or note in the caller’s tenant' })
  history(@CurrentPrincipal() principal: Principal, @Param() params: NoteParams): Promise<NoteHistoryView> {
    return this.reader.noteHistory(principal.tenantId, params.id, params.noteId);
  }

  private async pinning(
    type: 'note.pin' | 'note.unpin',
    principal: Principal,
    params: NoteParams,
    idempotencyKey: string | undefined,
    response: Response,
  ) {
    const result = await this.commands.dispatch(
      principal,
      type,
      params.id,
      { noteId: params.noteId },
      idempotencyKey,
    );
    return answerCommand(result, response, pickNote);
  }
}
