import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query, Res } from '@nestjs/common';
import { ApiHeader, ApiNotFoundResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { randomUUID } from 'node:crypto';
import { v5 as uuidv5 } from 'uuid';
import { NoteView, type ContactPage } from '@switchboard/contracts';
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

  /** The contact's notes, newest first. */
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
}
