import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import type {
  CampaignCounts,
  CampaignMessage,
  CampaignStatus,
  CampaignView,
  SegmentDefinition,
} from '@switchboard/contracts';
import type { ResolvedSegment } from '../segments/segment-query';

@Schema({ collection: 'campaigns', versionKey: false, minimize: false })
export class Campaign {
  @Prop({ type: String, required: true })
  _id: string;

  @Prop({ required: true })
  tenantId: string;

  @Prop({ required: true })
  campaignId: string;

  @Prop({ required: true })
  name: string;

  @Prop({ type: Object, required: true })
  message: CampaignMessage;

  @Prop()
  segmentId?: string;

  /** The definition as it was when the campaign was created (a saved segment may change later). */
  @Prop({ type: Object, required: true })
  segment: SegmentDefinition;

  /** The same, resolved to tag ids at creation. */
  @Prop({ type: Object, required: true })
  resolvedSegment: ResolvedSegment;

  @Prop({ required: true })
  includeBlocked: boolean;

  @Prop({ type: String, required: true })
  status: CampaignStatus;

  @Prop({ type: Object, required: true })
  counts: CampaignCounts;

  @Prop({ required: true })
  createdBy: string;

  @Prop({ required: true })
  createdAt: Date;

  @Prop()
  dispatchedAt?: Date;

  /** How many parts its audience has, once they are all written (`CampaignAudiencePart`). */
  @Prop()
  audienceParts?: number;
}

export const CampaignSchema = SchemaFactory.createForClass(Campaign);
CampaignSchema.index({ tenantId: 1, createdAt: -1 });

export function campaignDocumentId(tenantId: string, campaignId: string): string {
  return `${tenantId}:${campaignId}`;
}

export function toCampaignView(campaign: Campaign): CampaignView {
  return {
    campaignId: campaign.campaignId,
    name: campaign.name,
    message: campaign.message,
    ...(campaign.segmentId && { segmentId: campaign.segmentId }),
    segment: campaign.segment,
    includeBlocked: campaign.includeBlocked,
    status: campaign.status,
    counts: campaign.counts,
    createdBy: campaign.createdBy,
    createdAt: new Date(campaign.createdAt).toISOString(),
    ...(campaign.dispatchedAt && { dispatchedAt: new Date(campaign.dispatchedAt).toISOString() }),
  };
}

/**
 * One part of a campaign's audience, resolved once when its dispatch first runs: up to
 * `CAMPAIGN_DISPATCH_CHUNK` contact ids in the order the dispatch goes. `published` and
 * `excluded` are set once the part's records are acknowledged: a part counts once, when they
 * are set, so the counts stay exact across restarts.
 */
@Schema({ collection: 'campaign_audience', versionKey: false })
export class CampaignAudiencePart {
  /** `tenantId:campaignId:part` */
  @Prop({ type: String, required: true })
  _id: string;

  @Prop({ required: true })
  tenantId: string;

  @Prop({ required: true })
  campaignId: string;

  @Prop({ required: true })
  part: number;

  /** The contact ids, one per line: one string, which every store reads and writes fast. */
  @Prop({ required: true })
  contactIds: string;

  @Prop()
  published?: number;

  /** Left out: blocked (unless the campaign includes blocked contacts), or no longer a contact. */
  @Prop()
  excluded?: number;
}

export const CampaignAudiencePartSchema = SchemaFactory.createForClass(CampaignAudiencePart);
CampaignAudiencePartSchema.index({ tenantId: 1, campaignId: 1 });

export function audiencePartId(campaign: Pick<Campaign, 'tenantId' | 'campaignId'>, part: number): string {
  return `${campaign.tenantId}:${campaign.campaignId}:${part}`;
}
