import { Body, Controller, HttpCode, Param, Post, Res } from '@nestjs/common';
import { ApiHeader, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { ContactView } from '@switchboard/contracts';
import { CurrentPrincipal, type Principal } from '../auth/principal';
import { WRITERS } from '../auth/roles';
import { Authenticated } from '../auth/roles.decorator';
import { ApiLateOutcomeResponse } from '../commands/accepted-command-responses';
import { CommandBus } from '../commands/command-bus';
import { contactFromCommand } from '../commands/command-response';
import { ContactIdParams } from '../contacts/contact-requests';
import { ProblemResponses } from '../problems/problem-responses';
import { IdempotencyKey, IdempotencyKeyHeader } from '../contacts/idempotency-key';
import { TagNamesRequest } from './tag-requests';

/** Tags on one contact; the catalog itself is `TagCatalogController`'s. */
@ApiTags('tags')
@ProblemResponses()
@Controller('v1/contacts/:id/tags')
export class TagsController {
  constructor(private readonly commands: CommandBus) {}

  /**
   * Adds tags to the contact; unknown names join the tenant's catalog. Names match the
   * catalog case-insensitively and keep the catalog's spelling. A contact carries at most 100.
   */
  @Post()
  @HttpCode(200)
  @Authenticated(...WRITERS)
  @ApiHeader(IdempotencyKeyHeader)
  @ApiOkResponse({ type: ContactView })
  @ApiLateOutcomeResponse()
  async add(
    @CurrentPrincipal() principal: Principal,
    @Param() params: ContactIdParams,
    @Body() request: TagNamesRequest,
    @IdempotencyKey() idempotencyKey: string | undefined,
    @Res({ passthrough: true }) response: Response,
  ) {
    const result = await this.commands.dispatch(principal, 'contact.tag', params.id, request, idempotencyKey);
    return contactFromCommand(result, response);
  }

  /** Removes tags from the contact (case-insensitively); names it does not carry are ignored. */
  @Post('remove')
  @HttpCode(200)
  @Authenticated(...WRITERS)
  @ApiHeader(IdempotencyKeyHeader)
  @ApiOkResponse({ type: ContactView })
  @ApiLateOutcomeResponse()
  async remove(
    @CurrentPrincipal() principal: Principal,
    @Param() params: ContactIdParams,
    @Body() request: TagNamesRequest,
    @IdempotencyKey() idempotencyKey: string | undefined,
    @Res({ passthrough: true }) response: Response,
  ) {
    const result = await this.commands.dispatch(
      principal,
      'contact.untag',
      params.id,
      request,
      idempotencyKey,
    );
    return contactFromCommand(result, response);
  }
}
