import { Module } from '@nestjs/common';
import { MongooseModule } from '@nestjs/mongoose';
import { StoreModule } from '../store/store.module';
import { Campaign, CampaignRecipient, CampaignRecipientSchema, CampaignSchema } from './campaign.schema';
import { CampaignsController } from './campaigns.controller';
import { CampaignsRepository } from './campaigns.repository';

/** Campaigns and the recipients each was sent to (the dispatch itself is a job). */
@Module({
  imports: [
    MongooseModule.forFeature([
      { name: Campaign.name, schema: CampaignSchema },
      { name: CampaignRecipient.name, schema: CampaignRecipientSchema },
    ]),
    StoreModule,
  ],
  controllers: [CampaignsController],
  providers: [CampaignsRepository],
  exports: [CampaignsRepository],
})
export class CampaignsModule {}
