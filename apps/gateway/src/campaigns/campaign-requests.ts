import { ApiProperty, OmitType } from '@nestjs/swagger';
import { Matches } from 'class-validator';
import { CAMPAIGN_ID_PATTERN, CreateCampaignPayload } from '@switchboard/contracts';

export class CampaignIdParams {
  @ApiProperty({ pattern: CAMPAIGN_ID_PATTERN.source })
  @Matches(CAMPAIGN_ID_PATTERN, { message: `campaignId must match ${CAMPAIGN_ID_PATTERN.source}` })
  campaignId: string;
}

/**
 * A message to every contact of a saved segment or a segment definition (exactly one);
 * blocked contacts are left out unless `includeBlocked`. The gateway gives it its id.
 */
export class CreateCampaignRequest extends OmitType(CreateCampaignPayload, ['campaignId'] as const) {}
