import { Body, Controller, Get, HttpCode, HttpStatus, Param, Post, Res } from '@nestjs/common';
import { ApiHeader, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { CampaignView } from '@switchboard/contracts';
import { CurrentPrincipal, type Principal } from '../auth/principal';
import { ADMINS, READERS } from '../auth/roles';
import { Authenticated } from '../auth/roles.decorator';
import { ApiStartedResponse } from '../commands/accepted-command-responses';
import { CommandBus } from '../commands/command-bus';
import { answerCommand, pickCampaign } from '../commands/command-response';
import { mintId } from '../commands/minted-ids';
import { ContactsReader } from '../contacts/contacts-reader';
import { IdempotencyKey, IdempotencyKeyHeader } from '../contacts/idempotency-key';
import { ApiItemListResponse } from '../item-list-response';
import { ProblemResponses } from '../problems/problem-responses';
import { ResourceUrls } from '../resource-urls';
import { CampaignIdParams, CreateCampaignRequest } from './campaign-requests';

/** One message to every contact of a segment. */
@ApiTags('campaigns')
@ProblemResponses()
@Controller('v1/campaigns')
export class CampaignsController {
  constructor(
    private readonly commands: CommandBus,
    private readonly reader: ContactsReader,
  ) {}

  /**
   * Creates a campaign and dispatches it in the background: follow its `status` and `counts`
   * at its URL.
   */
  @Post()
  @HttpCode(202)
  @Authenticated(...ADMINS)
  @ApiHeader(IdempotencyKeyHeader)
  @ApiStartedResponse(
    CampaignView,
    'The campaign is dispatching: `Location` is its URL. When the outcome itself is late, the ' +
      'command status instead (`commandId`, `statusUrl`).',
  )
  async create(
    @CurrentPrincipal() principal: Principal,
    @Body() request: CreateCampaignRequest,
    @IdempotencyKey() idempotencyKey: string | undefined,
    @Res({ passthrough: true }) response: Response,
  ) {
    const campaignId = mintId('campaign', principal, idempotencyKey);
    const result = await this.commands.dispatchTenantCommand(
      principal,
      'campaign.create',
      { campaignId, ...request },
      idempotencyKey,
    );
    return answerCommand(result, response, pickCampaign, {
      status: HttpStatus.ACCEPTED,
      location: (campaign) => ResourceUrls.campaign(campaign.campaignId),
    });
  }

  @Get()
  @Authenticated(...READERS)
  @ApiItemListResponse(CampaignView)
  list(@CurrentPrincipal() principal: Principal) {
    return this.reader.campaigns(principal.tenantId);
  }

  @Get(':campaignId')
  @Authenticated(...READERS)
  @ApiOkResponse({ type: CampaignView })
  get(@CurrentPrincipal() principal: Principal, @Param() params: CampaignIdParams) {
    return this.reader.campaign(principal.tenantId, params.campaignId);
  }
}
