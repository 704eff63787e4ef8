import { Module } from '@nestjs/common';
import { CommandOutcomesPurger } from '../commands/command-outcomes.purger';
import { CommandsModule } from '../commands/commands.module';
import { BlockExpiryCommands } from '../contacts/block-expiry-commands';
import { BlockExpirySweeper } from '../contacts/block-expiry.sweeper';
import { ContactsModule } from '../contacts/contacts.module';
import { JobStepCommands } from '../jobs/job-step-commands';
import { JobsModule } from '../jobs/jobs.module';
import { NotesModule } from '../notes/notes.module';
import { SegmentsModule } from '../segments/segments.module';
import { TenantSettingsModule } from '../settings/tenant-settings.module';
import { TagsModule } from '../tags/tags.module';
import { CommandRouter } from './command-router';
import { ContactCommands } from './contact-commands';
import { ContactCommandsController } from './contact-commands.controller';
import { ContactWriteEngine } from './contact-write-engine';

/**
 * The write engine: `contacts.commands` consumed a partition batch at a time, every command
 * routed by its type, contact changes decided in memory and published a slice at a time.
 */
@Module({
  imports: [
    CommandsModule,
    ContactsModule,
    JobsModule,
    NotesModule,
    SegmentsModule,
    TagsModule,
    TenantSettingsModule,
  ],
  controllers: [ContactCommandsController],
  providers: [
    ContactWriteEngine,
    ContactCommands,
    CommandRouter,
    JobStepCommands,
    BlockExpiryCommands,
    BlockExpirySweeper,
    CommandOutcomesPurger,
  ],
  exports: [CommandRouter],
})
export class WriteModule {}
