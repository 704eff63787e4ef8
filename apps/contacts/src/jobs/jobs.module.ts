import { Module } from '@nestjs/common';
import { MongooseModule } from '@nestjs/mongoose';
import { CampaignCommands } from '../campaigns/campaign-commands';
import { CampaignDispatchWork } from '../campaigns/campaign-dispatch-work';
import { CampaignsModule } from '../campaigns/campaigns.module';
import { CommandsModule } from '../commands/commands.module';
import { ContactsModule } from '../contacts/contacts.module';
import { SegmentsModule } from '../segments/segments.module';
import { TenantSettingsModule } from '../settings/tenant-settings.module';
import { TagCatalogCommands } from '../tags/tag-catalog-commands';
import { TagsModule } from '../tags/tags.module';
import { BulkBlockingCommands } from './bulk-blocking-commands';
import { BulkJobStarter } from './bulk-job-starter';
import { BulkTaggingCommands } from './bulk-tagging-commands';
import { ContactJobWork } from './contact-job-work';
import { JobDecisions } from './job-decisions';
import { JobRunner } from './job-runner';
import { JobStepRecord, JobStepRecordSchema } from './job-step.schema';
import { JobStepsRepository } from './job-steps.repository';
import { JOB_WORKS, type JobWork } from './job-work';
import { JobSchema, StoredJob } from './job.schema';
import { JobsController } from './jobs.controller';
import { JobsRepository } from './jobs.repository';

/**
 * Work over many contacts, resumable wherever it stopped: bulk tagging and blocking, catalog
 * renames, deletions and merges, campaign dispatch. The commands that start a job are here;
 * each contact's change is a step command applied by the contact's partition (WriteModule).
 */
@Module({
  imports: [
    MongooseModule.forFeature([
      { name: StoredJob.name, schema: JobSchema },
      { name: JobStepRecord.name, schema: JobStepRecordSchema },
    ]),
    CampaignsModule,
    CommandsModule,
    ContactsModule,
    SegmentsModule,
    TagsModule,
    TenantSettingsModule,
  ],
  controllers: [JobsController],
  providers: [
    JobsRepository,
    JobStepsRepository,
    JobDecisions,
    JobRunner,
    ContactJobWork,
    CampaignDispatchWork,
    {
      provide: JOB_WORKS,
      inject: [ContactJobWork, CampaignDispatchWork],
      useFactory: (...works: JobWork[]) => works,
    },
    BulkJobStarter,
    BulkTaggingCommands,
    BulkBlockingCommands,
    TagCatalogCommands,
    CampaignCommands,
  ],
  exports: [
    JobsRepository,
    JobStepsRepository,
    JobDecisions,
    BulkTaggingCommands,
    BulkBlockingCommands,
    TagCatalogCommands,
    CampaignCommands,
  ],
})
export class JobsModule {}
