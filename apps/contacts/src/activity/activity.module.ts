import { Module } from '@nestjs/common';
import { MongooseModule } from '@nestjs/mongoose';
import { StoreModule } from '../store/store.module';
import { ActivityEntry, ActivityEntrySchema } from './activity-entry.schema';
import { ActivityProjector } from './activity.projector';
import { ActivityRepository } from './activity.repository';
import { ContactEventsController } from './contact-events.controller';

/** A contact's activity timeline, projected from `contacts.events`. */
@Module({
  imports: [
    MongooseModule.forFeature([{ name: ActivityEntry.name, schema: ActivityEntrySchema }]),
    StoreModule,
  ],
  controllers: [ContactEventsController],
  providers: [ActivityRepository, ActivityProjector],
  exports: [ActivityRepository],
})
export class ActivityModule {}
