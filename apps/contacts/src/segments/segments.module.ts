import { Module } from '@nestjs/common';
import { MongooseModule } from '@nestjs/mongoose';
import { CommandsModule } from '../commands/commands.module';
import { ContactsModule } from '../contacts/contacts.module';
import { MessagesModule } from '../messages/messages.module';
import { TagsModule } from '../tags/tags.module';
import { SegmentCommands } from './segment-commands';
import { SegmentResolver } from './segment-resolver';
import { Segment, SegmentSchema } from './segment.schema';
import { SegmentsController } from './segments.controller';
import { SegmentsRepository } from './segments.repository';

/** Saved segments, and how an expression resolves to a query over contacts. */
@Module({
  imports: [
    MongooseModule.forFeature([{ name: Segment.name, schema: SegmentSchema }]),
    CommandsModule,
    ContactsModule,
    MessagesModule,
    TagsModule,
  ],
  controllers: [SegmentsController],
  providers: [SegmentsRepository, SegmentResolver, SegmentCommands],
  exports: [SegmentsRepository, SegmentResolver, SegmentCommands],
})
export class SegmentsModule {}
