import { Module } from '@nestjs/common';
import { ActivityModule } from '../activity/activity.module';
import { MessagesModule } from '../messages/messages.module';
import { NotesModule } from '../notes/notes.module';
import { SegmentsModule } from '../segments/segments.module';
import { TagsModule } from '../tags/tags.module';
import { ContactsController } from './contacts.controller';
import { ContactsModule } from './contacts.module';

/** Everything an agent sees of a customer beside the chat: details, tags, notes, activity, messages. */
@Module({
  imports: [ContactsModule, NotesModule, ActivityModule, TagsModule, MessagesModule, SegmentsModule],
  controllers: [ContactsController],
})
export class ContactDetailsModule {}
