import { Type } from 'class-transformer';
import {
  IsDefined,
  IsBoolean,
  IsIn,
  IsInt,
  IsISO8601,
  IsOptional,
  IsString,
  IsUUID,
  Matches,
  MaxLength,
  Min,
  MinLength,
  ValidateNested,
} from 'class-validator';
import { Identity } from '../contact-fields';
import { CONTACT_ID_PATTERN, TENANT_ID_PATTERN } from '../identifiers';
import { SEGMENT_ID_PATTERN, SegmentDefinition } from '../segments/segment-fields';

export const CAMPAIGN_ID_PATTERN = /^c_[A-Za-z0-9_-]{1,64}$/;
export const CAMPAIGN_NAME_MAX_LENGTH = 200;
export const CAMPAIGN_TEXT_MAX_LENGTH = 4096;

export class CampaignMessage {
  @IsString()
  @MinLength(1)
  @MaxLength(CAMPAIGN_TEXT_MAX_LENGTH)
  text: string;
}

export class CampaignCounts {
  /** Contacts of the segment when the audience was resolved (published + excluded). */
  @IsInt()
  @Min(0)
  resolved: number;

  /** Recipients published to `campaigns.dispatch`. */
  @IsInt()
  @Min(0)
  published: number;

  /** Blocked contacts left out. */
  @IsInt()
  @Min(0)
  excluded: number;
}

export const CampaignStatuses = ['dispatching', 'dispatched'] as const;
export type CampaignStatus = (typeof CampaignStatuses)[number];

export class CampaignView {
  @Matches(CAMPAIGN_ID_PATTERN)
  campaignId: string;

  @IsString()
  name: string;

  @IsDefined()
  @ValidateNested()
  @Type(() => CampaignMessage)
  message: CampaignMessage;

  /** The saved segment it was created from, if any; `segment` is the definition it used. */
  @IsOptional()
  @Matches(SEGMENT_ID_PATTERN)
  segmentId?: string;

  @IsDefined()
  @ValidateNested()
  @Type(() => SegmentDefinition)
  segment: SegmentDefinition;

  @IsBoolean()
  includeBlocked: boolean;

  @IsIn(CampaignStatuses)
  status: CampaignStatus;

  @IsDefined()
  @ValidateNested()
  @Type(() => CampaignCounts)
  counts: CampaignCounts;

  @IsString()
  createdBy: string;

  @IsISO8601()
  createdAt: string;

  @IsOptional()
  @IsISO8601()
  dispatchedAt?: string;
}

/** One recipient of a campaign on `campaigns.dispatch`, keyed `tenantId:contactId`. */
export class CampaignDispatch {
  /** The same for every delivery of this recipient of this campaign: deduplicate by it. */
  @IsUUID()
  dispatchId: string;

  @Matches(CAMPAIGN_ID_PATTERN)
  campaignId: string;

  @Matches(TENANT_ID_PATTERN)
  tenantId: string;

  @Matches(CONTACT_ID_PATTERN)
  contactId: string;

  @ValidateNested({ each: true })
  @Type(() => Identity)
  identities: Identity[];

  @IsDefined()
  @ValidateNested()
  @Type(() => CampaignMessage)
  message: CampaignMessage;

  @IsISO8601()
  createdAt: string;
}
