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
 * The resolved audience, one document per contact: published or excluded. It is what makes
 * the counts exact across restarts: a recipient counts when its document is first inserted.
 */
@Schema({ collection: 'campaign_recipients', versionKey: false })
export class CampaignRecipient {
  /** `tenantId:campaignId:contactId` */
  @Prop({ type: String, required: true })
  _id: string;

  @Prop({ required: true })
  tenantId: string;

  @Prop({ required: true })
  campaignId: string;

  @Prop({ required: true })
  contactId: string;

  /** Left out because the contact was blocked. */
  @Prop({ required: true })
  excluded: boolean;
}

export const CampaignRecipientSchema = SchemaFactory.createForClass(CampaignRecipient);
CampaignRecipientSchema.index({ tenantId: 1, campaignId: 1 });
