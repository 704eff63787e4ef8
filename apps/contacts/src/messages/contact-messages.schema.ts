import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';

/** One message of the bounded recent history the chat screen shows. */
export interface RecentMessage {
  messageId: string;
  channel: string;
  from: string;
  type: string;
  content: Record<string, unknown>;
  sentAt: string;
  /** `accepted`, or `blocked` when it was dropped because the contact was blocked. */
  status: 'accepted' | 'blocked';
}

/**
 * A contact's message counters and recent history, apart from the contact document: commands
 * and inbound messages never write the same document. `_id` is `tenantId:contactId`.
 */
@Schema({ collection: 'contact_messages', versionKey: false, minimize: false })
export class ContactMessages {
  @Prop({ type: String, required: true })
  _id: string;

  @Prop({ required: true })
  tenantId: string;

  @Prop({ required: true })
  contactId: string;

  @Prop({ type: Object, required: true })
  counters: { accepted: number; blocked: number };

  /** The most recent messages, oldest first; also what recognises a redelivered message. */
  @Prop({ type: [Object], default: [] })
  recentMessages: RecentMessage[];

  @Prop({ required: true })
  lastMessageAt: Date;

  @Prop({ required: true })
  firstSeenAt: Date;
}

export const ContactMessagesSchema = SchemaFactory.createForClass(ContactMessages);
// The inbox (a tenant's conversations, newest last message first) and segments' message
// activity conditions (contacts by when they last wrote).
ContactMessagesSchema.index({ tenantId: 1, lastMessageAt: -1, contactId: -1 });
