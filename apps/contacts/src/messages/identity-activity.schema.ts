import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import type { MessageStatus, MessageView } from './stored-message.schema';

/**
 * The messages of one sender identity with one status: how many, when the first and last were
 * sent, and the last one. `_id` is the identity's Kafka key and the status
 * (`tenantId|channel|address|accepted`), so each document has exactly one writer: the consumer
 * of the partition of `messages.accepted` (or `messages.blocked`) that the key belongs to.
 * `appliedAt`/`appliedOffset` are that partition and the offset it is current to: a record
 * of that partition at or below it is already counted, and a write is conditional on the offset it was decided from (the fence
 * against a former owner of the partition still writing, docs/operations.md).
 */
@Schema({ collection: 'identity_activity', versionKey: false, minimize: false })
export class IdentityActivity {
  @Prop({ type: String, required: true })
  _id: string;

  @Prop({ required: true })
  tenantId: string;

  /** The contact that owned the identity at the last message (what the inbox groups by). */
  @Prop({ required: true })
  contactId: string;

  @Prop({ type: String, required: true })
  status: MessageStatus;

  @Prop({ required: true })
  count: number;

  @Prop({ required: true })
  firstSeenAt: Date;

  @Prop({ required: true })
  lastMessageAt: Date;

  @Prop({ type: Object, required: true })
  lastMessage: MessageView;

  /** The partition (`topic/partition`) whose records it counts, up to `appliedOffset`. */
  @Prop({ required: true })
  appliedAt: string;

  @Prop({ required: true })
  appliedOffset: number;
}

export const IdentityActivitySchema = SchemaFactory.createForClass(IdentityActivity);
// The inbox (a tenant's conversations, newest last message first) and segments' message
// activity conditions (contacts by when they last wrote).
IdentityActivitySchema.index({ tenantId: 1, lastMessageAt: -1, contactId: -1 });

export function identityActivityId(identityKey: string, status: MessageStatus): string {
  return `${identityKey}|${status}`;
}

/** The identity key (`tenantId|channel|address`) an activity document counts. */
export function identityKeyOf(activity: Pick<IdentityActivity, '_id' | 'status'>): string {
  return activity._id.slice(0, activity._id.length - activity.status.length - 1);
}
