import { Controller, Get, NotFoundException, Param, UseGuards } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { CampaignView } from '@switchboard/contracts';
import { InternalTokenGuard } from '../internal-token.guard';
import { toCampaignView } from './campaign.schema';
import { CampaignsRepository } from './campaigns.repository';

/** Internal campaign reads for the gateway, which has authorised the tenant. */
@ApiExcludeController()
@UseGuards(InternalTokenGuard)
@Controller('internal/tenants/:tenantId/campaigns')
export class CampaignsController {
  constructor(private readonly campaigns: CampaignsRepository) {}

  @Get()
  async list(@Param('tenantId') tenantId: string): Promise<{ items: CampaignView[] }> {
    return { items: (await this.campaigns.list(tenantId)).map(toCampaignView) };
  }

  @Get(':campaignId')
  async get(
    @Param('tenantId') tenantId: string,
    @Param('campaignId') campaignId: string,
  ): Promise<CampaignView> {
    const campaign = await this.campaigns.get(tenantId, campaignId);
    if (!campaign) {
      throw new NotFoundException({ code: 'campaign-not-found' });
    }
    return toCampaignView(campaign);
  }
}
