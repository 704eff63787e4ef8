import { Module } from '@nestjs/common';
import { MongooseModule } from '@nestjs/mongoose';
import { ContactsModule } from '../contacts/contacts.module';
import { ConversationsController } from '../conversations/conversations.controller';
import { StoreModule } from '../store/store.module';
import { IdentityActivity, IdentityActivitySchema } from './identity-activity.schema';
import { IdentityActivityRepository } from './identity-activity.repository';
import { MessageHistoryRepository } from './message-history.repository';
import { MessageIngestEngine } from './message-ingest.engine';
import { RoutedMessagesController } from './routed-messages.controller';
import { StoredMessage, StoredMessageSchema } from './stored-message.schema';

/**
 * What customers sent: every routed message kept, counted per identity by the partition that
 * owns the identity, and the conversations list built from those counts.
 */
@Module({
  imports: [
    MongooseModule.forFeature([
      { name: StoredMessage.name, schema: StoredMessageSchema },
      { name: IdentityActivity.name, schema: IdentityActivitySchema },
    ]),
    StoreModule,
    ContactsModule,
  ],
  controllers: [RoutedMessagesController, ConversationsController],
  providers: [MessageHistoryRepository, IdentityActivityRepository, MessageIngestEngine],
  exports: [MessageHistoryRepository, IdentityActivityRepository],
})
export class MessagesModule {}
