import { Module } from '@nestjs/common';
import { MongooseModule } from '@nestjs/mongoose';
import { CommandOutcome, CommandOutcomeSchema } from './command-outcome.schema';
import { CommandOutcomesPurger } from './command-outcomes.purger';
import { CommandOutcomesRepository } from './command-outcomes.repository';
import { Contact, ContactSchema } from './contact.schema';
import { ContactCommandsConsumer } from './contact-commands.consumer';
import { ContactCommandsService } from './contact-commands.service';
import { ContactsController } from './contacts.controller';
import { ContactsRepository } from './contacts.repository';
import { IdentityClaim, IdentityClaimSchema } from './identity-claim.schema';
import { IdentityClaimsRepository } from './identity-claims.repository';
import { Note, NoteSchema } from '../notes/note.schema';
import { ActivityEntry, ActivityEntrySchema } from '../activity/activity-entry.schema';
import { ActivityProjector } from '../activity/activity.projector';
import { ActivityRepository } from '../activity/activity.repository';
import { MessageIngestService } from '../messages/message-ingest.service';
import { RoutedMessagesConsumer } from '../messages/routed-messages.consumer';
import { ContactMessages, ContactMessagesSchema } from '../messages/contact-messages.schema';
import { ContactMessagesRepository } from '../messages/contact-messages.repository';
import { KeyedLock } from '../store/keyed-lock';
import { NotesRepository } from '../notes/notes.repository';
import { Tag, TagSchema } from '../tags/tag.schema';
import { TagCatalogRepository } from '../tags/tag-catalog.repository';

@Module({
  imports: [
    MongooseModule.forFeature([
      { name: Contact.name, schema: ContactSchema },
      { name: IdentityClaim.name, schema: IdentityClaimSchema },
      { name: CommandOutcome.name, schema: CommandOutcomeSchema },
      { name: Note.name, schema: NoteSchema },
      { name: Tag.name, schema: TagSchema },
      { name: ContactMessages.name, schema: ContactMessagesSchema },
      { name: ActivityEntry.name, schema: ActivityEntrySchema },
    ]),
  ],
  controllers: [ContactsController],
  providers: [
    ContactsRepository,
    IdentityClaimsRepository,
    CommandOutcomesRepository,
    NotesRepository,
    TagCatalogRepository,
    ActivityRepository,
    ActivityProjector,
    MessageIngestService,
    ContactMessagesRepository,
    KeyedLock,
    RoutedMessagesConsumer,
    ContactCommandsService,
    ContactCommandsConsumer,
    CommandOutcomesPurger,
  ],
})
export class ContactsModule {}
