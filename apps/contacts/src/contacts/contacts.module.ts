import { Module } from '@nestjs/common';
import { MongooseModule } from '@nestjs/mongoose';
import { CONSUMER_GROUPS, KafkaBatchTransport } from '@switchboard/kafka';
import { BlockExpiryCommands } from './block-expiry-commands';
import { BlockExpirySweeper } from './block-expiry.sweeper';
import { CommandOutcome, CommandOutcomeSchema } from './command-outcome.schema';
import { CommandOutcomesPurger } from './command-outcomes.purger';
import { CommandOutcomesRepository } from './command-outcomes.repository';
import { Contact, ContactSchema } from './contact.schema';
import { ContactCommandsService } from './contact-commands.service';
import { ContactsController } from './contacts.controller';
import { ContactsRepository } from './contacts.repository';
import { IdentityClaim, IdentityClaimSchema } from './identity-claim.schema';
import { IdentityClaimsRepository } from './identity-claims.repository';
import { Note, NoteSchema } from '../notes/note.schema';
import { ActivityEntry, ActivityEntrySchema } from '../activity/activity-entry.schema';
import { ActivityProjector } from '../activity/activity.projector';
import { ContactEventsController } from '../activity/contact-events.controller';
import { ActivityRepository } from '../activity/activity.repository';
import { MessageIngestEngine } from '../messages/message-ingest.engine';
import { RoutedMessagesController } from '../messages/routed-messages.controller';
import { StoredMessage, StoredMessageSchema } from '../messages/stored-message.schema';
import { IdentityActivity, IdentityActivitySchema } from '../messages/identity-activity.schema';
import { MessageHistoryRepository } from '../messages/message-history.repository';
import { IdentityActivityRepository } from '../messages/identity-activity.repository';
import { BoundedBulk } from '../store/bounded-bulk';
import { NotesRepository } from '../notes/notes.repository';
import { Tag, TagSchema } from '../tags/tag.schema';
import { TagCatalogRepository } from '../tags/tag-catalog.repository';
import { TagUsageShare, TagUsageShareSchema } from '../tags/tag-usage.schema';
import { TagUsageRepository } from '../tags/tag-usage.repository';
import { ContactWriteEngine } from '../write/contact-write-engine';
import { TagCatalogCommands } from '../tags/tag-catalog-commands';
import { TagsController } from '../tags/tags.controller';
import { CommandOutcomes } from '../commands/command-outcomes';
import { CommandRouter } from '../commands/command-router';
import { ContactCommandsController } from '../commands/contact-commands.controller';
import { contactsConsumerGroups } from '../contacts-consumer-groups';
import { ContactsSettings } from '../contacts-settings';
import { AcceptedCommand, AcceptedCommandSchema } from '../commands/accepted-command.schema';
import { AcceptedCommandsRepository } from '../commands/accepted-commands.repository';
import { CommandsController } from '../commands/commands.controller';
import { Job, JobSchema } from '../jobs/job.schema';
import { JobsRepository } from '../jobs/jobs.repository';
import { JobRunner } from '../jobs/job-runner';
import { JOB_WORKS, type JobWork } from '../jobs/job-work';
import { ContactJobWork } from '../jobs/contact-job-work';
import { JobDecisions } from '../jobs/job-decisions';
import { JobStepRecord, JobStepRecordSchema } from '../jobs/job-step.schema';
import { JobStepCommands } from '../jobs/job-step-commands';
import { JobStepsRepository } from '../jobs/job-steps.repository';
import { BulkBlockingCommands } from '../jobs/bulk-blocking-commands';
import { BulkJobStarter } from '../jobs/bulk-job-starter';
import { BulkTaggingCommands } from '../jobs/bulk-tagging-commands';
import { JobsController } from '../jobs/jobs.controller';
import { Segment, SegmentSchema } from '../segments/segment.schema';
import { SegmentsRepository } from '../segments/segments.repository';
import { SegmentResolver } from '../segments/segment-resolver';
import { SegmentCommands } from '../segments/segment-commands';
import { SegmentsController } from '../segments/segments.controller';
import {
  Campaign,
  CampaignRecipient,
  CampaignRecipientSchema,
  CampaignSchema,
} from '../campaigns/campaign.schema';
import { CampaignsRepository } from '../campaigns/campaigns.repository';
import { CampaignCommands } from '../campaigns/campaign-commands';
import { CampaignDispatchWork } from '../campaigns/campaign-dispatch-work';
import { CampaignsController } from '../campaigns/campaigns.controller';
import { ConversationsController } from '../conversations/conversations.controller';
import { SettingsController } from '../settings/settings.controller';
import { TenantSettings, TenantSettingsSchema } from '../settings/tenant-settings.schema';
import { TenantSettingsCommands } from '../settings/tenant-settings-commands';
import { TenantSettingsRepository } from '../settings/tenant-settings.repository';

@Module({
  imports: [
    MongooseModule.forFeature([
      { name: Contact.name, schema: ContactSchema },
      { name: IdentityClaim.name, schema: IdentityClaimSchema },
      { name: CommandOutcome.name, schema: CommandOutcomeSchema },
      { name: AcceptedCommand.name, schema: AcceptedCommandSchema },
      { name: Note.name, schema: NoteSchema },
      { name: Tag.name, schema: TagSchema },
      { name: TagUsageShare.name, schema: TagUsageShareSchema },
      { name: StoredMessage.name, schema: StoredMessageSchema },
      { name: IdentityActivity.name, schema: IdentityActivitySchema },
      { name: ActivityEntry.name, schema: ActivityEntrySchema },
      { name: Job.name, schema: JobSchema },
      { name: Segment.name, schema: SegmentSchema },
      { name: Campaign.name, schema: CampaignSchema },
      { name: CampaignRecipient.name, schema: CampaignRecipientSchema },
      { name: TenantSettings.name, schema: TenantSettingsSchema },
      { name: JobStepRecord.name, schema: JobStepRecordSchema },
    ]),
  ],
  controllers: [
    ContactsController,
    CommandsController,
    TagsController,
    SegmentsController,
    JobsController,
    CampaignsController,
    ConversationsController,
    SettingsController,
    ContactCommandsController,
    RoutedMessagesController,
    ContactEventsController,
  ],
  providers: [
    BoundedBulk,
    ContactsRepository,
    IdentityClaimsRepository,
    CommandOutcomesRepository,
    AcceptedCommandsRepository,
    NotesRepository,
    TagCatalogRepository,
    ActivityRepository,
    ActivityProjector,
    MessageIngestEngine,
    MessageHistoryRepository,
    IdentityActivityRepository,
    TagUsageRepository,
    ContactWriteEngine,
    ContactCommandsService,
    CommandRouter,
    CommandOutcomesPurger,
    CommandOutcomes,
    TagCatalogCommands,
    SegmentsRepository,
    SegmentResolver,
    SegmentCommands,
    JobsRepository,
    BulkJobStarter,
    BulkTaggingCommands,
    BulkBlockingCommands,
    TenantSettingsRepository,
    TenantSettingsCommands,
    BlockExpiryCommands,
    BlockExpirySweeper,
    ContactJobWork,
    JobDecisions,
    JobStepCommands,
    JobStepsRepository,
    CampaignsRepository,
    CampaignCommands,
    CampaignDispatchWork,
    {
      provide: JOB_WORKS,
      inject: [ContactJobWork, CampaignDispatchWork],
      useFactory: (...works: JobWork[]) => works,
    },
    JobRunner,
    {
      provide: CONSUMER_GROUPS,
      inject: [ContactsSettings, CommandRouter],
      useFactory: contactsConsumerGroups,
    },
    KafkaBatchTransport,
  ],
})
export class ContactsModule {}
