import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import type { Model } from 'mongoose';
import type { CampaignCounts } from '@switchboard/contracts';
import { BoundedBulk } from '../store/bounded-bulk';
import { isDuplicateKeyError } from '../store/duplicate-key';
import { Campaign, campaignDocumentId, CampaignRecipient } from './campaign.schema';

@Injectable()
export class CampaignsRepository {
  constructor(
    @InjectModel(Campaign.name) private readonly campaigns: Model<Campaign>,
    @InjectModel(CampaignRecipient.name) private readonly recipients: Model<CampaignRecipient>,
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
   * Records recipients; returns how many of each kind were new. Those recorded before (a run
   * that resumed after a crash) are not counted again.
   */
  async record(recipients: CampaignRecipient[]): Promise<{ published: number; excluded: number }> {
    const inserted = new Set(
      (await this.bulk.write('insert', recipients, (slice) => this.insertNew(slice))).flat(),
    );
    const fresh = recipients.filter((recipient) => inserted.has(recipient._id));
    const excluded = fresh.filter((recipient) => recipient.excluded).length;
    return { published: fresh.length - excluded, excluded };
  }

  /** Inserts what is not recorded yet; returns the ids it inserted. */
  private async insertNew(recipients: CampaignRecipient[]): Promise<string[]> {
    try {
      const result = await this.recipients.collection.insertMany(
        recipients as unknown as Record<string, unknown>[],
        {
          ordered: false,
        },
      );
      return Object.values(result.insertedIds).map(String);
    } catch (error) {
      const failed = error as {
        writeErrors?: { code?: number; index: number }[] | { code?: number; index: number };
      };
      const writeErrors = Array.isArray(failed.writeErrors)
        ? failed.writeErrors
        : failed.writeErrors
          ? [failed.writeErrors]
          : [];
      if (writeErrors.length === 0 || writeErrors.some((writeError) => writeError.code !== 11000)) {
        throw error;
      }
      const duplicates = new Set(writeErrors.map((writeError) => writeError.index));
      return recipients.filter((_, index) => !duplicates.has(index)).map((recipient) => recipient._id);
    }
  }

  /** Counts from the recorded recipients: where a resumed dispatch starts from. */
  async countRecorded(tenantId: string, campaignId: string): Promise<CampaignCounts> {
    const [published, excluded] = await Promise.all([
      this.recipients.countDocuments({ tenantId, campaignId, excluded: false }).exec(),
      this.recipients.countDocuments({ tenantId, campaignId, excluded: true }).exec(),
    ]);
    return { resolved: published + excluded, published, excluded };
  }
}
