import { Body, Controller, Delete, Get, HttpCode, HttpStatus, Param, Post, Res } from '@nestjs/common';
import { ApiBody, ApiCreatedResponse, ApiHeader, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { SegmentPreview, SegmentView } from '@switchboard/contracts';
import { CurrentPrincipal, type Principal } from '../auth/principal';
import { READERS, WRITERS } from '../auth/roles';
import { Authenticated } from '../auth/roles.decorator';
import { ApiLateOutcomeResponse } from '../commands/accepted-command-responses';
import { CommandBus } from '../commands/command-bus';
import { answerCommand, pickSegment } from '../commands/command-response';
import { mintId } from '../commands/minted-ids';
import { ContactsReader } from '../contacts/contacts-reader';
import { IdempotencyKey, IdempotencyKeyHeader } from '../contacts/idempotency-key';
import { ApiItemListResponse } from '../item-list-response';
import { ProblemResponses } from '../problems/problem-responses';
import { ResourceUrls } from '../resource-urls';
import { SaveSegmentRequest, SegmentDefinitionRequest, SegmentIdParams } from './segment-requests';

/** Named sets of contacts by tags, block state and attributes, for listings, bulk tagging and campaigns. */
@ApiTags('segments')
@ProblemResponses()
@Controller('v1/segments')
export class SegmentsController {
  constructor(
    private readonly commands: CommandBus,
    private readonly reader: ContactsReader,
  ) {}

  /** How many contacts a definition holds now, and a few of them: try a segment before saving it. */
  @Post('preview')
  @HttpCode(200)
  @Authenticated(...READERS)
  @ApiOkResponse({ type: SegmentPreview })
  @ApiBody({ type: SegmentDefinitionRequest, required: false, description: 'no body: every contact' })
  preview(@CurrentPrincipal() principal: Principal, @Body() definition: SegmentDefinitionRequest) {
    return this.reader.previewSegment(principal.tenantId, definition);
  }

  /** Saves a segment definition under a name unique in the tenant. */
  @Post()
  @HttpCode(201)
  @Authenticated(...WRITERS)
  @ApiHeader(IdempotencyKeyHeader)
  @ApiCreatedResponse({ type: SegmentView, description: 'The saved segment; `Location` is its URL' })
  @ApiLateOutcomeResponse()
  async save(
    @CurrentPrincipal() principal: Principal,
    @Body() request: SaveSegmentRequest,
    @IdempotencyKey() idempotencyKey: string | undefined,
    @Res({ passthrough: true }) response: Response,
  ) {
    const segmentId = mintId('segment', principal, idempotencyKey);
    const result = await this.commands.dispatchTenantCommand(
      principal,
      'segment.save',
      { segmentId, ...request },
      idempotencyKey,
    );
    return answerCommand(result, response, pickSegment, {
      status: HttpStatus.CREATED,
      location: (segment) => ResourceUrls.segment(segment.segmentId),
    });
  }

  @Get()
  @Authenticated(...READERS)
  @ApiItemListResponse(SegmentView)
  list(@CurrentPrincipal() principal: Principal) {
    return this.reader.segments(principal.tenantId);
  }

  @Get(':segmentId')
  @Authenticated(...READERS)
  @ApiOkResponse({ type: SegmentView })
  get(@CurrentPrincipal() principal: Principal, @Param() params: SegmentIdParams) {
    return this.reader.segment(principal.tenantId, params.segmentId);
  }

  /** How many contacts a saved segment holds now, and a few of them. */
  @Get(':segmentId/preview')
  @Authenticated(...READERS)
  @ApiOkResponse({ type: SegmentPreview })
  previewSaved(@CurrentPrincipal() principal: Principal, @Param() params: SegmentIdParams) {
    return this.reader.previewSavedSegment(principal.tenantId, params.segmentId);
  }

  /** Deletes a saved segment; campaigns created from it keep the definition they used. */
  @Delete(':segmentId')
  @Authenticated(...WRITERS)
  @ApiHeader(IdempotencyKeyHeader)
  @ApiOkResponse({ type: SegmentView, description: 'The segment as it was' })
  @ApiLateOutcomeResponse()
  async delete(
    @CurrentPrincipal() principal: Principal,
    @Param() params: SegmentIdParams,
    @IdempotencyKey() idempotencyKey: string | undefined,
    @Res({ passthrough: true }) response: Response,
  ) {
    const result = await this.commands.dispatchTenantCommand(
      principal,
      'segment.delete',
      { segmentId: params.segmentId },
      idempotencyKey,
    );
    return answerCommand(result, response, pickSegment);
  }
}
