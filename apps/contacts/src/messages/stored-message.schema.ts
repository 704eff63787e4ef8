import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';

/** Whether a message was delivered, or dropped because its sender was blocked. */
export type MessageStatus = 'accepted' | 'blocked';

/** One message as the chat screen shows it. */
export interface MessageView {
  messageId: string;
  channel: string;
  from: string;
  type: string;
  content: Record<string, unknown>;
  sentAt: string;
  status: MessageStatus;
}

/**
 * One inbound message, insert-only: `_id` is `tenantId:messageId`, so a redelivered or resent
 * message is recognised by its key. `identity` is `channel|address` of the sender, what the
 * history of a contact is read by (its identities), whoever owns them now.
 */
@Schema({ collection: 'messages', versionKey: false, minimize: false })
export class StoredMessage {
  @Prop({ type: String, required: true })
  _id: string;

  @Prop({ required: true })
  tenantId: string;

  @Prop({ required: true })
  identity: string;

  @Prop({ required: true })
  messageId: string;

  @Prop({ required: true })
  channel: string;

  @Prop({ required: true })
  from: string;

  @Prop({ required: true })
  type: string;

  @Prop({ type: Object, required: true })
  content: Record<string, unknown>;

  @Prop({ required: true })
  sentAt: Date;

  @Prop({ type: String, required: true })
  status: MessageStatus;

  /**
   * The record that stored it (`topic/partition/offset`): a record finding its message already
   * stored counts it only when it was itself the one that stored it (a retry after a crash).
   */
  @Prop({ required: true })
  source: string;
}

export const StoredMessageSchema = SchemaFactory.createForClass(StoredMessage);
// A contact's history, newest first, a page at a time (one identity at a time, merged).
StoredMessageSchema.index({ tenantId: 1, identity: 1, sentAt: -1, _id: -1 });

export function messageViewOf(message: StoredMessage): MessageView {
  return {
    messageId: message.messageId,
    channel: message.channel,
    from: message.from,
    type: message.type,
    content: message.content,
    sentAt: new Date(message.sentAt).toISOString(),
    status: message.status,
  };
}
