import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import type { Model } from 'mongoose';
import type { CampaignCounts } from '@switchboard/contracts';
import { BoundedBulk } from '../store/bounded-bulk';
import { isDuplicateKeyError } from '../store/duplicate-key';
import { audiencePartId, Campaign, CampaignAudiencePart, campaignDocumentId } from './campaign.schema';

@Injectable()
export class CampaignsRepository {
  constructor(
    @InjectModel(Campaign.name) private readonly campaigns: Model<Campaign>,
    @InjectModel(CampaignAudiencePart.name) private readonly audience: Model<CampaignAudiencePart>,
    private readonly bulk: BoundedBulk,
  ) {}

  async insert(campaign: Campaign): Promise<boolean> {
    try {
      await this.campaigns.create(campaign);
      return true;
    } catch (error) {
      if (isDuplicateKeyError(error)) {
        return false;
      }
      throw error;
    }
  }

  get(tenantId: string, campaignId: string): Promise<Campaign | null> {
    return this.campaigns.findById(campaignDocumentId(tenantId, campaignId)).lean<Campaign>().exec();
  }

  list(tenantId: string): Promise<Campaign[]> {
    return this.campaigns.find({ tenantId }).sort({ createdAt: -1 }).limit(200).lean<Campaign[]>().exec();
  }

  async saveCounts(campaign: Campaign, counts: CampaignCounts): Promise<void> {
    await this.campaigns.updateOne({ _id: campaign._id }, { $set: { counts } }).exec();
  }

  async markDispatched(campaign: Campaign, counts: CampaignCounts, now: Date): Promise<void> {
    await this.campaigns
      .updateOne({ _id: campaign._id }, { $set: { counts, status: 'dispatched', dispatchedAt: now } })
      .exec();
  }

  /**
   * Writes a campaign's audience in parts, then its number of parts on the campaign: until that
   * last write the audience counts as unresolved, and a resumed dispatch writes it again.
   */
  async saveAudience(campaign: Campaign, parts: string[][]): Promise<number> {
    await this.audience.deleteMany({ tenantId: campaign.tenantId, campaignId: campaign.campaignId }).exec();
    const documents: CampaignAudiencePart[] = parts.map((contactIds, part) => ({
      _id: audiencePartId(campaign, part),
      tenantId: campaign.tenantId,
      campaignId: campaign.campaignId,
      part,
      contactIds: contactIds.join('\n'),
    }));
    await this.bulk.write('insert', documents, (slice) => this.audience.insertMany(slice, { lean: true }));
    await this.campaigns.updateOne({ _id: campaign._id }, { $set: { audienceParts: parts.length } }).exec();
    return parts.length;
  }

  /** One part of a campaign's audience (an exact `_id` read). */
  async audiencePart(campaign: Campaign, part: number): Promise<CampaignAudiencePart> {
    const found = await this.audience
      .findById(audiencePartId(campaign, part))
      .lean<CampaignAudiencePart>()
      .exec();
    if (!found) {
      throw new Error(`part ${part} of the audience of campaign ${campaign.campaignId} is missing`);
    }
    return found;
  }

  /** Records what a part's dispatch counted, once its records are acknowledged. */
  async markPartSent(
    campaign: Campaign,
    part: number,
    counted: { published: number; excluded: number },
  ): Promise<void> {
    await this.audience.updateOne({ _id: audiencePartId(campaign, part) }, { $set: counted }).exec();
  }

  /** Counts of the parts sent so far: where a resumed dispatch starts from. */
  async countRecorded(tenantId: string, campaignId: string): Promise<CampaignCounts> {
    const sent = await this.audience
      .find({ tenantId, campaignId, published: { $exists: true } }, { published: 1, excluded: 1 })
      .lean<Pick<CampaignAudiencePart, 'published' | 'excluded'>[]>()
      .exec();
    const published = sent.reduce((sum, part) => sum + (part.published ?? 0), 0);
    const excluded = sent.reduce((sum, part) => sum + (part.excluded ?? 0), 0);
    return { resolved: published + excluded, published, excluded };
  }
}
