import { Module } from '@nestjs/common';
import { MongooseModule } from '@nestjs/mongoose';
import { StoreModule } from '../store/store.module';
import {
  Campaign,
  CampaignAudiencePart,
  CampaignAudiencePartSchema,
  CampaignSchema,
} from './campaign.schema';
import { CampaignsController } from './campaigns.controller';
import { CampaignsRepository } from './campaigns.repository';

/** Campaigns and the audience each was sent to (the dispatch itself is a job). */
@Module({
  imports: [
    MongooseModule.forFeature([
      { name: Campaign.name, schema: CampaignSchema },
      { name: CampaignAudiencePart.name, schema: CampaignAudiencePartSchema },
    ]),
    StoreModule,
  ],
  controllers: [CampaignsController],
  providers: [CampaignsRepository],
  exports: [CampaignsRepository],
})
export class CampaignsModule {}
