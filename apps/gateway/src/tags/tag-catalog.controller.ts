import { Body, Controller, Delete, Get, HttpCode, HttpStatus, Param, Patch, Post, Res } from '@nestjs/common';
import { ApiCreatedResponse, ApiHeader, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { JobView, TagView } from '@switchboard/contracts';
import { CurrentPrincipal, type Principal } from '../auth/principal';
import { ADMINS, READERS } from '../auth/roles';
import { Authenticated } from '../auth/roles.decorator';
import { ApiLateOutcomeResponse, ApiStartedResponse } from '../commands/accepted-command-responses';
import { CommandBus } from '../commands/command-bus';
import { answerCommand, pickJob, pickTag } from '../commands/command-response';
import { mintId } from '../commands/minted-ids';
import { ContactsReader } from '../contacts/contacts-reader';
import { IdempotencyKey, IdempotencyKeyHeader } from '../contacts/idempotency-key';
import { ApiItemListResponse } from '../item-list-response';
import { ApiError } from '../problems/api-error';
import { ProblemResponses } from '../problems/problem-responses';
import { ResourceUrls } from '../resource-urls';
import { tagChangeOf, TagChangeView } from './tag-change-view';
import { CreateTagRequest, MergeTagRequest, TagIdParams, UpdateTagRequest } from './tag-requests';

/** The tenant's tag catalog: names, colours, descriptions, and how many contacts carry each tag. */
@ApiTags('tags')
@ProblemResponses()
@Controller('v1/tags')
export class TagCatalogController {
  constructor(
    private readonly commands: CommandBus,
    private readonly reader: ContactsReader,
  ) {}

  /** The tenant's tag catalog with colours and usage counts. */
  @Get()
  @Authenticated(...READERS)
  @ApiItemListResponse(TagView)
  catalog(@CurrentPrincipal() principal: Principal) {
    return this.reader.tags(principal.tenantId);
  }

  @Get(':tagId')
  @Authenticated(...READERS)
  @ApiOkResponse({ type: TagView })
  get(@CurrentPrincipal() principal: Principal, @Param() params: TagIdParams) {
    return this.reader.tag(principal.tenantId, params.tagId);
  }

  /** Adds a tag to the catalog; its name must be unique in the tenant regardless of case. */
  @Post()
  @HttpCode(201)
  @Authenticated(...ADMINS)
  @ApiHeader(IdempotencyKeyHeader)
  @ApiCreatedResponse({ type: TagView, description: 'The new tag; `Location` is its URL' })
  @ApiLateOutcomeResponse()
  async create(
    @CurrentPrincipal() principal: Principal,
    @Body() request: CreateTagRequest,
    @IdempotencyKey() idempotencyKey: string | undefined,
    @Res({ passthrough: true }) response: Response,
  ) {
    const tagId = mintId('tag', principal, idempotencyKey);
    const result = await this.commands.dispatchTenantCommand(
      principal,
      'tag.create',
      { tagId, ...request },
      idempotencyKey,
    );
    return answerCommand(result, response, (event) => pickTag(event).tag, {
      status: HttpStatus.CREATED,
      location: (tag) => ResourceUrls.tag(tag.tagId),
    });
  }

  /**
   * Renames, recolours or describes a tag (`description: null` clears it). A rename reaches
   * every contact that carries the tag in the background: follow `jobUrl`.
   */
  @Patch(':tagId')
  @Authenticated(...ADMINS)
  @ApiHeader(IdempotencyKeyHeader)
  @ApiOkResponse({ type: TagChangeView })
  @ApiLateOutcomeResponse()
  async update(
    @CurrentPrincipal() principal: Principal,
    @Param() params: TagIdParams,
    @Body() request: UpdateTagRequest,
    @IdempotencyKey() idempotencyKey: string | undefined,
    @Res({ passthrough: true }) response: Response,
  ) {
    if (Object.values(request).every((value) => value === undefined)) {
      throw new ApiError('validation-failed', 'give at least one of name, colour, description');
    }
    const result = await this.commands.dispatchTenantCommand(
      principal,
      'tag.update',
      { tagId: params.tagId, ...request },
      idempotencyKey,
    );
    return answerCommand(result, response, (event) => tagChangeOf(pickTag(event)));
  }

  /** Deletes a tag from the catalog; it leaves every contact that carries it in the background. */
  @Delete(':tagId')
  @Authenticated(...ADMINS)
  @ApiHeader(IdempotencyKeyHeader)
  @ApiOkResponse({ type: TagChangeView, description: 'The tag as it was, and the removal job' })
  @ApiLateOutcomeResponse()
  async delete(
    @CurrentPrincipal() principal: Principal,
    @Param() params: TagIdParams,
    @IdempotencyKey() idempotencyKey: string | undefined,
    @Res({ passthrough: true }) response: Response,
  ) {
    const result = await this.commands.dispatchTenantCommand(
      principal,
      'tag.delete',
      { tagId: params.tagId },
      idempotencyKey,
    );
    return answerCommand(result, response, (event) => tagChangeOf(pickTag(event)));
  }

  /**
   * Merges the tag into another (`into`): every contact that carries it carries `into` instead
   * (once; already having both leaves just `into`), in the background. The merged tag leaves
   * the catalog at once and its name is free again; saved segments that named it mean `into`.
   */
  @Post(':tagId/merge')
  @HttpCode(202)
  @Authenticated(...ADMINS)
  @ApiHeader(IdempotencyKeyHeader)
  @ApiStartedResponse(
    JobView,
    'The merge started: `Location` is where to follow its job. When the outcome itself is ' +
      'late, the command status instead (`commandId`, `statusUrl`).',
  )
  async merge(
    @CurrentPrincipal() principal: Principal,
    @Param() params: TagIdParams,
    @Body() request: MergeTagRequest,
    @IdempotencyKey() idempotencyKey: string | undefined,
    @Res({ passthrough: true }) response: Response,
  ) {
    if (request.into === params.tagId) {
      throw new ApiError('validation-failed', 'a tag cannot be merged into itself', [
        { field: 'into', messages: ['into must be another tag than the merged one'] },
      ]);
    }
    const result = await this.commands.dispatchTenantCommand(
      principal,
      'tag.merge',
      { tagId: params.tagId, into: request.into },
      idempotencyKey,
    );
    return answerCommand(result, response, pickJob, {
      status: HttpStatus.ACCEPTED,
      location: (job) => ResourceUrls.job(job.jobId),
    });
  }
}
