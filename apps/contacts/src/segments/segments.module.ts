import { Module } from '@nestjs/common';
import { MongooseModule } from '@nestjs/mongoose';
import { CommandsModule } from '../commands/commands.module';
import { ContactsModule } from '../contacts/contacts.module';
import { MessagesModule } from '../messages/messages.module';
import { TagsModule } from '../tags/tags.module';
import { SegmentIndex } from './index/segment-index';
import { SegmentIndexController } from './index/segment-index.controller';
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
  controllers: [SegmentsController, SegmentIndexController],
  providers: [SegmentsRepository, SegmentResolver, SegmentCommands, SegmentIndex],
  exports: [SegmentsRepository, SegmentResolver, SegmentCommands, SegmentIndex],
})
export class SegmentsModule {}
